from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

BUYING_ROLES = [
    ("decision_maker", "Decision Maker"),
    ("influencer", "Influencer"),
    ("user", "End User"),
    ("technical_evaluator", "Technical Evaluator"),
    ("gatekeeper", "Gatekeeper"),
]
ATTITUDES = [
    ("supporter", "Supporter"),
    ("neutral", "Neutral"),
    ("opponent", "Opponent"),
]


class CrmLeadBuyingRole(models.Model):
    """A contact's part in the customer's buying decision on one opportunity (联系人决策树)."""

    _name = "crm.lead.buying.role"
    _description = "Buying Role on an Opportunity"
    _check_company_auto = True
    _order = "lead_id, sequence, influence desc, id"
    _parent_name = "reports_to_id"

    sequence = fields.Integer(default=10)
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True, precompute=True)
    user_id = fields.Many2one(related="lead_id.user_id", string="Salesperson", store=True, index=True, precompute=True)
    contact_name = fields.Char(related="partner_id.name", string="Contact Name")
    function = fields.Char(related="partner_id.function", string="Job Position")
    phone = fields.Char(related="partner_id.phone")
    email = fields.Char(related="partner_id.email")
    role = fields.Selection(BUYING_ROLES, string="Buying Role", required=True, default="influencer")
    influence = fields.Integer(
        required=True,
        default=3,
        help="Weight of this person in the decision, from 1 (little) to 5 (decisive).",
    )
    attitude = fields.Selection(ATTITUDES, required=True, default="neutral", help="Attitude towards us.")
    reports_to_id = fields.Many2one(
        "crm.lead.buying.role",
        string="Reports To",
        index="btree_not_null",
        ondelete="set null",
        domain="[('lead_id', '=', lead_id), ('id', '!=', id)]",
        help="The person this contact reports to in the customer's organisation, on the same opportunity.",
    )
    child_ids = fields.One2many("crm.lead.buying.role", "reports_to_id", string="Reporting Contacts")
    notes = fields.Text()

    @api.depends("partner_id", "role")
    def _compute_display_name(self):
        roles = dict(self._fields["role"]._description_selection(self.env))
        for buying_role in self:
            if buying_role.role:
                buying_role.display_name = _(
                    "%(contact)s (%(role)s)",
                    contact=buying_role.partner_id.name or "",
                    role=roles[buying_role.role],
                )
            else:
                buying_role.display_name = buying_role.partner_id.name or ""

    @api.constrains("influence")
    def _check_influence(self):
        for buying_role in self:
            if not 1 <= buying_role.influence <= 5:
                raise ValidationError(
                    _(
                        "The influence of %(contact)s on %(lead)s must be between 1 and 5, not %(value)s.",
                        contact=buying_role.partner_id.display_name,
                        lead=buying_role.lead_id.display_name,
                        value=buying_role.influence,
                    )
                )

    @api.constrains("reports_to_id", "lead_id")
    def _check_reports_to(self):
        for buying_role in self:
            boss = buying_role.reports_to_id
            if boss and boss.lead_id != buying_role.lead_id:
                raise ValidationError(
                    _(
                        "%(contact)s on %(lead)s cannot report to %(boss)s, who belongs to another opportunity.",
                        contact=buying_role.partner_id.display_name,
                        lead=buying_role.lead_id.display_name,
                        boss=boss.partner_id.display_name,
                    )
                )
        # children moved to another lead with their role keep pointing here
        for buying_role in self.child_ids:
            if buying_role.lead_id != buying_role.reports_to_id.lead_id:
                raise ValidationError(
                    _(
                        "%(contact)s on %(lead)s cannot report to %(boss)s, who belongs to another opportunity.",
                        contact=buying_role.partner_id.display_name,
                        lead=buying_role.lead_id.display_name,
                        boss=buying_role.reports_to_id.partner_id.display_name,
                    )
                )
        if self._has_cycle():
            raise ValidationError(
                _(
                    "The reporting lines of %s would go round in a circle: someone cannot report, "
                    "even indirectly, to themselves.",
                    ", ".join(self.mapped("partner_id.display_name")),
                )
            )

    @api.constrains("lead_id", "partner_id")
    def _check_unique_contact(self):
        rows = self.sudo()._read_group([("lead_id", "in", self.lead_id.ids)], ["lead_id", "partner_id"], ["__count"])
        for lead, partner, count in rows:
            if count > 1:
                raise ValidationError(
                    _(
                        "%(contact)s has two buying roles on the opportunity %(lead)s; keep one.",
                        contact=partner.display_name,
                        lead=lead.display_name,
                    )
                )
