from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crm_channel_stock_max_days = fields.Integer(
        string="Channel Stock: Most Days",
        default=90,
        help="An activity warns the dealer's channel manager when a product's channel stock lasts longer than "
        "this many days at the recent sales rate (0: no alert).",
    )
    crm_channel_stock_min_days = fields.Integer(
        string="Channel Stock: Fewest Days",
        default=7,
        help="An activity warns the dealer's channel manager when a product's channel stock lasts fewer days "
        "than this at the recent sales rate (0: no alert).",
    )
    crm_channel_stock_expiry_days = fields.Integer(
        string="Channel Stock: Expiry Warning (Days)",
        default=60,
        help="An activity warns the dealer's channel manager when a lot in its channel stock expires within this "
        "many days (when lots have expiration dates; 0: no alert).",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crm_channel_stock_max_days = fields.Integer(related="company_id.crm_channel_stock_max_days", readonly=False)
    crm_channel_stock_min_days = fields.Integer(related="company_id.crm_channel_stock_min_days", readonly=False)
    crm_channel_stock_expiry_days = fields.Integer(related="company_id.crm_channel_stock_expiry_days", readonly=False)
