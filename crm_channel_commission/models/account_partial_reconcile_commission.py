from collections import defaultdict

from odoo import api, fields, models

COMMISSION_MOVE_TYPES = ("out_invoice", "out_refund")


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._crm_commission_earn()
        return partials

    def unlink(self):
        self._crm_commission_undo()
        return super().unlink()

    def _crm_commission_earn(self):
        """Earn the commission of a customer invoice in proportion to what each
        reconciliation pays of it (a payment, or a credit note that cancels it),
        and reverse the commission of a credit note in the same way. An invoice
        offset by its own credit note therefore nets to zero."""
        sides = []
        for partial in self:
            for line in (partial.debit_move_id, partial.credit_move_id):
                move = line.move_id
                if move.move_type in COMMISSION_MOVE_TYPES and move.state == "posted":
                    sides.append((partial, move))
        if not sides:
            return
        sudo_moves = self.env["account.move"].sudo().browse({move.id for _p, move in sides})
        totals = sudo_moves._crm_commission_totals()
        if not totals:
            return
        Line = self.env["crm.channel.commission.line"].sudo()
        earned = defaultdict(float)
        for move, agent, amount in Line._read_group(
            [("move_id", "in", [m.id for m in totals])], ["move_id", "agent_id"], ["amount:sum"]
        ):
            earned[move.id, agent.id] = amount
        last_partial = {move: partial for partial, move in sides}
        vals_list = []
        for partial, move in sides:
            move = move.sudo()
            if move not in totals:
                continue
            total_signed = abs(move.amount_total_signed)
            if not total_signed:
                continue
            ratio = min(1.0, partial.amount / total_signed)
            sign = 1 if move.move_type == "out_invoice" else -1
            currency = move.company_id.currency_id
            fully = last_partial[move] == partial and currency.is_zero(move.amount_residual)
            for agent, commission, user, base, amount in totals[move]:
                share = currency.round(amount * ratio) * sign
                if fully:
                    # the last payment takes what rounding left over
                    share = amount * sign - earned[move.id, agent.id]
                earned[move.id, agent.id] += share
                if currency.is_zero(share):
                    continue
                vals_list.append(
                    {
                        "agent_id": agent.id,
                        "agent_user_id": user.id,
                        "commission_id": commission.id,
                        "move_id": move.id,
                        "partner_id": move.commercial_partner_id.id,
                        "partial_id": partial.id,
                        "company_id": move.company_id.id,
                        "date": partial.max_date or fields.Date.context_today(self),
                        "kind": "earn" if sign > 0 else "reversal",
                        "ratio": ratio,
                        "base_amount": currency.round(base * ratio) * sign,
                        "amount": share,
                    }
                )
        if vals_list:
            Line.create(vals_list)

    def _crm_commission_undo(self):
        """An undone reconciliation takes back what it earned: unsettled lines
        go, settled ones get a counter line for the next settlement."""
        lines = self.env["crm.channel.commission.line"].sudo().search([("partial_id", "in", self.ids)])
        if not lines:
            return
        settled = lines.filtered("settled")
        today = fields.Date.context_today(self)
        self.env["crm.channel.commission.line"].sudo().create(
            [
                {
                    "agent_id": line.agent_id.id,
                    "agent_user_id": line.agent_user_id.id,
                    "commission_id": line.commission_id.id,
                    "move_id": line.move_id.id,
                    "partner_id": line.partner_id.id,
                    "company_id": line.company_id.id,
                    "date": today,
                    "kind": "cancel",
                    "ratio": -line.ratio,
                    "base_amount": -line.base_amount,
                    "amount": -line.amount,
                }
                for line in settled
            ]
        )
        (lines - settled).unlink()
