from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crm_duplicate_name_threshold = fields.Float(related="company_id.crm_duplicate_name_threshold", readonly=False)
    crm_duplicate_block_phone = fields.Boolean(related="company_id.crm_duplicate_block_phone", readonly=False)
