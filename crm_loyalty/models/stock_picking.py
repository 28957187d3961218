from odoo import _, fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    crm_loyalty_ledger_ids = fields.One2many("crm.loyalty.ledger", "picking_id", string="Loyalty Ledger", readonly=True)

    def _action_done(self):
        res = super()._action_done()
        self._crm_loyalty_sync_orders()
        return res

    def _crm_loyalty_sync_orders(self):
        """Goods that come back from customers take back, pro rata to their
        value, the points their orders earned at confirmation, from the
        orders' batches first; goods that go out again (a return of a return,
        an exchange) give them back (see sale.order._crm_loyalty_sync_refunds).
        (Programs that earn on invoices take points back through the credit
        note of the return instead.)"""
        reasons = {}
        for move in self.sudo().move_ids:
            order = move.sale_line_id.order_id
            if move.state != "done" or not order or order.id in reasons:
                continue
            picking = move.picking_id
            reasons[order.id] = {
                "picking_id": picking.id,
                "description": _("Return %s", picking.name)
                if move.location_id.usage == "customer"
                else _("Delivery %s", picking.name),
            }
        if reasons:
            # system work: whoever validates the goods or posts the credit note, the orders are synced
            self.env["sale.order"].sudo().browse(list(reasons))._crm_loyalty_sync_refunds(reasons)
