from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_credit_policy = fields.Selection(related="company_id.crm_credit_policy", readonly=False)
    crm_credit_block_delivery = fields.Boolean(related="company_id.crm_credit_block_delivery", readonly=False)
    crm_credit_block_invoice = fields.Boolean(related="company_id.crm_credit_block_invoice", readonly=False)
    crm_lifecycle_repeat_days = fields.Integer(related="company_id.crm_lifecycle_repeat_days", readonly=False)
    crm_lifecycle_loyal_orders = fields.Integer(related="company_id.crm_lifecycle_loyal_orders", readonly=False)
    crm_lifecycle_dormant_days = fields.Integer(related="company_id.crm_lifecycle_dormant_days", readonly=False)
    crm_lifecycle_lost_days = fields.Integer(related="company_id.crm_lifecycle_lost_days", readonly=False)
