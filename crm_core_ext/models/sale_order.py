from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

APPROVAL_FIELDS = {
    "crm_credit_approval_state",
    "crm_credit_approved_amount",
    "crm_credit_approved_uid",
    "crm_credit_approval_reason",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # The host computes its credit warning as the current user, who needs
    # invoicing rights to read credit fields: salespeople without them could
    # not open a quotation once credit control is on.
    partner_credit_warning = fields.Text(compute_sudo=True)
    crm_credit_approval_state = fields.Selection(
        [
            ("requested", "Approval Requested"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        string="Credit Approval",
        copy=False,
        readonly=True,
        tracking=True,
        index="btree_not_null",
    )
    crm_credit_approved_amount = fields.Monetary(
        string="Approved Amount",
        copy=False,
        readonly=True,
        currency_field="crm_credit_currency_id",
        help="Order total (in the company currency) the credit manager approved; "
        "an order raised above it needs a new approval.",
    )
    crm_credit_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    crm_credit_approved_uid = fields.Many2one("res.users", string="Credit Approved By", copy=False, readonly=True)
    crm_credit_approval_reason = fields.Text(string="Credit Approval Reason", copy=False, readonly=True)
    crm_credit_block_reason = fields.Text(
        string="Credit Problem",
        compute="_compute_crm_credit_block_reason",
        help="Why the credit gate would refuse to confirm this order.",
    )

    @api.depends("partner_id", "amount_total", "state", "company_id", "crm_credit_approval_state")
    def _compute_crm_credit_block_reason(self):
        for order in self:
            order.crm_credit_block_reason = False
            if order.state in ("draft", "sent") and order.partner_id and order.id:
                order.crm_credit_block_reason = "\n".join(order._crm_credit_problems()) or False

    def _compute_amounts(self):
        res = super()._compute_amounts()
        # An approval covers the amount approved: raised above it, the order needs a new one.
        self.filtered(
            lambda o: o.id and o.crm_credit_approval_state == "approved" and not o._crm_credit_is_approved()
        )._crm_credit_withdraw_approval()
        return res

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(APPROVAL_FIELDS.intersection(vals) for vals in vals_list):
            raise AccessError(_("Credit approvals are given through the approval wizard by a credit manager."))
        orders = super().create(vals_list)
        # created confirmed (RPC, imports): the same gate as a confirmation
        orders.filtered(lambda o: o.state == "sale")._crm_credit_check()
        return orders

    def write(self, vals):
        if APPROVAL_FIELDS.intersection(vals) and not self.env.su:
            raise AccessError(_("Credit approvals are given through the approval wizard by a credit manager."))
        if vals.get("state") == "sale":
            # The host's action_confirm confirms through this write, so does any
            # RPC call or import: the credit gate runs here, once per confirmation.
            confirming = self.filtered(lambda o: o.state != "sale")
            other_vals = {fname: value for fname, value in vals.items() if fname not in ("state", "date_order")}
            if confirming and other_vals:
                # judge the order as it is confirmed, with the other changes of this write
                self.write(other_vals)
                vals = {fname: value for fname, value in vals.items() if fname not in other_vals}
            confirming._crm_credit_check()
        withdrawn = self._crm_credit_approvals_withdrawn_by(vals)
        res = super().write(vals)
        withdrawn._crm_credit_withdraw_approval()
        return res

    # ------------------------------------------------------------------
    # Credit gate
    # ------------------------------------------------------------------

    def _crm_credit_amount(self):
        """This order's total in the company currency."""
        self.ensure_one()
        return self.amount_total / (self.currency_rate or 1.0)

    def _crm_credit_is_approved(self):
        self.ensure_one()
        rounding = self.company_id.currency_id.rounding
        return (
            self.crm_credit_approval_state == "approved"
            and self._crm_credit_amount() <= self.crm_credit_approved_amount + rounding / 2
        )

    def _crm_credit_approvals_withdrawn_by(self, vals):
        """Orders of ``self`` whose credit approval or request no longer holds
        once ``vals`` is written: cancelled, back to a quotation from a
        confirmed or cancelled order, or moved to another customer or company.
        """
        orders = (
            self.filtered("crm_credit_approval_state") if {"state", "partner_id", "company_id"} & set(vals) else None
        )
        if not orders:
            return self.browse()
        state = vals.get("state")
        if state == "cancel":
            withdrawn = orders.filtered(lambda o: o.state != "cancel")
        elif state in ("draft", "sent"):
            withdrawn = orders.filtered(lambda o: o.state in ("sale", "cancel"))
        else:
            withdrawn = self.browse()
        if vals.get("partner_id"):
            customer = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id
            withdrawn |= orders.filtered(lambda o: o.partner_id.commercial_partner_id != customer)
        if vals.get("company_id"):
            withdrawn |= orders.filtered(lambda o: o.company_id.id != vals["company_id"])
        return withdrawn

    def _crm_credit_withdraw_approval(self):
        """Clear the credit approval or request of ``self`` and the managers' pending activities."""
        if not self:
            return
        self.sudo().write(dict.fromkeys(APPROVAL_FIELDS, False))
        self.sudo().activity_unlink(["crm_core_ext.mail_activity_type_credit_approval"])

    def _crm_credit_problems(self):
        """Why the credit gate refuses this order: a list of messages, or []."""
        self.ensure_one()
        return self._crm_credit_problems_by_order().get(self, [])

    def _crm_credit_problems_by_order(self, lock=False):
        """Credit problems per order of ``self``: orders of one company and
        customer share its credit, so orders confirmed together count against
        each other. Two queries per customer, whatever its history.

        :return: {order: [messages]}
        """
        problems = {}
        gated = self.filtered(lambda o: o.company_id.account_use_credit_limit and o.partner_id)
        for (company, customer), orders in gated.grouped(
            lambda o: (o.company_id, o.partner_id.commercial_partner_id)
        ).items():
            if lock:
                customer._crm_credit_lock()
            info = customer._crm_credit_status(company, exclude_orders=orders)[customer.id]
            pending = 0.0
            for order in orders:
                # what the customer already paid online is money received, not credit
                amount = max(order._crm_credit_amount() - info["paid"].get(order.id, 0.0), 0.0)
                problems[order] = customer._crm_credit_problems(
                    company, dict(info, exposure=info["exposure"] + pending), amount, _("order %s", order.name)
                )
                pending += amount
        return problems

    def _crm_credit_check(self):
        """Refuse to confirm orders ``self`` over credit, as the company's policy says.

        Runs under a row lock on the customers so that two users confirming
        orders for one customer at the same time cannot both pass.
        """
        to_check = self.filtered(lambda o: o.company_id.account_use_credit_limit and not o._crm_credit_is_approved())
        if not to_check:
            return
        problems = to_check._crm_credit_problems_by_order(lock=True)
        for order, messages in problems.items():
            if not messages:
                continue
            policy = order.company_id.crm_credit_policy
            if policy == "warn":
                order.message_post(
                    body=_("Confirmed over credit:\n%s", "\n".join(messages)),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            if policy == "approval":
                messages.append(_("Ask a credit manager to approve this order (button 'Request Credit Approval')."))
            raise UserError("\n".join(messages))

    def _crm_credit_hold(self):
        """Put the orders of ``self`` that the credit gate would refuse on the
        approval path instead of refusing them, and return them.

        For confirmations that a customer triggers (an online payment, a
        signature on the portal): the customer's action succeeds, a credit
        manager decides, and the customer never sees the credit figures (they
        go to an internal note and the managers' activities). Under the "warn"
        policy nothing is held: the order is confirmed with its note.
        """
        to_check = self.filtered(
            lambda o: o.company_id.account_use_credit_limit
            and o.company_id.crm_credit_policy != "warn"
            and not o._crm_credit_is_approved()
        )
        if not to_check:
            return self.browse()
        problems = to_check._crm_credit_problems_by_order(lock=True)
        held = self.browse([order.id for order, messages in problems.items() if messages])
        for order in held:
            order._crm_credit_request_approval(
                problems[order], _("The customer accepted or paid this order online but it is over credit.")
            )
        return held

    def _validate_order(self):
        # the customer signed the quotation on the portal (or checked out in the shop)
        orders = self - self._crm_credit_hold()
        if orders:
            return super(SaleOrder, orders)._validate_order()
        return None

    # ------------------------------------------------------------------
    # Approval path
    # ------------------------------------------------------------------

    def action_crm_credit_request_approval(self):
        self.ensure_one()
        if self.company_id.crm_credit_policy != "approval":
            raise UserError(_("The credit policy of %s does not allow approvals.", self.company_id.name))
        problems = self._crm_credit_problems()
        if not problems:
            raise UserError(_("Order %s is within the customer's credit: confirm it.", self.name))
        self._crm_credit_request_approval(problems)
        return True

    def _crm_credit_request_approval(self, problems, why=None):
        """Ask the company's credit managers to approve the order over credit
        (an activity each, once) and log ``problems`` in an internal note."""
        self.ensure_one()
        activity_type = self.env.ref("crm_core_ext.mail_activity_type_credit_approval")
        managers = (
            self.env.ref("crm_core_ext.crm_core_ext_group_credit_manager")
            .sudo()
            .users.filtered(lambda u: self.company_id in u.company_ids and not u.share)
        )
        asked = self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id
        self.sudo().crm_credit_approval_state = "requested"
        # a customer's action runs as the public or a portal user: the system asks
        order = self.with_user(SUPERUSER_ID) if self.env.user.share else self
        note = "\n".join(problems)
        for manager in managers - asked:
            order.activity_schedule(activity_type_id=activity_type.id, user_id=manager.id, note=note)
        body = _("Credit approval requested:\n%s", note)
        if why:
            body = f"{why}\n{body}"
        order.message_post(body=body, subtype_xmlid="mail.mt_note")

    def action_crm_credit_open_approval(self):
        self.ensure_one()
        self._crm_credit_check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit Approval"),
            "res_model": "crm.credit.approval.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _crm_credit_check_manager(self):
        if not self.env.user.has_group("crm_core_ext.crm_core_ext_group_credit_manager"):
            raise AccessError(_("Only credit managers can approve or reject orders over credit."))

    def _crm_credit_approve(self, reason):
        """Approve the order over credit with ``reason``, log it and confirm it."""
        self.ensure_one()
        self._crm_credit_check_manager()
        if not (reason or "").strip():
            raise UserError(_("Give the reason for the credit approval."))
        if self.state not in ("draft", "sent"):
            raise UserError(_("Order %s is not waiting for confirmation.", self.name))
        problems = self._crm_credit_problems()
        self.sudo().write(
            {
                "crm_credit_approval_state": "approved",
                "crm_credit_approved_amount": self._crm_credit_amount(),
                "crm_credit_approved_uid": self.env.uid,
                "crm_credit_approval_reason": reason,
            }
        )
        self.message_post(
            body=_(
                "Credit approved by %(user)s: %(reason)s\n%(problems)s",
                user=self.env.user.name,
                reason=reason,
                problems="\n".join(problems),
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.activity_feedback(["crm_core_ext.mail_activity_type_credit_approval"], feedback=reason)
        return self.action_confirm()

    def _crm_credit_reject(self, reason):
        self.ensure_one()
        self._crm_credit_check_manager()
        if not (reason or "").strip():
            raise UserError(_("Give the reason for rejecting the credit approval."))
        self.sudo().write({"crm_credit_approval_state": "rejected", "crm_credit_approval_reason": reason})
        self.message_post(
            body=_("Credit approval rejected by %(user)s: %(reason)s", user=self.env.user.name, reason=reason),
            subtype_xmlid="mail.mt_note",
        )
        self.activity_feedback(["crm_core_ext.mail_activity_type_credit_approval"], feedback=reason)
        return True
