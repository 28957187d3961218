from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmPharmaDoctorClass(models.Model):
    """A class of doctors (A, B, C...) with the calls a representative owes
    each of them per month."""

    _name = "crm.pharma.doctor.class"
    _description = "Doctor Class"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    visits_per_month = fields.Integer(
        string="Target Visits per Month",
        required=True,
        default=1,
        help="The calls a representative plans per month for each doctor of this class; "
        "a visit plan's lines start from it.",
    )
    description = fields.Text()
    company_id = fields.Many2one("res.company", index=True, help="Empty: the class serves every company.")

    @api.constrains("visits_per_month")
    def _check_visits_per_month(self):
        for doctor_class in self:
            if not 0 <= doctor_class.visits_per_month <= 60:
                raise ValidationError(
                    self.env._(
                        "Doctor class %(name)s: the target visits per month must be between 0 and 60, not %(visits)s.",
                        name=doctor_class.name,
                        visits=doctor_class.visits_per_month,
                    )
                )
