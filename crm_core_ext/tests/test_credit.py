from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestCreditGate(CreditCommon):
    def test_under_limit_confirms(self):
        self._invoice(self.customer, 300)
        order = self._order(self.customer, 700, user=self.salesman)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_over_limit_refused_with_numbers(self):
        self._invoice(self.customer, 600)
        order = self._order(self.customer, 500, user=self.salesman)
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        message = str(error.exception)
        for number in ("1,000.00", "600.00", "500.00", "1,100.00"):
            self.assertIn(number, message)
        self.assertEqual(order.state, "draft")

    def test_state_written_directly_meets_the_gate(self):
        """No path confirms around the gate: writing the state over RPC, or
        creating an order already confirmed, is checked like action_confirm."""
        self._invoice(self.customer, 600)
        order = self._order(self.customer, 500, user=self.salesman)
        with self.assertRaises(UserError):
            order.with_user(self.salesman).write({"state": "sale"})
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
        Order = self.env["sale.order"].with_user(self.salesman).with_company(self.company)
        values = {
            "partner_id": self.customer.id,
            "state": "sale",
            "order_line": [Command.create({"product_id": self.product.id, "price_unit": 500, "tax_id": []})],
        }
        with self.assertRaises(UserError):
            Order.create(values)
        self.assertFalse(Order.search([("partner_id", "=", self.customer.id), ("state", "=", "sale")]))
        # within the limit, a direct write still confirms
        small = self._order(self.customer, 100, user=self.salesman)
        small.with_user(self.salesman).write({"state": "sale"})
        self.assertEqual(small.state, "sale")
        created = Order.create(
            dict(values, order_line=[Command.create({"product_id": self.product.id, "price_unit": 50, "tax_id": []})])
        )
        self.assertEqual(created.state, "sale")

    def test_state_written_with_lines_writes_them_once(self):
        order = self._order(self.customer, 100, user=self.salesman)
        order.with_user(self.salesman).write(
            {
                "state": "sale",
                "order_line": [Command.create({"product_id": self.product.id, "price_unit": 50, "tax_id": []})],
            }
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(order.order_line), 2, "the new line is created once")
        # a line that takes the order over the limit is refused with the confirmation
        self._invoice(self.customer, 800)
        big = self._order(self.customer, 10, user=self.salesman)
        with self.assertRaises(UserError):
            big.with_user(self.salesman).write(
                {
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 500, "tax_id": []})],
                }
            )
        big.invalidate_recordset()
        self.assertEqual((big.state, len(big.order_line)), ("draft", 1))

    def test_exposure_counts_confirmed_orders_and_initial_balances(self):
        self.customer.crm_credit_initial_receivable = 200
        self._order(self.customer, 300).action_confirm()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.crm_credit_open_orders, 300)
        self.assertEqual(self.customer.crm_credit_exposure, 500)
        self.assertEqual(self.customer.crm_credit_available, 500)
        order = self._order(self.customer, 501, user=self.salesman)
        with self.assertRaises(UserError):
            order.action_confirm()
        # an advance received in the old system gives room back
        self.customer.crm_credit_initial_advance = 100
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_invoiced_order_not_counted_twice(self):
        order = self._order(self.customer, 400)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.crm_credit_open_orders, 0)
        self.assertEqual(self.customer.crm_credit_open_receivable, 400)
        self.assertEqual(self.customer.crm_credit_exposure, 400)

    def test_contact_orders_count_against_company(self):
        self._order(self.contact, 800, user=self.salesman).action_confirm()
        other_contact = self.env["res.partner"].create({"name": "李娜", "parent_id": self.customer.id})
        order = self._order(other_contact, 300, user=self.salesman)
        with self.assertRaisesRegex(UserError, "华东贸易有限公司"):
            order.action_confirm()
        self.assertEqual(self.contact.crm_credit_exposure, 800, "a contact shows its company's exposure")

    def test_orders_confirmed_together_count_against_each_other(self):
        orders = self._order(self.customer, 600) | self._order(self.customer, 600)
        with self.assertRaises(UserError):
            orders.with_user(self.salesman).action_confirm()
        self.assertEqual(set(orders.mapped("state")), {"draft"})

    def test_overdue_beyond_credit_period_refused(self):
        self.customer.crm_credit_period_days = 30
        today = fields.Date.today()
        invoice = self._invoice(self.customer, 10, today - timedelta(days=60), today - timedelta(days=45))
        order = self._order(self.customer, 10, user=self.salesman)
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        message = str(error.exception)
        self.assertIn(invoice.name, message)
        self.assertIn("45", message)
        self.assertIn("30", message)
        # within the period it passes
        self.customer.crm_credit_period_days = 60
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_no_limit_means_no_check(self):
        self.customer.credit_limit = 0
        self._order(self.customer, 100000, user=self.salesman).action_confirm()

    def test_switch_off_means_host_behaviour(self):
        self.company.account_use_credit_limit = False
        order = self._order(self.customer, 5000, user=self.salesman)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_temporary_increase(self):
        order = self._order(self.customer, 1500, user=self.salesman)
        today = fields.Date.today()
        increase = (
            self.env["crm.credit.limit.increase"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "amount": 600,
                    "date_end": today + timedelta(days=10),
                    "reason": "Spring festival stock-up",
                }
            )
        )
        with self.assertRaises(UserError):
            order.action_confirm()  # not approved yet
        with self.assertRaises(AccessError):
            increase.action_approve()
        increase.with_user(self.credit_manager).action_approve()
        self.assertEqual(self.customer.with_user(self.salesman).crm_credit_temporary_increase, 600)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # once it has ended, the cron expires it and the limit is back
        increase.sudo().write({"date_start": today - timedelta(days=2), "date_end": today - timedelta(days=1)})
        self.env["crm.credit.limit.increase"]._cron_expire()
        self.assertEqual(increase.state, "expired")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.crm_credit_temporary_increase, 0)

    def test_rpc_write_state_cannot_confirm_over_credit(self):
        """Writing the state over RPC meets the same gate as the Confirm button."""
        order = self._order(self.customer, 1500, user=self.salesman).with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "would exceed its credit limit"):
            order.write({"state": "sale"})
        self.assertEqual(order.state, "draft")
        # nor by raising the amount in the same write as the confirmation
        small = self._order(self.customer, 500, user=self.salesman).with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "would exceed its credit limit"), self.cr.savepoint():
            small.write({"state": "sale", "order_line": [Command.update(small.order_line.id, {"price_unit": 5000})]})
        self.assertEqual(small.state, "draft")
        # nor by bringing a cancelled order straight back to confirmed
        order.with_context(disable_cancel_warning=True).action_cancel()
        with self.assertRaisesRegex(UserError, "would exceed its credit limit"):
            order.write({"state": "sale"})
        self.assertEqual(order.state, "cancel")

    def test_rpc_create_confirmed_over_credit(self):
        values = {
            "partner_id": self.customer.id,
            "state": "sale",
            "order_line": [
                Command.create(
                    {
                        "product_id": self.product.id,
                        "product_uom_qty": 1,
                        "price_unit": 1500,
                        "tax_id": [Command.clear()],
                    }
                )
            ],
        }
        Order = self.env["sale.order"].with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "would exceed its credit limit"), self.cr.savepoint():
            Order.create(values)
        self.assertFalse(Order.search([("partner_id", "=", self.customer.id)]))
        # within the limit it is created confirmed, as the host allows
        order = Order.create(
            dict(values, order_line=[Command.create({"product_id": self.product.id, "price_unit": 900})])
        )
        self.assertEqual(order.state, "sale")

    def test_gate_runs_once_per_confirmation(self):
        order = self._order(self.customer, 700, user=self.salesman)
        SaleOrder = self.env.registry["sale.order"]
        with patch.object(
            SaleOrder,
            "_crm_credit_problems_by_order",
            autospec=True,
            side_effect=SaleOrder._crm_credit_problems_by_order,
        ) as gate:
            order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(gate.call_count, 1)

    def test_draft_invoice_still_counts_as_not_invoiced(self):
        """Receivables count posted invoices only: until its invoice is posted,
        an order stays in "orders not invoiced"."""
        self.product.is_storable = False
        order = self._order(self.customer, 400)
        order.order_line.write({"product_uom_qty": 2, "price_unit": 400})  # 800
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_line_ids.quantity = 1  # half of it invoiced, in draft
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.crm_credit_open_orders, 800)
        self.assertEqual(self.customer.crm_credit_exposure, 800)
        self.env.flush_all()
        report = self.env["crm.credit.exposure.report"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((report.orders, report.exposure), (800, 800))
        with self.assertRaisesRegex(UserError, "would exceed its credit limit"):
            self._order(self.customer, 300, user=self.salesman).action_confirm()
        invoice.action_post()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.crm_credit_open_orders, 400)
        self.assertEqual(self.customer.crm_credit_open_receivable, 400)
        self.assertEqual(self.customer.crm_credit_exposure, 800)
        self.env.flush_all()
        report.invalidate_recordset()
        self.assertEqual((report.orders, report.receivable, report.exposure), (400, 400, 800))

    def test_invoice_block_counts_an_order_invoice_once(self):
        """Posting the invoice of a confirmed order moves its amount from the
        orders to the receivables: it does not count twice."""
        self.company.crm_credit_block_invoice = True
        order = self._order(self.customer, 800)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        # an invoice outside any order adds its whole amount
        extra = self._invoice(self.customer, 300, post=False)
        with self.assertRaisesRegex(UserError, "would exceed its credit limit"):
            extra.action_post()

    def test_increase_bad_input(self):
        Increase = self.env["crm.credit.limit.increase"]
        today = fields.Date.today()
        with self.assertRaisesRegex(ValidationError, "positive amount"), self.cr.savepoint():
            Increase.create({"partner_id": self.customer.id, "amount": -5, "date_end": today, "reason": "x"})
        with self.assertRaisesRegex(ValidationError, "cannot end before"), self.cr.savepoint():
            Increase.create(
                {
                    "partner_id": self.customer.id,
                    "amount": 5,
                    "date_start": today,
                    "date_end": today - timedelta(days=1),
                    "reason": "x",
                }
            )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            Increase.create({"partner_id": self.contact.id, "amount": 5, "date_end": today, "reason": "x"})
        self.assertFalse(Increase.search([("partner_id", "in", (self.customer | self.contact).ids)]))


