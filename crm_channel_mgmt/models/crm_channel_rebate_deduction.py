from odoo import api, fields, models


class CrmChannelRebateDeduction(models.Model):
    """An amount taken off a dealer's next rebate settlement of an agreement
    (a diversion penalty, for example). The next settlement of the dealer for
    the agreement subtracts the pending deductions; cancelling that settlement
    puts them back to pending."""

    _name = "crm.channel.rebate.deduction"
    _description = "Rebate Deduction"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reason", required=True)
    agreement_id = fields.Many2one(
        "crm.channel.rebate.agreement", string="Agreement", required=True, index=True, ondelete="restrict"
    )
    dealer_id = fields.Many2one("res.partner", string="Dealer", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    amount = fields.Monetary(required=True)
    diversion_id = fields.Many2one("crm.channel.diversion", string="Diversion Case", index="btree_not_null")
    settlement_id = fields.Many2one(
        "crm.channel.rebate.settlement", string="Settlement", index="btree_not_null", readonly=True, copy=False
    )
    state = fields.Selection(
        [("pending", "Pending"), ("applied", "Applied")],
        compute="_compute_state",
        store=True,
        index=True,
        help="Applied: subtracted by a valid settlement. A cancelled settlement gives its deductions back.",
    )

    @api.depends("settlement_id.state")
    def _compute_state(self):
        for deduction in self:
            deduction.state = "applied" if deduction.settlement_id.state == "settled" else "pending"
