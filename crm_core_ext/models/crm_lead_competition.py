from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    crm_competitor_line_ids = fields.One2many(
        "crm.lead.competitor",
        "lead_id",
        string="Competitors",
        copy=True,
        groups="crm_core_ext.crm_core_ext_group_user",
    )
    crm_lost_to_competitor_id = fields.Many2one(
        "res.partner",
        string="Lost To",
        compute="_compute_crm_lost_to_competitor_id",
        store=True,
        index="btree_not_null",
        groups="crm_core_ext.crm_core_ext_group_user",
        help="The competitor that won the deal when we lost it.",
    )
    crm_competitor_order_ids = fields.One2many(
        "crm.competitor.order",
        "lead_id",
        string="Competitor Orders",
        groups="crm_core_ext.crm_core_ext_group_user",
    )
    crm_buying_role_ids = fields.One2many(
        "crm.lead.buying.role",
        "lead_id",
        string="Buying Roles",
        groups="crm_core_ext.crm_core_ext_group_user",
    )

    @api.depends("crm_competitor_line_ids.is_winner", "crm_competitor_line_ids.competitor_id")
    def _compute_crm_lost_to_competitor_id(self):
        for lead in self:
            winner = lead.crm_competitor_line_ids.filtered("is_winner")[:1]
            lead.crm_lost_to_competitor_id = winner.competitor_id

    def write(self, vals):
        res = super().write(vals)
        if vals.get("active") or "stage_id" in vals:
            # Restored or won: no competitor has taken the deal any more. The stored winner is read
            # with the lead, so that the usual stage change costs no query here.
            leads = self.sudo().filtered(
                lambda lead: lead.crm_lost_to_competitor_id
                and lead.active
                and (vals.get("active") or lead.stage_id.is_won)
            )
            if leads:
                leads.crm_competitor_line_ids.filtered("is_winner").is_winner = False
        return res

    def _merge_dependences(self, opportunities):
        res = super()._merge_dependences(opportunities)
        self._crm_merge_competition(opportunities)
        return res

    def _crm_merge_competition(self, opportunities):
        """Keep on the merged opportunity `self` the competitors and buying roles of the merged-away
        `opportunities` that it does not have yet (the host deletes those opportunities)."""
        self.ensure_one()
        head = self.sudo()
        tails = opportunities.sudo()
        known = head.crm_competitor_line_ids.competitor_id
        lines = self.env["crm.lead.competitor"].sudo()
        for line in tails.crm_competitor_line_ids:
            if line.competitor_id not in known:
                lines |= line
                known |= line.competitor_id
        lines.write({"lead_id": self.id, "is_winner": False})

        role_by_partner = {role.partner_id: role for role in head.crm_buying_role_ids}
        roles = self.env["crm.lead.buying.role"].sudo()
        for role in tails.crm_buying_role_ids:
            if role.partner_id not in role_by_partner:
                roles |= role
                role_by_partner[role.partner_id] = role
        if not roles:
            return
        # who each moved contact reports to on the merged opportunity
        bosses = {role: role_by_partner.get(role.reports_to_id.partner_id) for role in roles}
        tails.crm_buying_role_ids.reports_to_id = False
        roles.lead_id = self
        for role, boss in bosses.items():
            if boss:
                role.reports_to_id = boss

    def action_crm_buying_role_hierarchy(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_lead_buying_role_action_lead")
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id}
        action["name"] = self.env._("Decision Tree of %s", self.name)
        return action
