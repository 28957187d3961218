from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import TierCommon


@tagged("post_install", "-at_install")
class TestTierSecurity(TierCommon):
    def test_reviewer_not_in_the_tier_cannot_validate(self):
        clinic = self._new_customer("Test 越权诊所")
        approval = self._request(self.pharma_user, partner=clinic)
        for user in (self.salesman, self.pharma_user):
            with self.assertRaises(AccessError):
                approval.with_user(user).action_approve()
            with self.assertRaises(AccessError):
                approval.with_user(user).validate_tier()
            with self.assertRaises(AccessError):
                approval.with_user(user).action_reject("no")
        # the general manager reviews the second tier only, after the quality manager
        approval.with_user(self.quality_manager).action_approve()
        with self.assertRaises(AccessError):
            approval.with_user(self.quality_manager_2).action_approve()
        self.assertEqual(approval.state, "second")
        self.assertFalse(clinic.crm_pharma_approved)

    def test_reviews_cannot_be_forged(self):
        clinic = self._new_customer("Test 伪造诊所")
        approval = self._request(self.pharma_user, partner=clinic)
        review = approval.review_ids.sorted("sequence")[0]
        Review = self.env["tier.review"].with_user(self.pharma_user)
        with self.assertRaises(AccessError):
            review.with_user(self.pharma_user).write({"status": "approved", "done_by": self.pharma_user.id})
        with self.assertRaises(AccessError):
            review.with_user(self.quality_manager).write({"status": "approved"})
        with self.assertRaises(AccessError):
            review.with_user(self.pharma_user).unlink()
        with self.assertRaises(AccessError):
            Review.create({"model": approval._name, "res_id": approval.id, "definition_id": self.tier_qm.id})
        with self.assertRaises(AccessError):
            approval.with_user(self.pharma_user).restart_validation()
        # a client's context keys open nothing
        keys = {"skip_validation_check": True, "skip_check_state_condition": True}
        with self.assertRaises(AccessError):
            approval.with_user(self.pharma_user).with_context(**keys).write({"state": "approved"})
        draft = self.env["crm.pharma.approval"].with_user(self.pharma_user).create({"partner_id": clinic.id})
        with self.assertRefused(UserError, draft.name):
            draft.with_context(**keys).request_validation()
        self.assertFalse(draft.review_ids)
        # the reviewer may comment their own review
        review.with_user(self.quality_manager).comment = "证照齐全"
        self.assertEqual(review.comment, "证照齐全")
        self.assertEqual(review.status, "pending")
        self.assertEqual(approval.state, "submitted")
        self.assertFalse(clinic.crm_pharma_approved)

    def test_dossier_frozen_under_review(self):
        clinic = self._new_customer("Test 冻结诊所")
        approval = self._request(self.pharma_user, partner=clinic)
        with self.assertRaises(UserError):
            approval.with_user(self.pharma_user).write({"note": "改了"})
        with self.assertRaises(UserError):
            approval.document_ids[0].with_user(self.pharma_user).received = False
        self.assertTrue(all(approval.document_ids.mapped("received")))

    def test_multi_company_tiers(self):
        company_b = self.env["res.company"].create({"name": "Pharma Tier Company B"})
        qm_b = self._user(
            "pharma_qm_b",
            "base.group_user,crm_industry_pharma.crm_industry_pharma_group_quality_manager",
            company=company_b,
        )
        user_b = self._user(
            "pharma_user_b",
            "sales_team.group_sale_salesman,crm_industry_pharma.crm_industry_pharma_group_user",
            company=company_b,
        )
        tier_b = self.env["tier.definition"].create(
            {
                "name": "Test B 质量审核",
                "model_id": self.env["ir.model"]._get("crm.pharma.approval").id,
                "review_type": "individual",
                "reviewer_id": qm_b.id,
                "definition_domain": "[('kind', '=', 'customer')]",
                "company_id": company_b.id,
            }
        )
        # each company sees its own tiers (and those of every company)
        Definition = self.env["tier.definition"]
        self.assertNotIn(self.tier_qm, Definition.with_user(qm_b).search([]))
        self.assertIn(tier_b, Definition.with_user(qm_b).search([]))
        self.assertNotIn(tier_b, Definition.with_user(self.quality_manager).search([]))

        clinic = self._new_customer("Test B公司诊所")
        approval_b = self._request(user_b, partner=clinic, company=company_b)
        self.assertEqual(approval_b.company_id, company_b)
        self.assertEqual(approval_b.review_ids.definition_id, tier_b, "company A's tiers do not apply in B")
        # company A's quality manager neither sees nor approves B's approval
        with self.assertRaises(AccessError):
            approval_b.with_user(self.quality_manager).action_approve()
        self.quality_manager.write({"company_ids": [Command.link(company_b.id)]})
        with self.assertRaises(AccessError):
            approval_b.with_user(self.quality_manager).with_company(company_b).action_approve()
        approval_b.with_user(qm_b).action_approve()
        self.assertEqual(approval_b.state, "approved")
        self.assertTrue(clinic.crm_pharma_approved)
