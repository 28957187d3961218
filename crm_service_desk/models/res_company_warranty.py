from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    service_warranty_months = fields.Integer(
        string="Default Warranty (months)",
        default=12,
        help="Warranty period proposed for new products; 0 means no warranty.",
    )
