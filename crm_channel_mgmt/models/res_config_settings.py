from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_channel_gate = fields.Boolean(related="company_id.crm_channel_gate", readonly=False)
    crm_channel_portal_order_state = fields.Selection(
        related="company_id.crm_channel_portal_order_state", readonly=False
    )
    crm_channel_diversion_product_id = fields.Many2one(
        related="company_id.crm_channel_diversion_product_id", readonly=False
    )
