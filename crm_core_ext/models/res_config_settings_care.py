from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crm_care_days_ahead = fields.Integer(related="company_id.crm_care_days_ahead", readonly=False)
    crm_care_user_id = fields.Many2one(related="company_id.crm_care_user_id", readonly=False)
