from odoo import fields, models


class CommissionMakeSettle(models.TransientModel):
    _inherit = "commission.make.settle"

    settlement_type = fields.Selection(
        selection_add=[("crm_payment", "Customer payments")],
        ondelete={"crm_payment": "cascade"},
    )

    def _get_agent_lines(self, agent, date_to_agent):
        if self.settlement_type != "crm_payment":
            return super()._get_agent_lines(agent, date_to_agent)
        return self.env["crm.channel.commission.line"].search(
            [
                ("agent_id", "=", agent.id),
                ("date", "<", date_to_agent),
                ("settled", "=", False),
                ("company_id", "in", self.env.companies.ids),
            ],
            order="date, id",
        )

    def _prepare_settlement_line_vals(self, settlement, line):
        vals = super()._prepare_settlement_line_vals(settlement, line)
        if self.settlement_type == "crm_payment":
            vals["crm_line_id"] = line.id
        return vals
