from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    service_plan_lead_days = fields.Integer(
        string="Service Plan Lead Time",
        default=7,
        help="Days before the due date at which new service plans create their maintenance requests.",
    )
