from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmChannelCommissionLine(models.Model):
    """A commission earned (or reversed) on a customer payment: one line per
    agent and per reconciliation of a customer invoice or credit note."""

    _name = "crm.channel.commission.line"
    _description = "Commission Earned on a Payment"
    _order = "date desc, id desc"
    _check_company_auto = True

    agent_id = fields.Many2one("res.partner", string="Agent", required=True, index=True, ondelete="restrict")
    agent_type = fields.Selection(related="agent_id.agent_type", store=True, string="Agent Type")
    agent_user_id = fields.Many2one("res.users", string="Salesperson", index="btree_not_null")
    commission_id = fields.Many2one("commission", string="Commission Type", required=True, ondelete="restrict")
    move_id = fields.Many2one("account.move", string="Invoice", index=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null")
    partial_id = fields.Many2one("account.partial.reconcile", index="btree_not_null", ondelete="set null")
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    date = fields.Date(required=True, index=True, help="Date of the payment (or refund) that earned the line.")
    # commission_make_settle (OCA) reads the date of the lines it settles as ``invoice_date``
    invoice_date = fields.Date(related="date", string="Payment Date")
    kind = fields.Selection(
        [("earn", "Earned on a payment"), ("reversal", "Reversed by a refund"), ("cancel", "Payment undone")],
        required=True,
        default="earn",
    )
    ratio = fields.Float(string="Share of the Invoice Paid", digits=(16, 6))
    base_amount = fields.Monetary(string="Base")
    amount = fields.Monetary(string="Commission")
    settlement_id = fields.Many2one("commission.settlement", index="btree_not_null", readonly=True, copy=False)
    settled = fields.Boolean(compute="_compute_settled", store=True)

    @api.depends("settlement_id.state")
    def _compute_settled(self):
        for line in self:
            line.settled = bool(line.settlement_id) and line.settlement_id.state != "cancel"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_settled(self):
        if any(line.settled for line in self):
            raise UserError(self.env._("A settled commission cannot be deleted; reverse it instead."))

    def _skip_settlement(self):
        """Hook of OCA's settlement wizard."""
        return False

    @api.model
    def _crm_payroll_report(self, date_from, date_to):
        """Payroll-ready totals of the salespeople's commissions for a period:
        one row per employee with the earned, reversed and net amounts and
        whether all of it is settled."""
        domain = [
            ("agent_type", "=", "salesman"),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
            ("company_id", "in", self.env.companies.ids),
        ]
        rows = []
        groups = self._read_group(
            domain, ["company_id", "agent_id", "kind"], ["amount:sum", "__count"], order="agent_id"
        )
        by_agent = {}
        for company, agent, kind, amount, _count in groups:
            row = by_agent.setdefault(
                (company.id, agent.id),
                {"company": company, "agent": agent, "earned": 0.0, "reversed": 0.0, "net": 0.0},
            )
            row["earned" if kind == "earn" else "reversed"] += amount
            row["net"] += amount
        unsettled = {
            (company.id, agent.id)
            for company, agent in self._read_group([*domain, ("settled", "=", False)], ["company_id", "agent_id"])
        }
        for key, row in by_agent.items():
            row["settled"] = key not in unsettled
            row["currency"] = row["company"].currency_id
            rows.append(row)
        return rows
