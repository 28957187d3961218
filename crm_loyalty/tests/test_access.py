from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyAccess(LoyaltyCommon):
    """Points move only through the program's own flows: no context key, no
    reward line or card field written over RPC by a salesperson changes a
    ledger card; salespeople restricted to their own customers see only
    their customers' points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls._program(moment="confirm")
        cls.card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.customer.id, "points": 500}
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "华北机械有限公司", "is_company": True})
        cls.other_card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.other_customer.id, "points": 800}
        )
        cls.Ledger = cls.env["crm.loyalty.ledger"]

    def _state(self, *cards):
        """What a change of points would touch: balances, ledger rows and
        what is left in their batches."""
        self.env.invalidate_all()
        rows = self.Ledger.search([("card_id", "in", [card.id for card in cards])], order="id")
        return [card.points for card in cards], rows.ids, rows.mapped("remaining")

    # ------------------------------------------------------------------
    # context keys
    # ------------------------------------------------------------------

    def test_context_key_does_not_unlock_points(self):
        before = self._state(self.card)
        card = self.card.with_user(self.salesman).with_context(crm_loyalty_ledger_posting=True)
        with self.assertRaises(AccessError):
            card.write({"points": 100000})
        self.assertEqual(self._state(self.card), before)

    def test_context_key_does_not_delete_ledger_rows(self):
        rows = self._ledger(self.card)
        with self.assertRaises(UserError):
            rows.sudo().with_context(crm_loyalty_card_unlink=True).unlink()
        self.assertEqual(self._ledger(self.card), rows)
