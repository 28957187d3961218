from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    service_warranty_months = fields.Integer(related="company_id.service_warranty_months", readonly=False)
