from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError


class CrmCustomerTransferWizard(models.TransientModel):
    _name = "crm.customer.transfer.wizard"
    _description = "Transfer a Salesperson's Customers"

    user_from_id = fields.Many2one(
        "res.users",
        string="From Salesperson",
        required=True,
        default=lambda self: self._default_user_from_id(),
        domain=[("share", "=", False)],
        help="Usually someone who leaves or changes position.",
    )
    user_to_id = fields.Many2one("res.users", string="To Salesperson", required=True, domain=[("share", "=", False)])
    reason = fields.Text(help="Kept in the history and sent to both salespeople.")
    include_leads = fields.Boolean(string="Open Leads and Opportunities", default=True)
    include_activities = fields.Boolean(string="Open Activities", default=True)
    include_shared = fields.Boolean(
        string="Shared Customers", default=True, help="Also hand over the customers they share as co-owner."
    )
    notify = fields.Boolean(string="Notify Both Salespeople", default=True)
    customer_count = fields.Integer(string="Customers", compute="_compute_counts")
    lead_count = fields.Integer(string="Leads and Opportunities", compute="_compute_counts")
    activity_count = fields.Integer(string="Activities", compute="_compute_counts")
    shared_count = fields.Integer(string="Shared Customers Count", compute="_compute_counts")

    @api.model
    def _default_user_from_id(self):
        if self.env.context.get("active_model") == "res.users":
            return self.env.context.get("active_id")
        return False

    @api.depends("user_from_id", "include_leads", "include_activities", "include_shared")
    def _compute_counts(self):
        for wizard in self:
            partners, shared, leads, activities = wizard._get_records()
            wizard.customer_count = len(partners)
            wizard.lead_count = len(leads)
            wizard.activity_count = len(activities)
            wizard.shared_count = len(shared)

    def _get_records(self):
        """What moves: (partners, shared customers, leads, activities), each
        found with one search in the companies the user works in."""
        self.ensure_one()
        Partner = self.env["res.partner"].with_context(active_test=False)
        user = self.user_from_id._origin
        if not user:
            return Partner, Partner, self.env["crm.lead"], self.env["mail.activity"]
        partners = Partner.search([("user_id", "=", user.id)])
        shared = Partner.search([("crm_shared_user_ids", "in", user.ids)]) if self.include_shared else Partner
        leads = self.env["crm.lead"]
        if self.include_leads:
            leads = leads.search(
                [("user_id", "=", user.id), "|", ("stage_id", "=", False), ("stage_id.is_won", "=", False)]
            )
        activities = self.env["mail.activity"]
        if self.include_activities and (partners or leads):
            activities = activities.search(
                [
                    ("user_id", "=", user.id),
                    "|",
                    "&",
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    "&",
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "in", leads.ids),
                ]
            )
        return partners, shared, leads, activities

    def action_transfer(self):
        """Everything moves in this one transaction, one write per kind of record."""
        self.ensure_one()
        if not self.env.user.has_group("crm_core_ext.crm_core_ext_group_manager"):
            raise AccessError(_("Only Customer Management administrators can transfer customers."))
        user_from, user_to = self.user_from_id, self.user_to_id
        if user_from == user_to:
            raise UserError(_("Choose two different salespeople: %s cannot transfer to themselves.", user_from.name))
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(_("Please give the reason for this transfer."))
        partners, shared, leads, activities = self._get_records()
        if not (partners or shared or leads or activities):
            raise UserError(_("%s has no customer, lead or activity to transfer.", user_from.name))
        (partners | shared).check_access("write")
        leads.check_access("write")

        # customers (and their contacts), then contacts of other companies
        # that were in the salesperson's name: one history row each
        units = partners._crm_customers() & partners
        units |= partners.filtered(lambda partner: partner.commercial_partner_id not in units)
        units.sudo()._crm_set_owner(user_to, "transfer", reason, notify=False)
        shared = shared.sudo()
        if shared:
            shared.with_context(tracking_disable=True).write(
                {"crm_shared_user_ids": [Command.unlink(user_from.id), Command.link(user_to.id)]}
            )
            self.env["res.partner"]._crm_assignment_record(
                [(partner, user_from, user_to) for partner in shared], "transfer", reason, notify=False
            )
        if leads:
            leads.with_context(mail_auto_subscribe_no_notify=True).write({"user_id": user_to.id})
        if activities:
            activities.with_context(mail_activity_quick_update=True).write({"user_id": user_to.id})
        if self.notify:
            self._notify(units | shared, leads, activities, reason)
        message = _(
            "%(customers)s customers, %(shared)s shared customers, %(leads)s leads and opportunities and "
            "%(activities)s activities transferred from %(from)s to %(to)s.",
            customers=len(units),
            shared=len(shared),
            leads=len(leads),
            activities=len(activities),
            **{"from": user_from.name, "to": user_to.name},
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": message, "next": {"type": "ir.actions.act_window_close"}},
        }

    def _notify(self, customers, leads, activities, reason):
        """One summary to the receiving salesperson, one to the previous one."""
        Partner = self.env["res.partner"]
        for user, receiving in ((self.user_to_id, True), (self.user_from_id, False)):
            if user == self.env.user or not user.active:
                continue
            env_lang = self.with_context(lang=user.lang or self.env.lang).env
            extra = env_lang._(
                "With %(leads)s open leads and opportunities and %(activities)s activities, "
                "from %(from)s to %(to)s.",
                leads=len(leads),
                activities=len(activities),
                **{"from": self.user_from_id.name, "to": self.user_to_id.name},
            )
            if customers:
                Partner._crm_notify_user(user, customers, "transfer", reason, receiving, extra=extra)
            else:
                self.env["mail.thread"].sudo().message_notify(
                    partner_ids=user.partner_id.ids,
                    author_id=self.env.user.partner_id.id,
                    subject=env_lang._("Leads and activities transferred"),
                    body=Markup("<p>%s</p><p>%s</p>") % (extra, env_lang._("Reason: %s", reason)),
                    model_description=env_lang._("Customer Assignment"),
                    email_layout_xmlid="mail.mail_notification_light",
                )
