from odoo.tests import HttpCase, tagged

from .common import TierCommon


@tagged("post_install", "-at_install")
class TestTierApprovalTour(TierCommon, HttpCase):
    def test_quality_manager_validates_the_tier_and_first_order_confirms(self):
        self.tier_gm.active = False
        clinic = self._new_customer("杭州仁和诊所")
        approval = self._request(self.pharma_user, partner=clinic)
        self.assertEqual(approval.review_ids.definition_id, self.tier_qm)
        order = self._order(clinic, self.amoxicillin, user=self.quality_manager)
        self.start_tour("/odoo/gsp-approvals", "crm_pharma_tier_validation_tour", login=self.quality_manager.login)
        self.assertEqual(approval.state, "approved")
        self.assertEqual(approval.review_ids.status, "approved")
        self.assertEqual(approval.review_ids.done_by, self.quality_manager)
        self.assertEqual(approval.approver_id, self.quality_manager)
        self.assertTrue(clinic.crm_pharma_approved)
        self.assertEqual(order.state, "sale")
