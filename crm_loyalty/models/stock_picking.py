from collections import defaultdict

from odoo import _, fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    crm_loyalty_ledger_ids = fields.One2many("crm.loyalty.ledger", "picking_id", string="Loyalty Ledger", readonly=True)

    def _action_done(self):
        res = super()._action_done()
        self._crm_loyalty_reverse_returns()
        return res

    def _crm_loyalty_reverse_returns(self):
        """Returned goods take back, pro rata to their value, the points the
        sales order earned at confirmation, from that order's batches first.
        (Programs that earn on invoices take points back through the credit
        note of the return instead.)"""
        returned = defaultdict(float)
        for move in self.move_ids:
            line = move.sale_line_id
            if move.state != "done" or not move.origin_returned_move_id or not line or not line.product_uom_qty:
                continue
            qty = move.product_uom._compute_quantity(move.quantity, line.product_uom)
            returned[move.picking_id, line.order_id] += qty * line.price_total / line.product_uom_qty
        if not returned:
            return
        orders = self.env["sale.order"].union(*[order for __, order in returned])
        accruals = (
            self.env["crm.loyalty.ledger"]
            .sudo()
            .search(
                [
                    ("sale_order_id", "in", orders.ids),
                    ("entry_type", "=", "accrual"),
                    ("move_id", "=", False),
                    ("program_id.crm_accrual_moment", "=", "confirm"),
                ]
            )
        )
        if not accruals:
            return
        entries = []
        for (picking, order), value in returned.items():
            order_value = sum(
                order.order_line.filtered(lambda line: not line.reward_id and not line.display_type).mapped(
                    "price_total"
                )
            )
            if not order_value:
                continue
            ratio = min(1.0, value / order_value)
            for card, rows in (
                accruals.filtered(lambda r, order=order: r.sale_order_id == order).grouped("card_id").items()
            ):
                entries.append(
                    {
                        "card": card,
                        "points": -sum(rows.mapped("points")) * ratio,
                        "entry_type": "reversal",
                        "amount": -sum(rows.mapped("amount")) * ratio,
                        "prefer_batch_ids": rows.ids,
                        "sale_order_id": order.id,
                        "picking_id": picking.id,
                        "description": _("Return %s", picking.name),
                    }
                )
        self.env["crm.loyalty.ledger"]._post(entries)
