from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

THREAT_LEVELS = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]


class CrmLeadCompetitor(models.Model):
    _name = "crm.lead.competitor"
    _description = "Competitor on an Opportunity"
    _check_company_auto = True
    _order = "lead_id, sequence, id"
    _rec_name = "competitor_id"

    sequence = fields.Integer(default=10)
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    competitor_id = fields.Many2one(
        "res.partner",
        string="Competitor",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('crm_is_competitor', '=', True)]",
    )
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True, precompute=True)
    user_id = fields.Many2one(related="lead_id.user_id", string="Salesperson", store=True, index=True, precompute=True)
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Customer")
    currency_id = fields.Many2one(related="lead_id.company_currency", string="Currency")
    threat_level = fields.Selection(THREAT_LEVELS, required=True, default="medium")
    competitor_product_id = fields.Many2one(
        "crm.competitor.product",
        string="Competing Product",
        check_company=True,
        domain="[('competitor_id', '=', competitor_id)]",
        help="The competitor's main product offered in this deal.",
    )
    product_id = fields.Many2one(related="competitor_product_id.product_id", string="Our Product")
    offered_price = fields.Monetary(string="Their Offered Price", help="Amount the competitor offered for this deal.")
    strengths = fields.Text(string="Their Strengths Here")
    weaknesses = fields.Text(string="Their Weaknesses Here")
    counter_strategy = fields.Text(string="Our Counter-Strategy")
    is_winner = fields.Boolean(
        string="Won the Deal",
        copy=False,
        help="The competitor that took the deal when we lost it; set by the Lost dialog.",
    )

    @api.constrains("competitor_id", "competitor_product_id")
    def _check_competitor(self):
        for line in self:
            if not line.competitor_id.crm_is_competitor:
                raise ValidationError(
                    _(
                        "%(partner)s is not a competitor and cannot be added to the opportunity %(lead)s.",
                        partner=line.competitor_id.display_name,
                        lead=line.lead_id.display_name,
                    )
                )
            if line.competitor_product_id and line.competitor_product_id.competitor_id != line.competitor_id:
                raise ValidationError(
                    _(
                        "On the opportunity %(lead)s, the product %(product)s is not a product of %(partner)s.",
                        lead=line.lead_id.display_name,
                        product=line.competitor_product_id.name,
                        partner=line.competitor_id.display_name,
                    )
                )

    @api.constrains("lead_id", "competitor_id", "is_winner")
    def _check_unique(self):
        leads = self.lead_id
        rows = self.sudo()._read_group(
            [("lead_id", "in", leads.ids)],
            ["lead_id", "competitor_id"],
            ["__count"],
        )
        for lead, competitor, count in rows:
            if count > 1:
                raise ValidationError(
                    _(
                        "%(partner)s is listed twice on the opportunity %(lead)s.",
                        partner=competitor.display_name,
                        lead=lead.display_name,
                    )
                )
        winners = self.sudo()._read_group(
            [("lead_id", "in", leads.ids), ("is_winner", "=", True)], ["lead_id"], ["__count"]
        )
        for lead, count in winners:
            if count > 1:
                raise ValidationError(_("Only one competitor can have won the opportunity %s.", lead.display_name))

    @api.constrains("offered_price")
    def _check_offered_price(self):
        for line in self:
            if line.offered_price < 0:
                raise ValidationError(
                    _(
                        "The price offered by %(partner)s on %(lead)s cannot be negative.",
                        partner=line.competitor_id.display_name,
                        lead=line.lead_id.display_name,
                    )
                )
