from odoo.tests import tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyCurrency(LoyaltyCommon):
    """Points keep their own precision, not the currency's."""

    def test_invoice_points_keep_their_decimals(self):
        whole = self.env["res.currency"].create({"name": "CRX", "symbol": "¤", "rounding": 1.0})
        program = self._program(
            moment="invoice",
            currency_id=whole.id,
            rules=[{"reward_point_mode": "money", "reward_point_amount": 0.1}],
        )
        self._invoice(self.customer, [(self.product, 1, 123)])
        card = self._card(program)
        self.assertEqual(card.currency_id, whole)
        self.assertAlmostEqual(card.points, 12.3)
        self.assertAlmostEqual(self._ledger(card, entry_type="accrual").points, 12.3)
        self.assertLedgerBalanced(card)
