from collections import defaultdict

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _crm_commission_agents(self):
        """{move: [(agent, commission, user)]}: the customer's agents (OCA's
        ``agent_ids``) and the salesperson when their partner is an agent."""
        result = {}
        for move in self:
            agents = []
            for agent in move.commercial_partner_id.agent_ids:
                if agent.commission_id:
                    agents.append((agent, agent.commission_id, self.env["res.users"]))
            user = move.invoice_user_id
            partner = user.partner_id
            if partner.agent and partner.commission_id and partner not in [a for a, _c, _u in agents]:
                agents.append((partner, partner.commission_id, user))
            result[move] = [(a, c, u) for a, c, u in agents if not c.company_id or c.company_id == move.company_id]
        return result

    def _crm_commission_totals(self):
        """{move: [(agent, commission, user, base, amount)]}: the whole commission
        of each customer invoice or credit note in company currency (positive)."""
        totals = {}
        agents_by_move = self._crm_commission_agents()
        for move in self:
            agents = agents_by_move[move]
            if not agents:
                continue
            lines = move.invoice_line_ids.filtered(lambda line: line.display_type == "product" and line.product_id)
            rows = []
            for agent, commission, user in agents:
                base_total = amount_total = 0.0
                tiered = defaultdict(float)
                for line in lines:
                    if line.product_id.commission_free:
                        continue
                    base = abs(line.balance)
                    if commission.amount_base_type == "net_amount":
                        base = max(0.0, base - line.product_id.standard_price * line.quantity)
                    base_total += base
                    rate, ruled = commission._crm_rate_for(line.product_id)
                    if ruled:
                        amount_total += base * rate / 100.0
                    elif commission.commission_type == "fixed":
                        amount_total += base * commission.fix_qty / 100.0
                    else:
                        tiered["base"] += base
                if tiered["base"]:
                    # tiers apply to the invoice's base, not line by line
                    amount_total += commission.calculate_section(tiered["base"])
                if amount_total:
                    rows.append((agent, commission, user, base_total, move.company_id.currency_id.round(amount_total)))
            if rows:
                totals[move] = rows
        return totals
