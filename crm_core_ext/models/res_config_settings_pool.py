from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crm_pool_days = fields.Integer(related="company_id.crm_pool_days", readonly=False)
    crm_pool_claim_cap = fields.Integer(related="company_id.crm_pool_claim_cap", readonly=False)
