from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

APPROVAL_FIELDS = {"crm_pharma_approved", "crm_pharma_approval_id"}
# medical representatives: hospitals, pharmacies and clinics (医院等级 for hospitals)
INSTITUTION_TYPES = [("hospital", "Hospital"), ("pharmacy", "Pharmacy"), ("clinic", "Clinic")]
HOSPITAL_GRADES = [
    ("3a", "Grade III-A (三甲)"),
    ("3b", "Grade III-B (三乙)"),
    ("3c", "Grade III-C (三丙)"),
    ("2a", "Grade II-A (二甲)"),
    ("2b", "Grade II-B (二乙)"),
    ("2c", "Grade II-C (二丙)"),
    ("1", "Grade I (一级)"),
    ("none", "Not Graded"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_pharma_licence_ids = fields.One2many("crm.pharma.licence", "partner_id", string="Licences")
    crm_pharma_licence_count = fields.Integer(compute="_compute_crm_pharma_licence_count", string="Licence Count")
    crm_pharma_approved = fields.Boolean(
        string="First-Business Approved",
        readonly=True,
        copy=False,
        tracking=True,
        help="Passed the first-business approval (首营审批): orders with it can be confirmed in companies with "
        "the GSP checks on.",
    )
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
        help="Technical: search partners that orders of a company may be confirmed with.",
    )

    # medical representatives: the institutions they visit
    crm_pharma_institution_type = fields.Selection(
        INSTITUTION_TYPES,
        string="Institution Type",
        index=True,
        help="A hospital, pharmacy or clinic whose doctors and pharmacists the medical representatives visit.",
    )
    crm_pharma_hospital_grade = fields.Selection(HOSPITAL_GRADES, string="Hospital Grade")
    crm_pharma_department_ids = fields.One2many("crm.pharma.department", "hospital_id", string="Departments")

    @api.depends("crm_pharma_licence_ids")
    def _compute_crm_pharma_licence_count(self):
        counts = dict(
            self.env["crm.pharma.licence"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.crm_pharma_licence_count = counts.get(partner, 0)

    def _compute_crm_pharma_tradable_in(self):
        self.crm_pharma_tradable_in = False

    def _search_crm_pharma_tradable_in(self, operator, value):
        if operator != "=":
            raise UserError(_("Partners can be searched as tradable in a company only with =."))
        company = self.env["res.company"].browse(value).sudo() if value else self.env.company
        if not company.crm_pharma_gsp:
            return []
        return [("commercial_partner_id.crm_pharma_approved", "=", True)]

    @api.constrains("crm_pharma_institution_type", "crm_pharma_hospital_grade", "is_company")
    def _check_crm_pharma_institution(self):
        for partner in self:
            if partner.crm_pharma_institution_type and not partner.is_company:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: only a company can be a hospital, pharmacy or clinic.",
                        partner=partner.display_name,
                    )
                )
            if partner.crm_pharma_hospital_grade and partner.crm_pharma_institution_type != "hospital":
                raise ValidationError(
                    self.env._("%(partner)s: only hospitals have a hospital grade.", partner=partner.display_name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(APPROVAL_FIELDS.intersection(vals) for vals in vals_list):
            raise AccessError(_("Partners are approved through a first-business approval only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and APPROVAL_FIELDS.intersection(vals):
            raise AccessError(_("Partners are approved through a first-business approval only."))
        return super().write(vals)

    def action_crm_pharma_licences(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_industry_pharma.crm_pharma_licence_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_crm_pharma_request_approval(self):
        self.ensure_one()
        return self.env["crm.pharma.approval"]._open_for(partner=self.commercial_partner_id)