@tagged("post_install", "-at_install")
class TestCreditApproval(CreditCommon):
    def test_approval_path(self):
        order = self._order(self.customer, 1500, user=self.salesman)
        self.assertIn("1,500.00", order.crm_credit_block_reason)
        with self.assertRaisesRegex(UserError, "Request Credit Approval"):
            order.action_confirm()
        # the salesperson can neither approve nor fake an approval
        with self.assertRaises(AccessError):
            order.action_crm_credit_open_approval()
        with self.assertRaises(AccessError):
            order.write({"crm_credit_approval_state": "approved", "crm_credit_approved_amount": 1e9})
        order.action_crm_credit_request_approval()
        self.assertEqual(order.crm_credit_approval_state, "requested")
        activity = order.activity_ids.filtered(lambda a: a.user_id == self.credit_manager)
        self.assertTrue(activity, "the credit manager is asked to approve")

        order_as_manager = order.with_user(self.credit_manager)
        action = order_as_manager.action_crm_credit_open_approval()
        wizard_model = self.env[action["res_model"]].with_user(self.credit_manager)
        wizard_form = Form(wizard_model.with_context(**action["context"]))
        self.assertIn("1,500.00", wizard_form.problems)
        wizard_form.reason = "Long-standing customer, payment promised next week"
        wizard_form.save().action_approve()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.crm_credit_approval_state, "approved")
        self.assertEqual(order.crm_credit_approved_uid, self.credit_manager)
        self.assertTrue(any("payment promised next week" in body for body in order.message_ids.mapped("body")))
        self.assertFalse(order.activity_ids)

    def test_approval_needs_reason_and_leaves_nothing(self):
        order = self._order(self.customer, 1500, user=self.salesman)
        with self.assertRaises(UserError):
            order.with_user(self.credit_manager)._crm_credit_approve("  ")
        self.assertFalse(order.crm_credit_approval_state)
        self.assertEqual(order.state, "draft")

    def test_approval_is_for_the_approved_amount(self):
        order = self._order(self.customer, 1500, user=self.salesman)
        order.with_user(self.credit_manager)._crm_credit_approve("ok")
        self.assertEqual(order.state, "sale")
        copy = order.copy()
        self.assertFalse(copy.crm_credit_approval_state, "an approval is for one order, not its copies")

    def _approved_order(self, amount=1500):
        order = self._order(self.customer, amount, user=self.salesman)
        order.with_user(self.credit_manager)._crm_credit_approve("Customer paid its last invoices")
        self.assertEqual((order.state, order.crm_credit_approval_state), ("sale", "approved"))
        return order.with_user(self.salesman)

    def _assert_no_approval(self, order):
        order.invalidate_recordset()
        self.assertFalse(order.crm_credit_approval_state)
        self.assertFalse(order.crm_credit_approved_amount)
        self.assertFalse(order.crm_credit_approved_uid)
        self.assertFalse(order.crm_credit_approval_reason)

    def test_approval_withdrawn_on_cancel(self):
        order = self._approved_order()
        order.with_context(disable_cancel_warning=True).action_cancel()
        self._assert_no_approval(order)
        order.action_draft()
        with self.assertRaisesRegex(UserError, "Request Credit Approval"):
            order.action_confirm()
        # a request pending when the quotation is cancelled goes too, with the managers' activities
        order.action_crm_credit_request_approval()
        self.assertTrue(order.activity_ids)
        order.action_cancel()
        self._assert_no_approval(order)
        self.assertFalse(order.sudo().activity_ids)

    def test_approval_withdrawn_when_back_to_quotation(self):
        order = self._approved_order()
        order.write({"state": "draft"})
        self._assert_no_approval(order)
        with self.assertRaisesRegex(UserError, "Request Credit Approval"):
            order.action_confirm()

    def test_approval_withdrawn_on_customer_change(self):
        order = self._approved_order()
        # another contact of the same customer keeps it: the credit is the company's
        order.partner_id = self.contact
        self.assertEqual(order.crm_credit_approval_state, "approved")
        other = self.env["res.partner"].create({"name": "另一家公司", "is_company": True, "credit_limit": 100})
        order.partner_id = other
        self._assert_no_approval(order)

    def test_approval_withdrawn_when_amount_raised(self):
        order = self._approved_order()
        line = order.order_line
        # lowering the amount keeps what was approved
        line.price_unit = 1400
        self.assertEqual(order.crm_credit_approval_state, "approved")
        line.price_unit = 1600
        self._assert_no_approval(order)
        self.company.crm_credit_block_delivery = True
        with self.assertRaisesRegex(UserError, "Deliveries to this customer are blocked"):
            order.picking_ids.with_user(self.env.ref("base.user_admin")).button_validate()
        # and a line added on the order does the same
        order = self._approved_order()
        order.write({"order_line": [Command.create({"product_id": self.product.id, "price_unit": 1})]})
        self._assert_no_approval(order)

    def test_reject(self):
        order = self._order(self.customer, 1500, user=self.salesman)
        order.action_crm_credit_request_approval()
        order.with_user(self.credit_manager)._crm_credit_reject("Too much risk")
        self.assertEqual(order.crm_credit_approval_state, "rejected")
        with self.assertRaises(UserError):
            order.action_confirm()

    def test_policy_block_has_no_approval(self):
        self.company.crm_credit_policy = "block"
        order = self._order(self.customer, 1500, user=self.salesman)
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        self.assertNotIn("Request Credit Approval", str(error.exception))
        with self.assertRaises(UserError):
            order.action_crm_credit_request_approval()

    def test_policy_warn_confirms_with_note(self):
        self.company.crm_credit_policy = "warn"
        order = self._order(self.customer, 1500, user=self.salesman)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("Confirmed over credit", "".join(order.message_ids.mapped("body")))

    def test_policy_per_company(self):
        company_b = self.setup_other_company(name="公司乙")["company"]
        company_b.write({"account_use_credit_limit": True, "crm_credit_policy": "warn"})
        self.customer.with_company(company_b).credit_limit = 1000
        self.salesman.company_ids = [Command.link(company_b.id)]
        order_b = self._order(self.customer, 1500, user=self.salesman, company=company_b)
        order_b.action_confirm()
        self.assertEqual(order_b.state, "sale")
        order_a = self._order(self.customer, 1500, user=self.salesman)
        with self.assertRaises(UserError):
            order_a.action_confirm()

    def test_delivery_block(self):
        self.company.crm_credit_block_delivery = True
        self.product.is_storable = False
        order = self._order(self.customer, 900)
        order.action_confirm()
        picking = order.picking_ids
        self.assertTrue(picking)
        # the customer's receivables now take it over the limit
        self._invoice(self.customer, 500)
        with self.assertRaisesRegex(UserError, "Deliveries to this customer are blocked"):
            picking.with_user(self.env.ref("base.user_admin")).button_validate()
        self.assertNotEqual(picking.state, "done")
        self.company.crm_credit_block_delivery = False
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_invoice_block(self):
        self.company.crm_credit_block_invoice = True
        self._invoice(self.customer, 800)
        invoice = self._invoice(self.customer, 300, post=False)
        with self.assertRaises(UserError):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        self.company.crm_credit_block_invoice = False
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")


