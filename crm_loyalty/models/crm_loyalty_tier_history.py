from odoo import fields, models


class CrmLoyaltyTierHistory(models.Model):
    _name = "crm.loyalty.tier.history"
    _description = "Loyalty Tier Change"
    _order = "date desc, id desc"
    _check_company_auto = True

    card_id = fields.Many2one("loyalty.card", string="Loyalty Card", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(related="card_id.partner_id", store=True, string="Customer")
    program_id = fields.Many2one(related="card_id.program_id", store=True, string="Program")
    company_id = fields.Many2one(related="card_id.company_id", store=True, string="Company")
    date = fields.Date(required=True, default=fields.Date.context_today)
    old_tier_id = fields.Many2one("crm.loyalty.tier", string="From Tier", ondelete="set null")
    new_tier_id = fields.Many2one("crm.loyalty.tier", string="To Tier", ondelete="set null")
    direction = fields.Selection([("upgrade", "Upgrade"), ("downgrade", "Downgrade")], required=True)
    qualification = fields.Float(
        string="Qualifying Value", help="Points earned or amount spent in the program's window on that day."
    )
