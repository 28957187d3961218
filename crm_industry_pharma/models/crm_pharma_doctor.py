"""Doctors and consulting experts (医生与咨询专家) whom medical representatives
visit. A model of its own rather than res.partner contacts, so that a
representative's record rule (their own doctors only) leaves the company's
contacts alone."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

TITLES = [
    ("chief", "Chief Physician"),
    ("associate_chief", "Associate Chief Physician"),
    ("attending", "Attending Physician"),
    ("resident", "Resident Physician"),
    ("pharmacist", "Licensed Pharmacist"),
    ("other", "Other"),
]
INFLUENCES = [("high", "High"), ("medium", "Medium"), ("low", "Low")]


class CrmPharmaDoctor(models.Model):
    _name = "crm.pharma.doctor"
    _description = "Doctor"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.pharma.medrep.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    hospital_id = fields.Many2one(
        "res.partner",
        string="Institution",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('crm_pharma_institution_type', '!=', False)]",
        help="The hospital, pharmacy or clinic where the doctor works.",
    )
    institution_type = fields.Selection(related="hospital_id.crm_pharma_institution_type", store=True)
    hospital_grade = fields.Selection(related="hospital_id.crm_pharma_hospital_grade")
    department_id = fields.Many2one(
        "crm.pharma.department",
        string="Department",
        index=True,
        tracking=True,
        check_company=True,
        domain="[('hospital_id', '=', hospital_id)]",
    )
    title = fields.Selection(TITLES, tracking=True)
    specialty = fields.Char(help="For example 冠心病介入治疗 or 慢阻肺.")
    class_id = fields.Many2one(
        "crm.pharma.doctor.class",
        string="Class",
        index=True,
        tracking=True,
        check_company=True,
        help="Decides how often the representative should call on the doctor.",
    )
    influence = fields.Selection(INFLUENCES, tracking=True)
    is_expert = fields.Boolean(
        string="Consulting Expert",
        tracking=True,
        help="An expert (咨询专家) who can speak at academic events and advise pharmacies' customers.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        check_company=True,
        help="The doctor's contact, when the doctor also receives messages or orders as a contact.",
    )
    phone = fields.Char()
    mobile = fields.Char()
    email = fields.Char()
    birthday = fields.Date()
    preferences = fields.Text(help="Interests and preferences, for a visit or a greeting that fits.")
    note = fields.Html()
    visit_ids = fields.One2many("crm.pharma.visit", "doctor_id", string="Visits")
    visit_count = fields.Integer(compute="_compute_visit_stats", string="Visits Done")
    last_visit_date = fields.Date(compute="_compute_visit_stats", string="Last Visit")

    def _compute_visit_stats(self):
        stats = {
            doctor: (count, last)
            for doctor, count, last in self.env["crm.pharma.visit"]._read_group(
                [("doctor_id", "in", self.ids), ("state", "=", "done")],
                ["doctor_id"],
                ["__count", "visit_date:max"],
            )
        }
        for doctor in self:
            doctor.visit_count, doctor.last_visit_date = stats.get(doctor, (0, False))

    @api.constrains("hospital_id", "department_id")
    def _check_hospital(self):
        for doctor in self:
            if not doctor.hospital_id.crm_pharma_institution_type:
                raise ValidationError(
                    self.env._(
                        "Doctor %(doctor)s: %(partner)s is not a hospital, pharmacy or clinic; "
                        "set its institution type first.",
                        doctor=doctor.name,
                        partner=doctor.hospital_id.display_name,
                    )
                )
            if doctor.department_id and doctor.department_id.hospital_id != doctor.hospital_id:
                raise ValidationError(
                    self.env._(
                        "Doctor %(doctor)s: the department %(department)s belongs to %(other)s, not to %(hospital)s.",
                        doctor=doctor.name,
                        department=doctor.department_id.name,
                        other=doctor.department_id.hospital_id.display_name,
                        hospital=doctor.hospital_id.display_name,
                    )
                )

    def action_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_industry_pharma.crm_pharma_visit_action")
        action["domain"] = [("doctor_id", "=", self.id)]
        action["context"] = {"default_doctor_id": self.id}
        return action
