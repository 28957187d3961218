from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestProgramLedger(LoyaltyCommon):
    """The ledger is a program setting: programs without it keep Odoo's own
    behaviour; switching it on turns the balances into opening batches; the
    points follow what the customer pays when other promotions apply."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.promotion = cls.env["loyalty.program"].create(
            {
                "name": "九折优惠码",
                "program_type": "promotion",
                "trigger": "with_code",
                "applies_on": "current",
                "rule_ids": [Command.create({"mode": "with_code", "code": "crm_ten_off"})],
                "reward_ids": [
                    Command.create({"reward_type": "discount", "discount": 10, "discount_applicability": "order"})
                ],
            }
        )

    def _apply_code(self, order, code):
        status = order._try_apply_code(code)
        self.assertNotIn("error", status)
        [(coupon, rewards)] = status.items()
        result = order._apply_program_reward(rewards, coupon)
        self.assertNotIn("error", result)

    def test_program_without_ledger_keeps_host_behaviour(self):
        program = self._program(moment="confirm", crm_ledger=False)
        order = self._order(self.customer, [(self.product, 4, 100)])
        order.action_confirm()
        card = self._card(program)
        self.assertEqual(card.points, 400, "the host gives the points at confirmation")
        self.assertFalse(self.env["crm.loyalty.ledger"].search([("card_id", "=", card.id)]))
        # a manual change is the host's too, no ledger entry
        card.points = 50
        self.assertFalse(self.env["crm.loyalty.ledger"].search([("card_id", "=", card.id)]))

    def test_switching_ledger_on_opens_balances(self):
        program = self._program(moment="confirm", crm_ledger=False)
        card = self.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": self.customer.id, "points": 250}
        )
        program.crm_ledger = True
        opening = self._ledger(card)
        self.assertEqual(opening.entry_type, "adjustment")
        self.assertEqual(opening.points, 250)
        self.assertEqual(opening.remaining, 250)
        self.assertEqual(card.points, 250)
        self.assertLedgerBalanced(card)
        with self.assertRaisesRegex(UserError, "cannot be switched off"):
            program.crm_ledger = False
        self.assertTrue(program.crm_ledger)

    def test_ledger_only_for_loyalty_programs(self):
        with self.assertRaisesRegex(ValidationError, "only loyalty programs"):
            self.env["loyalty.program"].create({"name": "Gift", "program_type": "gift_card", "crm_ledger": True})

    def test_code_discount_lowers_points_at_confirmation(self):
        program = self._program(moment="confirm")
        order = self._order(self.customer, [(self.product, 2, 100)])
        self._apply_code(order, "crm_ten_off")
        self.assertEqual(order.amount_total, 180)
        order.action_confirm()
        card = self._card(program)
        self.assertEqual(card.points, 180, "points for what the customer pays, as the host counts them")
        self.assertEqual(self._ledger(card, entry_type="accrual").points, 180)
        self.assertLedgerBalanced(card)

    def test_code_discount_lowers_points_on_invoice(self):
        program = self._program(moment="invoice")
        order = self._order(self.customer, [(self.product, 2, 100)])
        self._apply_code(order, "crm_ten_off")
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 180)
        card = self._card(program)
        self.assertEqual(card.points, 180, "the invoiced discount line lowers the points")
        self.assertLedgerBalanced(card)
