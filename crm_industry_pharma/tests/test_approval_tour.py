from odoo.tests import HttpCase, tagged

from .common import PharmaCommon


@tagged("post_install", "-at_install")
class TestPharmaApprovalTour(PharmaCommon, HttpCase):
    def test_quality_manager_approves_new_customer_and_first_order_confirms(self):
        clinic = self._partner("杭州仁心诊所", approved=False)
        self._licence(clinic, self.type_dbl, "浙CA0571001", self.scope_rx | self.scope_otc)
        self._licence(clinic, self.type_gsp, "ZJ-GSP-0571")
        approval = self.env["crm.pharma.approval"].with_user(self.pharma_user).create({"partner_id": clinic.id})
        approval.document_ids.with_user(self.pharma_user).write({"received": True})
        approval.with_user(self.pharma_user).action_submit()
        order = self._order(clinic, self.amoxicillin, user=self.quality_manager)
        self.assertEqual(order.user_id, self.quality_manager)
        self.start_tour("/odoo/gsp-approvals", "crm_pharma_first_approval_tour", login=self.quality_manager.login)
        self.assertEqual(approval.state, "approved")
        self.assertEqual(approval.approver_id, self.quality_manager)
        self.assertTrue(clinic.crm_pharma_approved)
        self.assertEqual(order.state, "sale")
