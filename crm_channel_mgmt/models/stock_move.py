from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        # deliveries to dealers and their returns: the stored channel stock of those dealers
        self.env["crm.channel.stock"]._crm_refresh_moves(moves)
        moves._crm_check_diversion_returns()
        return moves

    def _crm_check_diversion_returns(self):
        """Customer returns (from a customer to an internal location) of lots
        delivered to another dealer or for another territory open diversion
        cases, one per returned move line and lot. Set-based."""
        lines = self.move_line_ids.filtered(
            lambda line: line.lot_id
            and line.state == "done"
            and line.location_id.usage == "customer"
            and line.location_dest_id.usage == "internal"
        )
        if not lines:
            return
        findings = [
            {
                "source": "return",
                "record": line,
                "lot": line.lot_id,
                "company": line.company_id,
                "partner": line.picking_id.partner_id or line.move_id.partner_id,
                "place": line.picking_id.name or line.reference,
                "date": line.date.date() if line.date else None,
            }
            for line in lines
        ]
        # the returns themselves do not change whose lot it is
        self.env["crm.channel.diversion"].sudo()._crm_open_cases(findings, exclude_move_line_ids=lines.ids)


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def write(self, vals):
        # a done move line corrected afterwards (quantity, lot, locations)
        stock_fields = {"quantity", "lot_id", "product_id", "location_id", "location_dest_id", "picking_id"}
        done = self.filtered(lambda line: line.state == "done") if stock_fields & vals.keys() else None
        moves = done.move_id if done else None
        result = super().write(vals)
        if moves:
            self.env["crm.channel.stock"]._crm_refresh_moves(moves | done.move_id)
        return result
