from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import PharmaCommon


@tagged("post_install", "-at_install")
class TestFirstBusinessApproval(PharmaCommon):
    def _request(self, user, partner=None, product=None):
        form = Form(self.env["crm.pharma.approval"].with_user(user))
        if product:
            form.kind = "product"
            form.product_tmpl_id = product.product_tmpl_id
        else:
            form.partner_id = partner
        approval = form.save()
        approval.document_ids.with_user(user).write({"received": True})
        approval.with_user(user).action_submit()
        return approval

    def test_customer_approved_then_order_confirms(self):
        clinic = self._partner("Test 新客户诊所", approved=False)
        self._licence(clinic, self.type_dbl, "沪CA0000002", self.scope_rx)
        self._licence(clinic, self.type_gsp, "SH-GSP-0002")
        order = self._order(clinic, self.amoxicillin, user=self.salesman)
        with self.assertRefused(UserError, clinic.name):
            order.with_user(self.salesman).action_confirm()
        approval = self._request(self.pharma_user, partner=clinic)
        self.assertEqual(approval.state, "submitted")
        self.assertTrue(approval.document_ids, "the checklist comes with the approval")
        approval.with_user(self.quality_manager).action_approve()
        self.assertEqual(approval.state, "approved")
        self.assertTrue(clinic.crm_pharma_approved)
        self.assertEqual(clinic.crm_pharma_approved_by, self.quality_manager)
        self.assertTrue(clinic.crm_pharma_approved_on)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        # the approval's documents are its record
        with self.assertRefused(UserError, approval.name):
            approval.document_ids[0].with_user(self.pharma_user).received = False
        with self.assertRefused(UserError, approval.name):
            approval.document_ids[0].with_user(self.pharma_user).unlink()
        self.assertTrue(all(approval.document_ids.mapped("received")))

    def test_product_approval(self):
        approval = self._request(self.pharma_user, product=self.new_drug)
        approval.with_user(self.quality_manager).action_approve()
        self.assertTrue(self.new_drug.crm_pharma_approved)
        order = self._order(self.pharmacy, self.new_drug, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_submit_needs_every_required_document(self):
        clinic = self._partner("Test 缺件诊所", approved=False)
        approval = self.env["crm.pharma.approval"].with_user(self.pharma_user).create({"partner_id": clinic.id})
        approval.document_ids[1:].write({"received": True})
        with self.assertRefused(UserError, approval.document_ids[0].name):
            approval.with_user(self.pharma_user).action_submit()
        self.assertEqual(approval.state, "draft")
        approval.document_ids[0].required = False
        approval.with_user(self.pharma_user).action_submit()
        self.assertEqual(approval.state, "submitted")

    def test_only_quality_manager_approves(self):
        clinic = self._partner("Test 待批诊所", approved=False)
        approval = self._request(self.pharma_user, partner=clinic)
        for user in (self.salesman, self.pharma_user):
            with self.assertRaises(AccessError):
                approval.with_user(user).action_approve()
            with self.assertRaises(AccessError):
                approval.with_user(user).write({"state": "approved"})
        with self.assertRaises(AccessError):
            clinic.with_user(self.pharma_user).write({"crm_pharma_approved": True})
        with self.assertRaises(AccessError):
            self.new_drug.product_tmpl_id.with_user(self.pharma_user).write({"crm_pharma_approved": True})
        with self.assertRaises(AccessError):
            clinic.with_user(self.quality_manager).write({"crm_pharma_approved": True})
        self.assertFalse(clinic.crm_pharma_approved)
        self.assertEqual(approval.state, "submitted")

    def test_second_level(self):
        self.company.crm_pharma_second_approval = True
        clinic = self._partner("Test 二审诊所", approved=False)
        approval = self._request(self.pharma_user, partner=clinic)
        approval.with_user(self.quality_manager).action_approve()
        self.assertEqual(approval.state, "second")
        self.assertEqual(approval.first_approver_id, self.quality_manager)
        self.assertFalse(clinic.crm_pharma_approved)
        with self.assertRefused(UserError, "second approver"):
            approval.with_user(self.quality_manager).action_approve()
        approval.with_user(self.quality_manager_2).action_approve()
        self.assertEqual(approval.state, "approved")
        self.assertEqual(approval.approver_id, self.quality_manager_2)
        self.assertTrue(clinic.crm_pharma_approved)

    def test_reject_and_redo(self):
        clinic = self._partner("Test 驳回诊所", approved=False)
        approval = self._request(self.pharma_user, partner=clinic)
        approval.with_user(self.quality_manager).action_reject("GSP证书复印件不清晰")
        self.assertEqual(approval.state, "rejected")
        self.assertFalse(clinic.crm_pharma_approved)
        approval.with_user(self.pharma_user).action_draft()
        self.assertEqual(approval.state, "draft")

    def test_approval_of_a_contact_refused(self):
        contact = self.env["res.partner"].create({"name": "Test 联系人", "parent_id": self.pharmacy.id})
        with self.assertRefused(UserError, contact.name):
            self.env["crm.pharma.approval"].with_user(self.pharma_user).create({"partner_id": contact.id})
        self.assertFalse(self.env["crm.pharma.approval"].search([("partner_id", "=", contact.id)]))

    def test_pickers_hide_unapproved(self):
        clinic = self._partner("Test 未批诊所", approved=False)
        Partner = self.env["res.partner"].with_user(self.salesman)
        domain = [("crm_pharma_tradable_in", "=", self.company.id), ("id", "in", (clinic | self.pharmacy).ids)]
        self.assertEqual(Partner.search(domain), self.pharmacy)
        Product = self.env["product.product"].with_user(self.salesman)
        products = self.new_drug | self.amoxicillin | self.not_a_drug
        domain = [("crm_pharma_tradable_in", "=", self.company.id), ("id", "in", products.ids)]
        self.assertEqual(Product.search(domain), self.amoxicillin | self.not_a_drug)
        self.company.crm_pharma_gsp = False
        self.assertEqual(Product.search(domain), products)
        domain = [("crm_pharma_tradable_in", "=", self.company.id), ("id", "in", (clinic | self.pharmacy).ids)]
        self.assertEqual(Partner.search(domain), clinic | self.pharmacy)
