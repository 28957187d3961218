from odoo.tests import HttpCase, tagged

from .competitor_common import CompetitorCommon


@tagged("post_install", "-at_install")
class TestCompetitorTour(HttpCase, CompetitorCommon):
    def test_competitor_tour(self):
        """A salesperson fills competitors and buying roles, sees the decision tree, and loses the deal to a
        competitor in the Lost dialog."""
        lead = self._lead("巡检商机", self.salesman, revenue=50000.0, competitors=self.competitor_x)
        boss_role = self.env["crm.lead.buying.role"].create(
            {"lead_id": lead.id, "partner_id": self.boss.id, "role": "decision_maker", "influence": 5}
        )
        self.env["crm.lead.buying.role"].create(
            {
                "lead_id": lead.id,
                "partner_id": self.engineer.id,
                "role": "technical_evaluator",
                "reports_to_id": boss_role.id,
            }
        )
        self.start_tour(f"/odoo/crm/{lead.id}", "crm_competitor_tour", login=self.salesman.login)

        self.assertEqual(lead.crm_competitor_line_ids[:1].counter_strategy, "强调五年质保")
        buyer_role = lead.crm_buying_role_ids.filtered(lambda role: role.partner_id == self.buyer)
        self.assertEqual(buyer_role.influence, 2)
        self.assertFalse(lead.active)
        self.assertEqual(lead.crm_lost_to_competitor_id, self.competitor_y)
        self.assertEqual(lead.crm_competitor_order_ids.amount, 42000.0)
