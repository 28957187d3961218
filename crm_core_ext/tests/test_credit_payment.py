from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment.tests.http_common import PaymentHttpCommon
from odoo.addons.sale.tests.common import SaleCommon

# The customer's internal credit figures in these tests: limit, open receivable
# and exposure with the unpaid part of the order. None of them may reach the customer.
INTERNAL_FIGURES = ("1,234.00", "345.00", "1,545.00")


@tagged("post_install", "-at_install")
class TestCreditOnlinePayment(AccountPaymentCommon, SaleCommon, PaymentHttpCommon):
    """A portal customer pays a quotation online while over credit: the payment
    goes through, the order waits for a credit manager, and the customer sees
    none of its credit figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.write({"account_use_credit_limit": True, "crm_credit_policy": "approval"})
        cls.credit_manager = new_test_user(
            cls.env,
            login="paid_credit_manager",
            groups="sales_team.group_sale_salesman,crm_core_ext.crm_core_ext_group_credit_manager",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "网上付款客户", "is_company": True, "email": "buyer@example.com", "credit_limit": 1234.0}
        )
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": cls.product.id, "quantity": 1, "price_unit": 345, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        invoice.action_post()
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "require_payment": True,
                "prepayment_percent": 1.0,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.service_product.id,
                            "product_uom_qty": 1,
                            "price_unit": 1500,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        cls.order.action_quotation_sent()
        cls.currency = cls.order.currency_id
        cls.partner = cls.order.partner_invoice_id
        cls.provider.journal_id.inbound_payment_method_line_ids.filtered(
            lambda line: line.payment_provider_id == cls.provider
        ).payment_account_id = cls.inbound_payment_method_line.payment_account_id

    def _pay_online(self, amount):
        """Pay ``amount`` of the order from its portal page, as the customer
        who received the link, and let the payment status page process it."""
        tx_values = {
            "provider_id": self.provider.id,
            "payment_method_id": self.payment_method_id,
            "token_id": None,
            "amount": amount,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": self.order.get_portal_url(),
            "access_token": self.order._portal_ensure_token(),
        }
        processing_values = self._get_processing_values(
            tx_route=self._build_url(self.order.get_portal_url(suffix="/transaction")), **tx_values
        )
        tx = self._get_tx(processing_values["reference"])
        tx._set_done()
        status = self.make_jsonrpc_request(self._build_url("/payment/status/poll"), {})
        return tx, status

    def _assert_nothing_internal(self, text):
        for figure in INTERNAL_FIGURES:
            self.assertNotIn(figure, text)
        self.assertNotIn("exceed", text)

    def test_paid_over_credit_waits_for_approval(self):
        """A 20% prepayment paid online: 345 open + the unpaid 1,200 exceed
        the limit of 1,234."""
        self.order.prepayment_percent = 0.2
        tx, status = self._pay_online(300)
        self.assertEqual(status["state"], "done")
        self._assert_nothing_internal(str(status))
        self.assertTrue(tx.is_post_processed)
        self.assertTrue(tx.payment_id, "the payment is recorded")
        self.assertIn(self.order.state, ("draft", "sent"), "the order waits for a credit manager")
        self.assertEqual(self.order.crm_credit_approval_state, "requested")
        self.assertTrue(self.order.activity_ids.filtered(lambda a: a.user_id == self.credit_manager))
        # what the customer sees: the order's portal page and the messages shown there
        page = self.url_open(self.order.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self._assert_nothing_internal(page.text)
        public_messages = self.order.message_ids.filtered(lambda m: not m.is_internal and not m.subtype_id.internal)
        self._assert_nothing_internal(" ".join(public_messages.mapped("body")))
        # the manager approves: the payment is money received, it lowers the exposure
        self.order.with_user(self.credit_manager)._crm_credit_approve("Prepaid online, long-standing customer")
        self.assertEqual(self.order.state, "sale")
        self.customer.invalidate_recordset()
        self.assertAlmostEqual(self.customer.crm_credit_exposure, 345 - 300 + 1500)

    def test_paid_in_full_within_credit(self):
        """Paid in full online, the order adds nothing to what the customer owes."""
        tx, status = self._pay_online(1500)
        self.assertEqual(status["state"], "done")
        self.assertEqual(self.order.state, "sale")
        self.customer.invalidate_recordset()
        self.assertAlmostEqual(self.customer.crm_credit_exposure, 345)

    def test_prepayment_lowers_the_exposure(self):
        """Half paid online: only the unpaid half adds to the exposure (345 +
        750 is within 1,234), so the order is confirmed."""
        self.order.prepayment_percent = 0.5
        tx, status = self._pay_online(750)
        self.assertEqual(status["state"], "done")
        self.assertEqual(self.order.state, "sale")
        self.assertFalse(self.order.crm_credit_approval_state)
        self.customer.invalidate_recordset()
        self.assertAlmostEqual(self.customer.crm_credit_exposure, 345 - 750 + 1500)

    def test_signed_over_credit_waits_for_approval(self):
        """Signed on the portal (no payment asked): the order waits for a
        credit manager instead of showing the customer the credit problem."""
        self.order.require_payment = False
        public_order = self.order.with_user(self.env.ref("base.public_user")).sudo()
        public_order._validate_order()
        self.assertIn(self.order.state, ("draft", "sent"))
        self.assertEqual(self.order.crm_credit_approval_state, "requested")
        self.assertTrue(self.order.activity_ids.filtered(lambda a: a.user_id == self.credit_manager))
