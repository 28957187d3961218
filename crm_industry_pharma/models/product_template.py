import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

APPROVAL_FIELDS = {"crm_pharma_approved", "crm_pharma_approval_id"}
# 国药准字 + H (chemical), Z (TCM), S (biological), J (imported packaged), B, T, F + 8 digits;
# imported drugs carry 进口药品注册证号 / 医药产品注册证号 (H, Z, S + 8 digits).
APPROVAL_NUMBER = re.compile(r"^(国药准字|国药试字)[HZSJBTF]\d{8}$|^[HZS][JC]?\d{8}$")


class ProductTemplate(models.Model):
    _inherit = "product.template"

    crm_pharma_approval_number = fields.Char(
        string="Approval Number (批准文号)",
        copy=False,
        index="btree_not_null",
        help="The drug approval number, for example 国药准字H20003263.",
    )
    crm_pharma_dosage_form = fields.Selection(
        [
            ("tablet", "Tablet"),
            ("capsule", "Capsule"),
            ("granule", "Granules"),
            ("injection", "Injection"),
            ("oral_liquid", "Oral Liquid"),
            ("ointment", "Ointment"),
            ("powder", "Powder"),
            ("pill", "Pill"),
            ("spray", "Spray"),
            ("other", "Other"),
        ],
        string="Dosage Form",
    )
    crm_pharma_specification = fields.Char(string="Specification", help="For example 0.25g*24粒.")
    crm_pharma_storage = fields.Selection(
        [
            ("normal", "Room Temperature (10-30°C)"),
            ("cool", "Cool (≤20°C)"),
            ("cold", "Cold Chain (2-8°C)"),
            ("frozen", "Frozen (≤-20°C)"),
        ],
        string="Storage Condition",
    )
    crm_pharma_scope_id = fields.Many2one(
        "crm.pharma.scope",
        string="Business Scope",
        index="btree_not_null",
        help="The business scope category of the drug. Products with one are regulated: customers and suppliers "
        "need a valid licence covering it, and the product needs a first-business approval.",
    )
    crm_pharma_approved = fields.Boolean(string="First-Business Approved", readonly=True, copy=False, tracking=True)
    crm_pharma_approval_id = fields.Many2one(
        "crm.pharma.approval", string="First-Business Approval", readonly=True, copy=False
    )
    crm_pharma_approved_by = fields.Many2one(related="crm_pharma_approval_id.approver_id", string="Approved By")
    crm_pharma_approved_on = fields.Datetime(related="crm_pharma_approval_id.date_approved", string="Approved On")
    crm_pharma_tradable_in = fields.Many2one(
        "res.company",
        compute="_compute_crm_pharma_tradable_in",
        search="_search_crm_pharma_tradable_in",
        string="Tradable In",
        help="Technical: search products that orders of a company may be confirmed with.",
    )

    def _compute_crm_pharma_tradable_in(self):
        self.crm_pharma_tradable_in = False

    def _search_crm_pharma_tradable_in(self, operator, value):
        if operator != "=":
            raise UserError(_("Products can be searched as tradable in a company only with =."))
        company = self.env["res.company"].browse(value).sudo() if value else self.env.company
        if not company.crm_pharma_gsp:
            return []
        return ["|", ("crm_pharma_scope_id", "=", False), ("crm_pharma_approved", "=", True)]

    @api.constrains("crm_pharma_approval_number")
    def _check_crm_pharma_approval_number(self):
        for template in self:
            number = template.crm_pharma_approval_number
            if number and not APPROVAL_NUMBER.match(number):
                raise ValidationError(
                    _(
                        "%(number)s is not a drug approval number (批准文号) such as 国药准字H20003263 "
                        "(product %(product)s).",
                        number=number,
                        product=template.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(APPROVAL_FIELDS.intersection(vals) for vals in vals_list):
            raise AccessError(_("Products are approved through a first-business approval only."))
        for vals in vals_list:
            if vals.get("crm_pharma_approval_number"):
                vals["crm_pharma_approval_number"] = vals["crm_pharma_approval_number"].strip()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and APPROVAL_FIELDS.intersection(vals):
            raise AccessError(_("Products are approved through a first-business approval only."))
        if vals.get("crm_pharma_approval_number"):
            vals = {**vals, "crm_pharma_approval_number": vals["crm_pharma_approval_number"].strip()}
        return super().write(vals)

    def action_crm_pharma_request_approval(self):
        self.ensure_one()
        return self.env["crm.pharma.approval"]._open_for(product=self)
