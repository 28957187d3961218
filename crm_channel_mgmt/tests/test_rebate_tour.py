from datetime import date

from odoo.tests import HttpCase, tagged

from .test_rebate import RebateCommon


@tagged("post_install", "-at_install")
class TestRebateTour(RebateCommon, HttpCase):
    def test_manager_settles_and_opens_the_credit_note(self):
        self.channel_manager.groups_id += self.env.ref("account.group_account_invoice")
        self._invoice(self.dealer_sh, date(2025, 2, 10), [(self.amoxicillin, 150, 100)])
        self.start_tour(
            "/odoo/action-crm_channel_mgmt.crm_channel_rebate_agreement_action",
            "crm_channel_rebate_settle_tour",
            login=self.channel_manager.login,
        )
        settlement = self.agreement.settlement_ids.filtered(lambda s: s.dealer_id == self.dealer_sh)
        self.assertEqual(settlement.amount, 300)
        self.assertEqual(settlement.move_id.move_type, "out_refund")
        self.assertEqual(settlement.move_id.amount_total, 300)
