from odoo.tests import Form

from odoo.addons.crm_industry_pharma.tests.common import PharmaCommon


class TierCommon(PharmaCommon):
    """crm_industry_pharma's test company, with the tiers of the tests instead
    of the shipped ones (archived here): customers reviewed by a quality
    manager, then by a general manager (a pharma user named as reviewer);
    drugs reviewed by a quality manager; suppliers by no tier (the host's
    fixed flow)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Definition = cls.env["tier.definition"]
        Definition.search([("model", "=", "crm.pharma.approval")]).active = False
        cls.general_manager = cls._user(
            "pharma_gm", "sales_team.group_sale_salesman,crm_industry_pharma.crm_industry_pharma_group_user"
        )
        model = cls.env["ir.model"]._get("crm.pharma.approval")
        quality_group = cls.env.ref("crm_industry_pharma.crm_industry_pharma_group_quality_manager")
        cls.tier_qm = Definition.create(
            {
                "name": "Test 质量负责人审核",
                "model_id": model.id,
                "review_type": "group",
                "reviewer_group_id": quality_group.id,
                "definition_domain": "[('kind', '=', 'customer')]",
                "sequence": 30,
                "approve_sequence": True,
                "company_id": cls.company.id,
            }
        )
        cls.tier_gm = Definition.create(
            {
                "name": "Test 总经理审批",
                "model_id": model.id,
                "review_type": "individual",
                "reviewer_id": cls.general_manager.id,
                "definition_domain": "[('kind', '=', 'customer')]",
                "sequence": 20,
                "approve_sequence": True,
                "company_id": cls.company.id,
            }
        )
        cls.tier_product = Definition.create(
            {
                "name": "Test 药品质量审核",
                "model_id": model.id,
                "review_type": "group",
                "reviewer_group_id": quality_group.id,
                "definition_domain": "[('kind', '=', 'product')]",
                "sequence": 30,
                "approve_sequence": True,
                "company_id": cls.company.id,
            }
        )

    def _request(self, user, partner=None, product=None, company=None, kind=None):
        """A pharma user fills the approval form, ticks every document and submits."""
        Approval = self.env["crm.pharma.approval"].with_user(user)
        if company:
            Approval = Approval.with_company(company)
        form = Form(Approval)
        if product:
            form.kind = "product"
            form.product_tmpl_id = product.product_tmpl_id
        else:
            form.kind = kind or "customer"
            form.partner_id = partner
        approval = form.save()
        approval.document_ids.with_user(user).write({"received": True})
        approval.with_user(user).action_submit()
        return approval

    def _new_customer(self, name):
        clinic = self._partner(name, approved=False)
        self._licence(clinic, self.type_dbl, f"{name}-DBL", self.scope_rx | self.scope_otc)
        self._licence(clinic, self.type_gsp, f"{name}-GSP")
        return clinic
