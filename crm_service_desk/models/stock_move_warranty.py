from odoo import api, fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    service_under_warranty = fields.Boolean(
        string="Under Warranty",
        compute="_compute_service_under_warranty",
        store=True,
        readonly=False,
        help="Part covered by the asset's warranty on the work order date: billed at zero.",
    )

    @api.depends("repair_id.service_warranty_covered", "repair_line_type")
    def _compute_service_under_warranty(self):
        for move in self:
            move.service_under_warranty = move.repair_line_type == "add" and move.repair_id.service_warranty_covered

    def write(self, vals):
        res = super().write(vals)
        if "service_under_warranty" in vals:
            self.filtered("sale_line_id").repair_id._update_sale_order_line_price()
        return res

    def _create_repair_sale_order_line(self):
        res = super()._create_repair_sale_order_line()
        self._zero_warranty_sale_lines()
        return res

    def _zero_warranty_sale_lines(self):
        covered = self.filtered(lambda m: m.service_under_warranty and m.sale_line_id)
        covered.sale_line_id.write({"price_unit": 0.0, "technical_price_unit": 0.0})
