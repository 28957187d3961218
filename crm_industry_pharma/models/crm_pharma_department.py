from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmPharmaDepartment(models.Model):
    """A department (科室) of a hospital, such as 心内科 or 呼吸内科."""

    _name = "crm.pharma.department"
    _description = "Hospital Department"
    _order = "hospital_id, name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    hospital_id = fields.Many2one(
        "res.partner",
        string="Institution",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('crm_pharma_institution_type', '!=', False)]",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    doctor_ids = fields.One2many("crm.pharma.doctor", "department_id", string="Doctors")

    @api.depends("hospital_id")
    def _compute_display_name(self):
        for department in self:
            department.display_name = (
                f"{department.hospital_id.name} / {department.name}" if department.hospital_id else department.name
            )

    @api.constrains("hospital_id", "name", "company_id")
    def _check_hospital(self):
        for department in self:
            if self.sudo().search_count(
                [
                    ("id", "!=", department.id),
                    ("hospital_id", "=", department.hospital_id.id),
                    ("company_id", "=", department.company_id.id),
                    ("name", "=", department.name),
                ],
                limit=1,
            ):
                raise ValidationError(
                    self.env._(
                        "%(hospital)s already has a department %(department)s.",
                        hospital=department.hospital_id.display_name,
                        department=department.name,
                    )
                )
            if not department.hospital_id.crm_pharma_institution_type:
                raise ValidationError(
                    self.env._(
                        "Department %(department)s: %(partner)s is not a hospital, pharmacy or clinic; "
                        "set its institution type first.",
                        department=department.name,
                        partner=department.hospital_id.display_name,
                    )
                )