@tagged("post_install", "-at_install")
class TestCreditAccess(CreditCommon):
    def test_salesman_cannot_change_credit_terms(self):
        customer = self.customer.with_user(self.salesman)
        self.assertEqual(customer.crm_credit_limit, 1000, "salespeople see the limit")
        for values in ({"crm_credit_limit": 5000}, {"crm_credit_period_days": 90}, {"crm_credit_initial_advance": 1}):
            with self.assertRaises(AccessError):
                customer.write(values)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).create({"name": "X", "crm_credit_limit": 1})
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit, 1000)

    def test_salesman_opens_quotation_over_credit(self):
        """The host reads credit fields as the current user in its warning:
        a salesperson without invoicing rights must still open the quotation."""
        order = self._order(self.customer, 1500, user=self.salesman)
        order.invalidate_recordset()
        values = order.with_user(self.salesman).read(["partner_credit_warning", "crm_credit_block_reason"])[0]
        self.assertIn("1,500.00", values["crm_credit_block_reason"])
        self.assertTrue(values["partner_credit_warning"])

    def test_salesman_cannot_approve_increase(self):
        Increase = self.env["crm.credit.limit.increase"].with_user(self.salesman)
        values = {
            "partner_id": self.customer.id,
            "amount": 5000,
            "date_end": fields.Date.today() + timedelta(days=5),
            "reason": "Big order coming",
        }
        forged = (
            {"state": "approved"},
            {"state": "approved", "approver_id": self.credit_manager.id, "approval_date": fields.Datetime.now()},
            {"approver_id": self.credit_manager.id},
            {"approval_date": fields.Datetime.now()},
        )
        for extra in forged:
            with self.assertRaises(AccessError), self.cr.savepoint():
                Increase.create(dict(values, **extra))
        self.assertFalse(Increase.search([("partner_id", "=", self.customer.id)]))
        increase = Increase.create(values)
        for extra in forged:
            with self.assertRaises(AccessError), self.cr.savepoint():
                increase.write(extra)
        self.assertEqual(increase.state, "draft")
        self.assertFalse(increase.approver_id)
        self.assertEqual(self.customer.with_user(self.salesman).crm_credit_temporary_increase, 0)
        # a credit manager approves with the button, in their own name only
        with self.assertRaises(AccessError), self.cr.savepoint():
            increase.with_user(self.credit_manager).write({"state": "approved", "approver_id": self.salesman.id})
        increase.with_user(self.credit_manager).action_approve()
        self.assertEqual((increase.state, increase.approver_id), ("approved", self.credit_manager))
        self.assertTrue(increase.approval_date)
        with self.assertRaises(AccessError), self.cr.savepoint():
            increase.with_user(self.credit_manager).write({"approver_id": self.salesman.id})
        self.assertEqual(increase.approver_id, self.credit_manager)

    def test_credit_manager_sets_terms(self):
        customer = self.customer.with_user(self.credit_manager)
        customer.write({"crm_credit_limit": 5000, "crm_credit_period_days": 45})
        self.assertEqual(self.customer.sudo().credit_limit, 5000)
        self.assertEqual(self.customer.crm_credit_period_days, 45)

    def test_negative_values_refused(self):
        for values in (
            {"crm_credit_limit": -1},
            {"crm_credit_period_days": -3},
            {"crm_credit_initial_receivable": -10},
        ):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.customer.with_user(self.credit_manager).write(values)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit, 1000)
        self.assertEqual(self.customer.crm_credit_period_days, 0)

    def test_multi_company_isolation(self):
        company_b = self.setup_other_company(name="公司乙")["company"]
        company_b.account_use_credit_limit = True
        user_b = new_test_user(
            self.env,
            login="credit_manager_b",
            groups="sales_team.group_sale_salesman,crm_core_ext.crm_core_ext_group_credit_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        # company A's limit and receivables mean nothing in company B
        self._invoice(self.customer, 900)
        customer_b = self.customer.with_user(user_b).with_company(company_b)
        self.assertEqual(customer_b.crm_credit_limit, 0)
        self.assertEqual(customer_b.crm_credit_exposure, 0)
        customer_b.crm_credit_limit = 50
        self.assertEqual(self.customer.credit_limit, 1000, "company A keeps its own limit")
        increase_a = self.env["crm.credit.limit.increase"].create(
            {"partner_id": self.customer.id, "amount": 10, "date_end": fields.Date.today(), "reason": "A"}
        )
        self.assertFalse(self.env["crm.credit.limit.increase"].with_user(user_b).search([("id", "=", increase_a.id)]))
        with self.assertRaises(AccessError):
            increase_a.with_user(user_b).read(["amount"])
        report = self.env["crm.credit.exposure.report"].with_user(user_b).search([])
        self.assertFalse(report.filtered(lambda r: r.company_id == self.company))


@tagged("post_install", "-at_install")
class TestCreditPerformance(CreditCommon):
    def _check_queries(self, expected):
        order = self._order(self.customer, 10, user=self.salesman).with_user(self.salesman)
        # warm the registry caches (groups, record rules): they are not the gate's cost
        for __ in range(2):
            self.env.invalidate_all()
            order._crm_credit_check()
        self.env.invalidate_all()
        with self.assertQueryCount(expected):
            order._crm_credit_check()

    def test_gate_query_count_constant(self):
        """The gate costs the same number of queries with 1 or 30 open invoices
        and with 1 or 10 confirmed orders of the customer."""
        self.customer.credit_limit = 1e9
        self._invoice(self.customer, 10)
        self._order(self.customer, 10).action_confirm()
        self._check_queries(9)
        for __ in range(29):
            self._invoice(self.customer, 10)
        for __ in range(9):
            self._order(self.customer, 10).action_confirm()
        self._check_queries(9)


@tagged("post_install", "-at_install")
class TestCreditRating(CreditCommon):
    def test_ratings_from_payment_behaviour(self):
        model = self.env["crm.credit.model"].create(
            {
                "name": "Test model",
                "company_id": self.company.id,
                "level_ids": [
                    Command.create({"code": "AAA", "name": "Excellent", "min_score": 90}),
                    Command.create({"code": "B", "name": "Watch", "min_score": 40}),
                    Command.create({"code": "C", "name": "Poor", "min_score": 0}),
                ],
            }
        )
        today = fields.Date.today()
        good = self.env["res.partner"].create({"name": "Good payer", "is_company": True})
        bad = self.env["res.partner"].create({"name": "Bad payer", "is_company": True})
        silent = self.env["res.partner"].create({"name": "No history", "is_company": True})
        # good: one invoice due 20 days ago, paid on its due date
        inv = self._invoice(good, 100, today - timedelta(days=50), today - timedelta(days=20))
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=inv.ids).create(
            {"payment_date": today - timedelta(days=20)}
        )._create_payments()
        # bad: one invoice 120 days overdue, unpaid
        self._invoice(bad, 100, today - timedelta(days=150), today - timedelta(days=120))
        model._compute_ratings()
        self.assertEqual(good.crm_credit_score, 100.0)
        self.assertEqual(good.crm_credit_rating_id.min_score, max(model.level_ids.mapped("min_score")))
        self.assertEqual(bad.crm_credit_score, 0.0)
        self.assertEqual(bad.crm_credit_rating_id.min_score, 0)
        self.assertFalse(silent.crm_credit_rating_id)

    def test_bad_weights(self):
        with self.assertRaises(ValidationError):
            self.env["crm.credit.model"].create(
                {
                    "name": "Broken",
                    "company_id": self.setup_other_company(name="公司丙")["company"].id,
                    "weight_on_time": 0,
                    "weight_overdue_days": 0,
                    "weight_overdue_amount": 0,
                }
            )
