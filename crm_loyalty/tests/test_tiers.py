from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyTiers(LoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls._program(
            moment="invoice",
            crm_tier_window_months=12,
            crm_tier_ids=[
                Command.create({"name": "白银 Silver", "threshold": 1000, "multiplier": 1.2}),
                Command.create({"name": "黄金 Gold", "threshold": 5000, "multiplier": 1.5}),
                Command.create({"name": "铂金 Platinum", "threshold": 20000, "multiplier": 2.0}),
            ],
        )
        cls.silver, cls.gold, cls.platinum = cls.program.crm_tier_ids.sorted("threshold")

    def test_upgrade_on_accrual_then_multiplier(self):
        self._invoice(self.customer, [(self.product, 1, 900)])
        card = self._card(self.program)
        self.assertFalse(card.crm_tier_id)
        self._invoice(self.customer, [(self.product, 1, 200)])
        self.assertEqual(card.crm_tier_id, self.silver)
        self.assertEqual(card.crm_tier_history_ids.direction, "upgrade")
        self.assertEqual(card.crm_tier_history_ids.qualification, 1100)
        # silver earns 1.2 points per unit of money from now on
        self._invoice(self.customer, [(self.product, 1, 1000)])
        self.assertEqual(card.points, 1100 + 1200)
        # one invoice may jump two tiers
        self._invoice(self.customer, [(self.product, 1, 20000)])
        self.assertEqual(card.crm_tier_id, self.platinum)
        self.assertLedgerBalanced(card)

    def test_periodic_review_downgrades_with_history(self):
        self._invoice(self.customer, [(self.product, 1, 6000)])
        card = self._card(self.program)
        self.assertEqual(card.crm_tier_id, self.gold)
        # nothing changes while the points are inside the window
        self.assertFalse(self.env["crm.loyalty.tier"]._review_cards(programs=self.program))
        # 13 months later the accrual left the window: down to no tier
        later = self.today + timedelta(days=400)
        history = self.env["crm.loyalty.tier"]._review_cards(programs=self.program, date=later)
        self.assertEqual(history.card_id, card)
        self.assertEqual(
            (history.old_tier_id, history.new_tier_id, history.direction),
            (self.gold, self.env["crm.loyalty.tier"], "downgrade"),
        )
        self.assertFalse(card.crm_tier_id)

    def test_spend_basis_and_cron(self):
        self.program.crm_tier_basis = "spend"
        self.silver.threshold = 500
        self.program.rule_ids.reward_point_amount = 0.1
        self._invoice(self.customer, [(self.product, 1, 600)])
        card = self._card(self.program)
        self.assertEqual(card.points, 60)
        self.assertEqual(card.crm_tier_id, self.silver, "600 spent reaches silver although only 60 points")
        card.sudo().crm_tier_id = self.platinum
        self.env["crm.loyalty.tier"]._cron_review_tiers()
        self.assertEqual(card.crm_tier_id, self.silver)
        downgrade = card.crm_tier_history_ids.filtered(lambda h: h.direction == "downgrade")
        self.assertEqual((downgrade.old_tier_id, downgrade.new_tier_id), (self.platinum, self.silver))
