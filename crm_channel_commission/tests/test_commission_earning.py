from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionEarning(CommissionCommon):
    def test_partial_payment_earns_pro_rata(self):
        invoice = self._invoice(self.dealer_sh, [(self.banlangen, 1000.0)])
        self.assertFalse(self._lines(invoice), "nothing is earned before the customer pays")
        self._pay(invoice, 400.0)
        line = self._lines(invoice, self.agent)
        self.assertRecordValues(
            line,
            [{"amount": 40.0, "ratio": 0.4, "kind": "earn", "base_amount": 400.0, "partner_id": self.dealer_sh.id}],
        )
        self._pay(invoice, 600.0)
        self.assertEqual(sum(self._lines(invoice, self.agent).mapped("amount")), 100.0)

    def test_rounding_left_over_goes_to_the_last_payment(self):
        invoice = self._invoice(self.dealer_sh, [(self.banlangen, 100.0)])
        for _i in range(3):
            self._pay(invoice, 33.33)
        self._pay(invoice, 0.01)
        self.assertEqual(sum(self._lines(invoice).mapped("amount")), 10.0)

    def test_full_payment_uses_category_rate(self):
        invoice = self._invoice(self.dealer_sh, [(self.amoxicillin, 500.0), (self.other_product, 500.0)])
        self._pay(invoice)
        # antibiotics 20% of 500 + the type's 10% of 500
        self.assertEqual(self._lines(invoice, self.agent).amount, 150.0)

    def test_product_rate_beats_category_rate(self):
        self.commission_agent.crm_rule_ids = [(0, 0, {"product_id": self.amoxicillin.id, "percent": 1})]
        invoice = self._invoice(self.dealer_sh, [(self.amoxicillin, 500.0)])
        self._pay(invoice)
        self.assertEqual(self._lines(invoice, self.agent).amount, 5.0)

    def test_salesperson_tiers_on_the_invoice(self):
        invoice = self._invoice(self.distributor, [(self.banlangen, 2000.0)], user=self.salesman)
        self._pay(invoice, 1000.0)
        # 2,000 falls in the 5% tier: 100 in all, half of it paid
        line = self._lines(invoice, self.salesman.partner_id)
        self.assertRecordValues(line, [{"amount": 50.0, "agent_user_id": self.salesman.id, "agent_type": "salesman"}])

    def test_refund_reverses_a_paid_invoice(self):
        invoice = self._invoice(self.dealer_sh, [(self.banlangen, 1000.0)])
        self._pay(invoice)
        refund = invoice._reverse_moves()
        refund.action_post()
        self._pay(refund, 300.0)
        reversal = self._lines(refund, self.agent)
        self.assertRecordValues(reversal, [{"amount": -30.0, "kind": "reversal"}])
        self._pay(refund)
        self.assertEqual(sum(self._lines(refund).mapped("amount")), -100.0)

    def test_credit_note_cancelling_an_invoice_nets_to_zero(self):
        invoice = self._invoice(self.dealer_sh, [(self.banlangen, 1000.0)])
        self._pay(invoice, 500.0)
        refund = invoice._reverse_moves(cancel=True)
        # the credit note takes the payment's place on the invoice: what the
        # invoice earns through it, the credit note reverses
        self.assertEqual(sum(self._lines(invoice).mapped("amount")), 100.0)
        self.assertRecordValues(self._lines(refund), [{"amount": -100.0, "kind": "reversal"}])
        lines = self.env["crm.channel.commission.line"].search([("agent_id", "=", self.agent.id)])
        self.assertEqual(sum(lines.mapped("amount")), 0.0)

    def test_unreconciled_payment_takes_its_commission_back(self):
        invoice = self._invoice(self.dealer_sh, [(self.banlangen, 1000.0)])
        payment = self._pay(invoice, 400.0)
        self.assertTrue(self._lines(invoice))
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertFalse(self._lines(invoice))

    def test_no_agent_no_line(self):
        invoice = self._invoice(self.dealer_js, [(self.banlangen, 1000.0)])
        self._pay(invoice)
        self.assertFalse(self._lines(invoice))

    def test_commission_free_product(self):
        self.banlangen.commission_free = True
        invoice = self._invoice(self.dealer_sh, [(self.banlangen, 1000.0)])
        self._pay(invoice)
        self.assertFalse(self._lines(invoice))


@tagged("post_install", "-at_install")
class TestCommissionBadInput(CommissionCommon):
    def _count(self):
        return self.env["commission"].search_count([]), self.env["commission.section"].search_count([])

    def test_negative_fixed_rate(self):
        before = self._count()
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.env["commission"].with_user(self.channel_manager).create({"name": "Bad", "fix_qty": -5})
        self.assertEqual(self._count(), before)
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.commission_agent.with_user(self.channel_manager).fix_qty = -1
        self.assertEqual(self.commission_agent.fix_qty, 10)

    def test_tiers_out_of_order(self):
        before = self._count()
        with self.assertRefused(ValidationError, "ascending order"):
            self.env["commission"].with_user(self.channel_manager).create(
                {
                    "name": "Bad tiers",
                    "commission_type": "section",
                    "section_ids": [
                        (0, 0, {"amount_from": 1000, "amount_to": 2000, "percent": 5}),
                        (0, 0, {"amount_from": 0, "amount_to": 1000, "percent": 2}),
                    ],
                }
            )
        with self.assertRefused(ValidationError, "overlap"):
            self.env["commission"].with_user(self.channel_manager).create(
                {
                    "name": "Overlapping tiers",
                    "commission_type": "section",
                    "section_ids": [
                        (0, 0, {"amount_from": 0, "amount_to": 1500, "percent": 2}),
                        (0, 0, {"amount_from": 1000, "amount_to": 2000, "percent": 5}),
                    ],
                }
            )
        with self.assertRefused(ValidationError, "negative rate"):
            self.env["commission"].with_user(self.channel_manager).create(
                {
                    "name": "Negative tier",
                    "commission_type": "section",
                    "section_ids": [(0, 0, {"amount_to": 10, "percent": -2})],
                }
            )
        self.assertEqual(self._count(), before)

    def test_bad_rule(self):
        rules = self.commission_agent.crm_rule_ids
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.commission_agent.with_user(self.channel_manager).crm_rule_ids = [
                (0, 0, {"categ_id": self.categ_tcm.id, "percent": -3})
            ]
        with self.assertRefused(ValidationError, "either to a product or"):
            self.commission_agent.with_user(self.channel_manager).crm_rule_ids = [
                (0, 0, {"categ_id": self.categ_tcm.id, "product_id": self.banlangen.id, "percent": 3})
            ]
        self.assertEqual(self.commission_agent.crm_rule_ids, rules)
