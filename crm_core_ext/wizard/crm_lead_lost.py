from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    crm_competitor_id = fields.Many2one(
        "res.partner",
        string="Won by Competitor",
        domain="[('crm_is_competitor', '=', True)]",
        help="The competitor that took the deal; it is marked as the winner on the opportunity's competitors.",
    )
    crm_competitor_price = fields.Monetary(
        string="Their Winning Price",
        currency_field="crm_currency_id",
        help="What the competitor sold the deal for, when known.",
    )
    crm_currency_id = fields.Many2one("res.currency", string="Currency", compute="_compute_crm_currency_id")
    crm_record_order = fields.Boolean(
        string="Record Competitor Order",
        help="Also record the deal as a competitor order for the opportunity's customer.",
    )
    crm_competitor_ids = fields.Many2many(
        "res.partner",
        compute="_compute_crm_competitor_ids",
        string="Competitors on the Opportunities",
    )

    @api.depends("lead_ids")
    def _compute_crm_currency_id(self):
        for wizard in self:
            wizard.crm_currency_id = wizard.lead_ids[:1].company_currency or self.env.company.currency_id

    @api.depends("lead_ids")
    def _compute_crm_competitor_ids(self):
        for wizard in self:
            wizard.crm_competitor_ids = wizard.lead_ids.crm_competitor_line_ids.competitor_id

    @api.onchange("lead_ids")
    def _onchange_lead_ids_competitor(self):
        """Propose the competitor when the opportunity has only one."""
        if not self.crm_competitor_id and len(self.crm_competitor_ids) == 1:
            self.crm_competitor_id = self.crm_competitor_ids

    def action_lost_reason_apply(self):
        self.ensure_one()
        competitor = self.crm_competitor_id
        if not competitor:
            if self.crm_competitor_price or self.crm_record_order:
                raise UserError(_("Choose the competitor that won before giving its price or recording its order."))
            return super().action_lost_reason_apply()
        if not competitor.crm_is_competitor:
            raise UserError(_("%s is not a competitor.", competitor.display_name))
        if self.crm_competitor_price < 0:
            raise UserError(_("The winning price of %s cannot be negative.", competitor.display_name))
        if self.crm_record_order:
            missing = self.lead_ids.filtered(lambda lead: not lead.partner_id)
            if missing:
                raise UserError(
                    _(
                        "The opportunity %s has no customer: a competitor order cannot be recorded for it.",
                        missing[0].display_name,
                    )
                )
        leads = self.lead_ids  # archived by the host: keep them at hand
        res = super().action_lost_reason_apply()
        self._crm_record_winner(leads)
        return res

    def _crm_record_winner(self, leads):
        """Mark the competitor as the winner on each lost lead, adding it where it is missing."""
        competitor = self.crm_competitor_id
        vals = {"is_winner": True}
        if self.crm_competitor_price:
            vals["offered_price"] = self.crm_competitor_price
        lines = leads.crm_competitor_line_ids
        # losers first, so that at no time two lines of one lead are winners
        lines.filtered(lambda line: line.is_winner and line.competitor_id != competitor).is_winner = False
        existing = lines.filtered(lambda line: line.competitor_id == competitor)
        existing.write(vals)
        self.env["crm.lead.competitor"].create(
            [{"lead_id": lead.id, "competitor_id": competitor.id, **vals} for lead in leads - existing.lead_id]
        )
        if self.crm_record_order:
            self.env["crm.competitor.order"].create(
                [
                    {
                        "competitor_id": competitor.id,
                        "partner_id": lead.partner_id.commercial_partner_id.id,
                        "lead_id": lead.id,
                        "company_id": (lead.company_id or self.env.company).id,
                        "currency_id": lead.company_currency.id or self.env.company.currency_id.id,
                        "amount": self.crm_competitor_price,
                        "user_id": self.env.user.id,
                        "notes": self.lost_feedback,
                    }
                    for lead in leads
                ]
            )
