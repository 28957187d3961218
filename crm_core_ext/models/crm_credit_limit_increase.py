from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Set only by the approval and cancel buttons and the expiry job, never written directly.
APPROVAL_FIELDS = {"state", "approver_id", "approval_date"}


class CrmCreditLimitIncrease(models.Model):
    _name = "crm.credit.limit.increase"
    _description = "Temporary Credit Limit Increase"
    _inherit = ["mail.thread"]
    _check_company_auto = True
    _order = "date_end desc, id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
        tracking=True,
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(required=True, tracking=True)
    date_start = fields.Date(string="Valid From", required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date(string="Valid Until", required=True, tracking=True)
    reason = fields.Text(required=True)
    state = fields.Selection(
        [
            ("draft", "To Approve"),
            ("approved", "Approved"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    approver_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    approval_date = fields.Datetime(readonly=True, copy=False)

    @api.depends("partner_id", "amount", "date_end")
    def _compute_display_name(self):
        for increase in self:
            increase.display_name = _(
                "%(partner)s +%(amount)s until %(date)s",
                partner=increase.partner_id.display_name or "",
                amount=increase.amount,
                date=increase.date_end or "",
            )

    @api.constrains("amount", "date_start", "date_end")
    def _check_amount_and_dates(self):
        for increase in self:
            if increase.amount <= 0:
                raise ValidationError(_("A credit limit increase must be a positive amount."))
            if increase.date_end < increase.date_start:
                raise ValidationError(_("A credit limit increase cannot end before it starts."))

    @api.constrains("partner_id")
    def _check_commercial_partner(self):
        for increase in self:
            if increase.partner_id != increase.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Credit is granted to the company %s, not to one of its contacts.",
                        increase.partner_id.commercial_partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("state", "draft") != "draft" or vals.get("approver_id") or vals.get("approval_date")
            for vals in vals_list
        ):
            raise AccessError(
                _("A credit limit increase is created to be approved: a credit manager approves it with its button.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if APPROVAL_FIELDS.intersection(vals):
                raise AccessError(
                    _(
                        "Credit limit increases are approved and cancelled with their buttons, "
                        "in the name of the user who clicks them."
                    )
                )
            if not self._is_credit_manager() and any(inc.state != "draft" for inc in self):
                raise AccessError(_("Only credit managers can change an approved credit limit increase."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if any(inc.state == "approved" for inc in self):
            raise UserError(_("Cancel an approved credit limit increase instead of deleting it."))

    def _is_credit_manager(self):
        return self.env.user.has_group("crm_core_ext.crm_core_ext_group_credit_manager")

    def action_approve(self):
        if not self._is_credit_manager():
            raise AccessError(_("Only credit managers can approve credit limit increases."))
        if any(inc.state != "draft" for inc in self):
            raise UserError(_("Only increases waiting for approval can be approved."))
        self.check_access("write")
        self.sudo().write({"state": "approved", "approver_id": self.env.uid, "approval_date": fields.Datetime.now()})
        return True

    def action_cancel(self):
        if any(inc.state == "approved" for inc in self) and not self._is_credit_manager():
            raise AccessError(_("Only credit managers can cancel an approved credit limit increase."))
        self.check_access("write")
        self.sudo().write({"state": "cancelled"})
        return True

    @api.model
    def _cron_expire(self):
        expired = self.sudo().search([("state", "=", "approved"), ("date_end", "<", fields.Date.context_today(self))])
        expired.write({"state": "expired"})
        return len(expired)
