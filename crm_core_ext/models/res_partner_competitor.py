from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import create_index


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_is_competitor = fields.Boolean(
        string="Is a Competitor",
        copy=False,
        help="A company that competes with us for customers. Its contacts are its key people; "
        "its products, prices and opportunities are on its competitor form.",
    )
    crm_competitor_profile = fields.Html(
        string="Competitor Profile",
        groups="crm_core_ext.crm_core_ext_group_user",
        help="Size, history, ownership, main markets and customers.",
    )
    crm_competitor_strengths = fields.Text(string="Competitor Strengths", groups="crm_core_ext.crm_core_ext_group_user")
    crm_competitor_weaknesses = fields.Text(
        string="Competitor Weaknesses", groups="crm_core_ext.crm_core_ext_group_user"
    )
    crm_competitor_organisation = fields.Html(
        string="Competitor Organisation",
        groups="crm_core_ext.crm_core_ext_group_user",
        help="Departments, sales force and the way the competitor is organised; its key people are its contacts.",
    )
    crm_competitor_market_notes = fields.Html(
        string="Market Notes",
        groups="crm_core_ext.crm_core_ext_group_user",
        help="Market share, pricing policy, channels, recent moves.",
    )
    crm_competitor_product_ids = fields.One2many(
        "crm.competitor.product",
        "competitor_id",
        string="Competitor Products",
        groups="crm_core_ext.crm_core_ext_group_user",
    )
    crm_competitor_product_count = fields.Integer(
        string="Competitor Product Count",
        compute="_compute_crm_competitor_stats",
        groups="crm_core_ext.crm_core_ext_group_user",
    )
    crm_competitor_lead_count = fields.Integer(
        string="Competed Opportunities",
        compute="_compute_crm_competitor_stats",
        groups="crm_core_ext.crm_core_ext_group_user",
    )
    crm_competitor_order_count = fields.Integer(
        string="Competitor Order Count",
        compute="_compute_crm_competitor_stats",
        groups="crm_core_ext.crm_core_ext_group_user",
    )

    def init(self):
        res = super().init()
        # Competitors are a handful among many partners: a partial index answers the menu's domain.
        create_index(
            self.env.cr,
            "res_partner_crm_is_competitor_index",
            self._table,
            ["id"],
            where="crm_is_competitor IS TRUE",
        )
        return res

    def _compute_crm_competitor_stats(self):
        competitors = self.filtered("crm_is_competitor")
        counts = {}
        for model in ("crm.competitor.product", "crm.lead.competitor", "crm.competitor.order"):
            counts[model] = (
                dict(
                    self.env[model]._read_group(
                        [("competitor_id", "in", competitors.ids)], ["competitor_id"], ["__count"]
                    )
                )
                if competitors.ids
                else {}
            )
        for partner in self:
            partner.crm_competitor_product_count = counts["crm.competitor.product"].get(partner._origin, 0)
            partner.crm_competitor_lead_count = counts["crm.lead.competitor"].get(partner._origin, 0)
            partner.crm_competitor_order_count = counts["crm.competitor.order"].get(partner._origin, 0)

    @api.constrains("crm_is_competitor")
    def _check_crm_competitor_unflag(self):
        """A competitor that opportunities, products or orders refer to stays one."""
        partners = self.filtered(lambda partner: not partner.crm_is_competitor)
        if not partners:
            return
        for model in ("crm.lead.competitor", "crm.competitor.product", "crm.competitor.order"):
            used = self.env[model].sudo()._read_group([("competitor_id", "in", partners.ids)], ["competitor_id"])
            if used:
                raise ValidationError(
                    _(
                        "%(partner)s is still used as a competitor (%(where)s); it cannot stop being one.",
                        partner=used[0][0].display_name,
                        where=self.env[model]._description,
                    )
                )

    def action_crm_competitor_products(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_competitor_product_action")
        action["domain"] = [("competitor_id", "=", self.id)]
        action["context"] = {"default_competitor_id": self.id}
        return action

    def action_crm_competitor_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_lead_competitor_action")
        action["domain"] = [("competitor_id", "=", self.id)]
        action["context"] = {"default_competitor_id": self.id, "active_test": False}
        return action

    def action_crm_competitor_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_competitor_order_action")
        action["domain"] = [("competitor_id", "=", self.id)]
        action["context"] = {"default_competitor_id": self.id}
        return action
