from odoo import api, fields, models


class CommissionSettlementLine(models.Model):
    _inherit = "commission.settlement.line"

    crm_line_id = fields.Many2one(
        "crm.channel.commission.line", string="Earned Commission", ondelete="restrict", index="btree_not_null"
    )

    @api.depends("crm_line_id")
    def _compute_date(self):
        for line in self.filtered("crm_line_id"):
            line.date = line.crm_line_id.date

    @api.depends("crm_line_id")
    def _compute_commission_id(self):
        for line in self.filtered("crm_line_id"):
            line.commission_id = line.crm_line_id.commission_id

    @api.depends("crm_line_id")
    def _compute_settled_amount(self):
        for line in self.filtered("crm_line_id"):
            line.settled_amount = line.crm_line_id.amount

    @api.model_create_multi
    def create(self, vals_list):
        # OCA's computes are not precomputed: fill the required columns before the INSERT
        crm_lines = self.env["crm.channel.commission.line"].browse(
            [vals["crm_line_id"] for vals in vals_list if vals.get("crm_line_id")]
        )
        by_id = {line.id: line for line in crm_lines}
        for vals in vals_list:
            crm_line = by_id.get(vals.get("crm_line_id"))
            if crm_line:
                vals.setdefault("date", crm_line.date)
                vals.setdefault("commission_id", crm_line.commission_id.id)
                vals.setdefault("settled_amount", crm_line.amount)
        lines = super().create(vals_list)
        for line in lines.filtered("crm_line_id"):
            line.crm_line_id.sudo().settlement_id = line.settlement_id
        return lines
