from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import TierCommon


@tagged("post_install", "-at_install")
class TestTierApproval(TierCommon):
    def test_two_tiers_approve_a_new_customer_then_first_order_confirms(self):
        clinic = self._new_customer("Test 两级审批诊所")
        order = self._order(clinic, self.amoxicillin, user=self.salesman)
        approval = self._request(self.pharma_user, partner=clinic)
        self.assertEqual(approval.state, "submitted")
        reviews = approval.review_ids.sorted("sequence")
        self.assertEqual(reviews.definition_id, self.tier_qm | self.tier_gm)
        self.assertEqual(reviews[0].definition_id, self.tier_qm, "the quality manager reviews first")
        self.assertEqual(approval.validation_status, "pending")
        # the general manager's turn comes second
        with self.assertRefused(UserError, self.tier_qm.name):
            approval.with_user(self.general_manager).action_approve()
        self.assertFalse(approval.with_user(self.general_manager).crm_pharma_can_sign_off)
        self.assertTrue(approval.with_user(self.quality_manager).crm_pharma_can_sign_off)

        approval.with_user(self.quality_manager).action_approve()
        self.assertEqual(approval.state, "second")
        self.assertEqual(approval.first_approver_id, self.quality_manager)
        self.assertEqual(reviews[0].status, "approved")
        self.assertEqual(reviews[0].done_by, self.quality_manager)
        self.assertFalse(clinic.crm_pharma_approved)
        with self.assertRefused(UserError, clinic.name):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")

        approval.with_user(self.general_manager).action_approve()
        self.assertEqual(approval.state, "approved")
        self.assertEqual(approval.validation_status, "validated")
        self.assertEqual(approval.approver_id, self.general_manager)
        self.assertEqual(reviews[1].done_by, self.general_manager)
        self.assertTrue(clinic.crm_pharma_approved)
        self.assertEqual(clinic.crm_pharma_approval_id, approval)
        self.assertEqual(clinic.crm_pharma_approved_by, self.general_manager)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_validate_tier_button_of_oca_does_the_same(self):
        clinic = self._new_customer("Test OCA按钮诊所")
        approval = self._request(self.pharma_user, partner=clinic)
        approval.with_user(self.quality_manager).validate_tier()
        self.assertEqual(approval.state, "second")
        approval.with_user(self.general_manager).validate_tier()
        self.assertEqual(approval.state, "approved")
        self.assertTrue(clinic.crm_pharma_approved)

    def test_rejection(self):
        clinic = self._new_customer("Test 驳回诊所")
        order = self._order(clinic, self.amoxicillin, user=self.salesman)
        approval = self._request(self.pharma_user, partner=clinic)
        approval.with_user(self.quality_manager).action_reject("GSP证书复印件不清晰")
        self.assertEqual(approval.state, "rejected")
        self.assertEqual(approval.validation_status, "rejected")
        self.assertEqual(approval.reject_reason, "GSP证书复印件不清晰")
        review = approval.review_ids.filtered(lambda r: r.status == "rejected")
        self.assertEqual(review.definition_id, self.tier_qm)
        self.assertEqual(review.done_by, self.quality_manager)
        self.assertFalse(clinic.crm_pharma_approved)
        # nobody approves a rejected approval
        with self.assertRefused(UserError, approval.name):
            approval.with_user(self.general_manager).action_approve()
        with self.assertRefused(UserError, clinic.name):
            order.with_user(self.salesman).action_confirm()
        # back to draft and submitted again: the reviews start again
        approval.with_user(self.pharma_user).action_draft()
        approval.with_user(self.pharma_user).action_submit()
        self.assertEqual(approval.state, "submitted")
        self.assertEqual(set(approval.review_ids.mapped("status")) - {"waiting", "pending"}, set())
        self.assertEqual(len(approval.review_ids), 2)

    def test_product_approval(self):
        approval = self._request(self.pharma_user, product=self.new_drug)
        self.assertEqual(approval.review_ids.definition_id, self.tier_product)
        approval.with_user(self.quality_manager).action_approve()
        self.assertEqual(approval.state, "approved")
        self.assertEqual(approval.approver_id, self.quality_manager)
        self.assertTrue(self.new_drug.crm_pharma_approved)
        self.assertEqual(self.new_drug.product_tmpl_id.crm_pharma_approval_id, approval)
        order = self._order(self.pharmacy, self.new_drug, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_one_person_validates_one_tier(self):
        """A quality manager who is also the reviewer of the next tier cannot
        validate both: the second sign-off is another person's."""
        self.tier_gm.reviewer_id = self.quality_manager
        clinic = self._new_customer("Test 同人诊所")
        approval = self._request(self.pharma_user, partner=clinic)
        approval.with_user(self.quality_manager).action_approve()
        self.assertEqual(approval.state, "second")
        self.assertEqual(approval.review_ids.mapped("status").count("approved"), 1)
        with self.assertRefused(UserError, "second approver"):
            approval.with_user(self.quality_manager).action_approve()
        self.assertEqual(approval.state, "second")
        self.assertFalse(clinic.crm_pharma_approved)

    def test_without_a_tier_the_fixed_flow_applies(self):
        supplier = self._partner("Test 新供应商", approved=False, supplier_rank=1)
        approval = self._request(self.pharma_user, partner=supplier, kind="supplier")
        self.assertEqual(approval.kind, "supplier")
        self.assertFalse(approval.review_ids)
        approval.with_user(self.quality_manager).action_approve()
        self.assertEqual(approval.state, "approved")
        self.assertTrue(supplier.crm_pharma_approved)

    def test_shipped_tiers_follow_the_second_approval_setting(self):
        (self.tier_qm | self.tier_gm | self.tier_product).active = False
        shipped = (
            self.env.ref("crm_pharma_tier_validation.tier_definition_customer_quality_manager")
            | self.env.ref("crm_pharma_tier_validation.tier_definition_supplier_quality_manager")
            | self.env.ref("crm_pharma_tier_validation.tier_definition_product_quality_manager")
            | self.env.ref("crm_pharma_tier_validation.tier_definition_second_approval")
        )
        shipped.active = True
        clinic = self._new_customer("Test 默认一级诊所")
        approval = self._request(self.pharma_user, partner=clinic)
        self.assertEqual(approval.review_ids.definition_id, shipped[0])
        approval.with_user(self.quality_manager).action_approve()
        self.assertEqual(approval.state, "approved")

        self.company.crm_pharma_second_approval = True
        supplier = self._partner("Test 默认二级供应商", approved=False, supplier_rank=1)
        approval = self._request(self.pharma_user, partner=supplier, kind="supplier")
        self.assertEqual(approval.review_ids.definition_id, shipped[1] | shipped[3])
        approval.with_user(self.quality_manager).action_approve()
        self.assertEqual(approval.state, "second")
        with self.assertRefused(UserError, "second approver"):
            approval.with_user(self.quality_manager).action_approve()
        approval.with_user(self.quality_manager_2).action_approve()
        self.assertEqual(approval.state, "approved")
        self.assertEqual(approval.first_approver_id, self.quality_manager)
        self.assertEqual(approval.approver_id, self.quality_manager_2)
        self.assertTrue(supplier.crm_pharma_approved)
