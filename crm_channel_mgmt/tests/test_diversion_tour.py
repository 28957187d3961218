from odoo.tests import HttpCase, tagged

from .test_diversion import DiversionCommon


@tagged("post_install", "-at_install")
class TestDiversionTour(DiversionCommon, HttpCase):
    def test_inspector_records_a_field_check_that_opens_a_case(self):
        lot = self.env["stock.lot"].create({"name": "TOUR2601", "product_id": self.amoxicillin.id})
        self._ship(self.dealer_sh, self.amoxicillin, 10, lot)
        self.start_tour(
            "/odoo/action-crm_channel_mgmt.crm_channel_diversion_check_action",
            "crm_channel_diversion_check_tour",
            login=self.inspector.login,
        )
        check = self.env["crm.channel.diversion.check"].search([("lot_id", "=", lot.id)])
        self.assertEqual(check.user_id, self.inspector)
        self.assertEqual(check.result, "diversion")
        self.assertRecordValues(
            check.diversion_id,
            [
                {
                    "source": "field",
                    "authorized_partner_id": self.dealer_sh.id,
                    "found_state_id": self.state_js.id,
                    "found_user_id": self.inspector.id,
                    "state": "investigation",
                }
            ],
        )
