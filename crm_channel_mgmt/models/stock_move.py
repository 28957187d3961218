from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        # deliveries to dealers and their returns: the stored channel stock of those dealers
        self.env["crm.channel.stock"]._crm_refresh_moves(moves)
        return moves


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
