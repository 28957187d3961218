from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

CAPA_STATES = [("open", "Open"), ("done", "Done"), ("cancelled", "Cancelled")]


class CrmServiceCapaAction(models.Model):
    """A corrective or preventive action (纠正预防措施) of a complaint.

    The owner gets a to-do activity when the action is created. A daily job
    flags the open actions past their deadline with one statement, and logs a
    warning on their complaints; the flag goes away when the action is done,
    cancelled or given a later deadline.
    """

    _name = "crm.service.capa.action"
    _description = "Corrective / Preventive Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_deadline, id"
    _check_company_auto = True
    _rec_name = "description"

    request_id = fields.Many2one(
        "crm.service.request",
        string="Complaint",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
        domain="[('request_type', '=', 'complaint')]",
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    action_type = fields.Selection(
        [("corrective", "Corrective"), ("preventive", "Preventive")],
        string="Type",
        required=True,
        default="corrective",
        tracking=True,
    )
    description = fields.Text(required=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    date_deadline = fields.Date(string="Deadline", required=True, tracking=True)
    state = fields.Selection(CAPA_STATES, required=True, default="open", tracking=True, index=True, copy=False)
    done_date = fields.Date(readonly=True, copy=False)
    is_overdue = fields.Boolean(
        string="Overdue",
        readonly=True,
        copy=False,
        index=True,
        help="Set by the daily job on open actions past their deadline.",
    )
    effectiveness = fields.Selection(
        [("pending", "To Check"), ("effective", "Effective"), ("ineffective", "Not Effective")],
        default="pending",
        required=True,
        tracking=True,
        help="Whether the action stopped the problem from happening again (效果验证).",
    )
    effectiveness_note = fields.Text(string="Effectiveness Check")

    @api.constrains("request_id")
    def _check_request_id(self):
        for action in self:
            if action.request_id.request_type != "complaint":
                raise ValidationError(
                    _(
                        "Corrective and preventive actions belong to complaints: %(request)s is not a complaint.",
                        request=action.request_id.display_name,
                    )
                )

    @api.constrains("user_id")
    def _check_user_id(self):
        for action in self:
            if action.user_id.share:
                raise ValidationError(
                    _(
                        "The owner of action %(action)s on %(request)s must be an internal user, not %(user)s.",
                        action=action.description,
                        request=action.request_id.display_name,
                        user=action.user_id.name,
                    )
                )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        requests = self.env["crm.service.request"].browse(
            [vals.get("request_id") for vals in vals_list if vals.get("request_id")]
        )
        names = {request.id: request.display_name for request in requests}
        for vals in vals_list:
            request_name = names.get(vals.get("request_id")) or _("(no request)")
            if not vals.get("user_id"):
                raise UserError(
                    _("Give the corrective or preventive action on %(request)s an owner.", request=request_name)
                )
            if not vals.get("date_deadline"):
                raise UserError(
                    _("Give the corrective or preventive action on %(request)s a deadline.", request=request_name)
                )
            if fields.Date.to_date(vals["date_deadline"]) < today:
                raise UserError(
                    _(
                        "The deadline %(deadline)s of the action on %(request)s is in the past.",
                        deadline=vals["date_deadline"],
                        request=request_name,
                    )
                )
        actions = super().create(vals_list)
        actions._schedule_owner_activities()
        return actions

    def write(self, vals):
        if "user_id" in vals and not vals["user_id"]:
            raise UserError(
                _(
                    "A corrective or preventive action cannot lose its owner (%(actions)s).",
                    actions=", ".join(self.mapped("description")),
                )
            )
        if vals.get("state") == "done":
            vals = dict(vals, done_date=vals.get("done_date") or fields.Date.context_today(self))
        elif vals.get("state") == "open":
            vals = dict(vals, done_date=False)
        if "state" in vals or "date_deadline" in vals:
            res = super().write(vals)
            self._refresh_overdue()
        else:
            res = super().write(vals)
        if "user_id" in vals:
            self.activity_ids.filtered(lambda a: a.user_id.id != vals["user_id"]).unlink()
            self.filtered(lambda a: a.state == "open")._schedule_owner_activities()
        return res

    def _schedule_owner_activities(self):
        """One to-do activity per open action for its owner, created in one batch."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": action.id,
                "user_id": action.user_id.id,
                "activity_type_id": todo.id if todo else False,
                "summary": self.env._("CAPA: %(request)s", request=action.request_id.display_name),
                "note": action.description,
                "date_deadline": action.date_deadline,
            }
            for action in self
            if action.state == "open"
        ]
        if vals_list:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    def _refresh_overdue(self):
        """The overdue flag of these actions, after a change of state or deadline."""
        today = fields.Date.context_today(self)
        for action in self:
            overdue = action.state == "open" and action.date_deadline < today
            if action.is_overdue != overdue:
                super(CrmServiceCapaAction, action).write({"is_overdue": overdue})
        return True

    # ------------------------------------------------------------------ actions
    def action_done(self):
        for action in self:
            if action.state != "open":
                raise UserError(_("Action %(action)s is not open.", action=action.description))
        self.write({"state": "done"})
        self.activity_ids.action_feedback(feedback=_("Action done."))
        return True

    def action_cancel(self):
        for action in self:
            if action.state != "open":
                raise UserError(_("Action %(action)s is not open.", action=action.description))
        self.write({"state": "cancelled"})
        self.activity_ids.unlink()
        return True

    def action_reopen(self):
        self.filtered(lambda a: a.state != "open").write({"state": "open"})
        return True

    # ------------------------------------------------------------------ jobs
    @api.model
    def _cron_flag_overdue(self):
        """Flag the open actions past their deadline (and unflag the others), set-based.

        Two UPDATE statements; then one warning per complaint newly having
        overdue actions, logged in one batch. Returns the number flagged.
        """
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE crm_service_capa_action SET is_overdue = FALSE
                WHERE is_overdue AND (state != 'open' OR date_deadline >= %s)""",
            [today],
        )
        self.env.cr.execute(
            """UPDATE crm_service_capa_action SET is_overdue = TRUE
                WHERE state = 'open' AND date_deadline < %s AND is_overdue IS NOT TRUE
            RETURNING id, request_id""",
            [today],
        )
        rows = self.env.cr.fetchall()
        self.invalidate_model(["is_overdue"])
        by_request = defaultdict(list)
        for action_id, request_id in rows:
            by_request[request_id].append(action_id)
        if by_request:
            actions = self.sudo().browse([action_id for ids in by_request.values() for action_id in ids])
            actions.fetch(["description", "date_deadline", "user_id"])
            bodies = {}
            for request_id, action_ids in by_request.items():
                items = Markup("").join(
                    Markup("<li>%s (%s, %s)</li>") % (a.description, a.user_id.name, a.date_deadline)
                    for a in self.sudo().browse(action_ids)
                )
                bodies[request_id] = Markup("<p>%s</p><ul>%s</ul>") % (
                    _("Corrective or preventive actions past their deadline:"),
                    items,
                )
            self.env["crm.service.request"].sudo().browse(list(bodies))._message_log_batch(bodies=bodies)
        self.env["ir.cron"]._notify_progress(done=len(rows), remaining=0)
        return len(rows)
