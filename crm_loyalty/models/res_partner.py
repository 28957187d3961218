from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _crm_loyalty_statement_cards(self):
        """Loyalty cards with a ledger of this customer and its contacts, in
        the companies the user works in."""
        self.ensure_one()
        return (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", self.commercial_partner_id.id),
                    ("program_id.program_type", "=", "loyalty"),
                    ("program_id.crm_ledger", "=", True),
                    ("company_id", "in", [*self.env.companies.ids, False]),
                ],
                order="id",
            )
        )

    def _crm_loyalty_statement(self, date_from=None, date_to=None):
        """Per card: its ledger lines oldest first with a running balance,
        and the totals earned, used, expired, reversed, adjusted."""
        self.ensure_one()
        result = []
        for card in self._crm_loyalty_statement_cards():
            domain = [("card_id", "=", card.id)]
            opening = 0.0
            if date_from:
                opening = sum(
                    card.crm_ledger_ids.filtered(lambda r, date_from=date_from: r.date < date_from).mapped("points")
                )
                domain.append(("date", ">=", date_from))
            if date_to:
                domain.append(("date", "<=", date_to))
            rows = self.env["crm.loyalty.ledger"].sudo().search(domain, order="date, id")
            balance = opening
            lines = []
            totals = dict.fromkeys(("accrual", "redemption", "expiry", "reversal", "adjustment"), 0.0)
            for row in rows:
                balance += row.points
                totals[row.entry_type] += row.points
                lines.append({"row": row, "balance": balance})
            result.append(
                {
                    "card": card,
                    "opening": opening,
                    "lines": lines,
                    "totals": totals,
                    "balance": card.points,
                    "expiring": card._crm_loyalty_expiring_batches(),
                    "today": fields.Date.context_today(self),
                }
            )
        return result
