from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError


class SmsGatewayBulk(models.Model):
    _name = "sms.gateway.bulk"
    _description = "Bulk SMS Send (群发) Waiting for Approval"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Requested By", readonly=True)
    body = fields.Text(string="First Message", readonly=True)
    state = fields.Selection(
        [("to_approve", "To Approve"), ("approved", "Approved"), ("rejected", "Rejected")],
        default="to_approve",
        required=True,
        readonly=True,
        tracking=True,
    )
    approver_id = fields.Many2one("res.users", readonly=True)
    sms_ids = fields.One2many("sms.sms", "gateway_bulk_id", string="SMS", readonly=True)
    sms_count = fields.Integer(compute="_compute_sms_count")

    def _compute_name(self):
        for bulk in self:
            bulk.name = _("Bulk SMS #%(id)s", id=bulk.id)

    def _compute_sms_count(self):
        counts = dict(
            self.env["sms.sms"]
            .sudo()
            ._read_group([("gateway_bulk_id", "in", self.ids)], ["gateway_bulk_id"], ["__count"])
        )
        for bulk in self:
            bulk.sms_count = counts.get(bulk, 0)

    def _check_approver(self):
        if not self.env.user.has_group("crm_sms_gateway.group_sms_manager"):
            raise AccessError(_("Only SMS managers can approve or reject bulk SMS sends."))
        if self.filtered(lambda b: b.state != "to_approve"):
            raise UserError(_("Only bulk sends waiting for approval can be approved or rejected."))

    def action_approve(self):
        self._check_approver()
        self.sudo().write({"state": "approved", "approver_id": self.env.user.id})
        messages = self.sudo().sms_ids.filtered(lambda s: s.gateway_state == "approval")
        messages.write({"gateway_state": False})
        messages.filtered(lambda s: s.state == "outgoing")._send()
        return True

    def action_reject(self):
        self._check_approver()
        self.sudo().write({"state": "rejected", "approver_id": self.env.user.id})
        messages = self.sudo().sms_ids.filtered(lambda s: s.gateway_state == "approval")
        messages.write({"gateway_state": "failed", "gateway_error": _("Bulk send rejected")})
        messages._update_sms_state_and_trackers("canceled")
        return True

    def _notify_managers(self):
        group = self.env.ref("crm_sms_gateway.group_sms_manager")
        for bulk in self.sudo():
            managers = group.users.filtered(lambda u, b=bulk: b.company_id in u.company_ids and not u.share)
            for manager in managers[:5]:
                bulk.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=manager.id,
                    summary=_("Approve a bulk SMS send"),
                )
