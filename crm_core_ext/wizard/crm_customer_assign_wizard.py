from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class CrmCustomerAssignWizard(models.TransientModel):
    _name = "crm.customer.assign.wizard"
    _description = "Assign Customers"

    scope = fields.Selection(
        [
            ("selected", "Selected customers"),
            ("salesperson", "All customers of a salesperson"),
            ("team", "All customers of a sales team"),
            ("region", "All customers of provinces or countries"),
        ],
        string="Customers to Assign",
        required=True,
        default=lambda self: "selected" if self._default_partner_ids() else "salesperson",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "crm_customer_assign_wizard_partner_rel",
        string="Customers",
        default=lambda self: self._default_partner_ids(),
    )
    source_user_id = fields.Many2one(
        "res.users", string="Current Salesperson", domain=[("share", "=", False)], help="Assign all their customers."
    )
    source_team_id = fields.Many2one("crm.team", string="Current Sales Team", help="Assign all its customers.")
    state_ids = fields.Many2many(
        "res.country.state", "crm_customer_assign_wizard_state_rel", string="Provinces", help="Customers located there."
    )
    country_ids = fields.Many2many(
        "res.country", "crm_customer_assign_wizard_country_rel", string="Countries", help="Customers located there."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        domain=[("share", "=", False)],
        help="The salesperson who receives the customers (replace), or who shares them (add).",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        help="Replace: the customers' new sales team; with no salesperson, customers whose salesperson is not a "
        "member go to the team leader. Add: every member of the team shares the customers.",
    )
    mode = fields.Selection(
        [("replace", "Replace the salesperson"), ("add", "Add as co-owners")],
        required=True,
        default="replace",
    )
    reason = fields.Text(help="Why the customers are assigned; kept in the history and sent to the people concerned.")
    notify = fields.Boolean(string="Notify the People Concerned", default=True)
    customer_count = fields.Integer(string="Number of Customers", compute="_compute_customer_count")

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") == "res.partner":
            partners = self.env["res.partner"].browse(self.env.context.get("active_ids") or [])
            return partners._crm_customers().ids
        return []

    @api.depends("scope", "partner_ids", "source_user_id", "source_team_id", "state_ids", "country_ids")
    def _compute_customer_count(self):
        for wizard in self:
            wizard.customer_count = len(wizard._get_customers())

    def _get_customers(self):
        self.ensure_one()
        Partner = self.env["res.partner"]
        if self.scope == "selected":
            return self.partner_ids._origin._crm_customers()
        if self.scope == "salesperson":
            if not self.source_user_id:
                return Partner
            domain = [("user_id", "=", self.source_user_id.id)]
        elif self.scope == "team":
            if not self.source_team_id:
                return Partner
            domain = [("crm_team_id", "=", self.source_team_id.id)]
        else:
            if not (self.state_ids or self.country_ids):
                return Partner
            domain = ["|", ("state_id", "in", self.state_ids.ids), ("country_id", "in", self.country_ids.ids)]
        return Partner.search(Partner._crm_customer_domain() + domain)

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("crm_core_ext.crm_core_ext_group_manager"):
            raise AccessError(_("Only Customer Management administrators can assign customers."))
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(_("Please give the reason for this assignment."))
        if not (self.user_id or self.team_id):
            raise UserError(_("Choose the salesperson or the sales team that receives the customers."))
        customers = self._get_customers()
        if not customers:
            raise UserError(_("No customer matches your selection."))
        customers.check_access("write")
        customers = customers.sudo()
        if self.mode == "add":
            users = self.user_id | self.team_id.member_ids | self.team_id.user_id
            moves = customers._crm_add_coowners(users, reason, notify=self.notify)
            message = _(
                "%(count)s customers shared with %(users)s.",
                count=len({m[0] for m in moves}),
                users=", ".join(users.mapped("name")),
            )
        elif self.user_id:
            changed = customers._crm_set_owner(self.user_id, "assign", reason, team=self.team_id, notify=self.notify)
            message = _("%(count)s customers assigned to %(user)s.", count=len(changed), user=self.user_id.name)
        else:
            changed = self._assign_to_team(customers, reason)
            message = _("%(count)s customers assigned to %(team)s.", count=len(changed), team=self.team_id.name)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": message, "next": {"type": "ir.actions.act_window_close"}},
        }

    def _assign_to_team(self, customers, reason):
        """Replace with a team only: the team becomes the customers' team; customers
        whose salesperson is not a member go to the team leader."""
        team = self.team_id
        members = team.member_ids | team.user_id
        outside = customers.filtered(lambda partner: partner.user_id not in members)
        if outside and not team.user_id:
            raise UserError(
                _(
                    "The sales team %(team)s has no team leader to take %(customer)s, whose salesperson is not a "
                    "member: choose a salesperson.",
                    team=team.name,
                    customer=outside[0].display_name,
                )
            )
        changed = outside._crm_set_owner(team.user_id, "assign", reason, team=team, notify=self.notify)
        inside = (customers - outside).filtered(lambda partner: partner.crm_team_id != team)
        if inside:
            inside.with_context(tracking_disable=True)._crm_write_owner({"crm_team_id": team.id})
            inside._crm_assignment_record(
                [(partner, partner.user_id, partner.user_id) for partner in inside],
                "assign",
                reason,
                team=team,
                notify=False,
            )
        return changed | inside
