from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # The host changes the card's points when a reward line of a confirmed
    # order is added, changed or removed; the order in the context (a record,
    # which no RPC call can forge) makes it the source of the ledger entry.

    @api.model_create_multi
    def create(self, vals_list):
        order_ids = {vals.get("order_id") for vals in vals_list}
        origin = self.env["sale.order"].browse(order_ids.pop() if len(order_ids) == 1 else [])
        lines = super(SaleOrderLine, self.with_context(crm_loyalty_origin=origin)).create(vals_list)
        return lines.with_env(self.env)

    def write(self, vals):
        if "points_cost" not in vals:
            return super().write(vals)
        origin = self.order_id if len(self.order_id) == 1 else self.order_id.browse()
        return super(SaleOrderLine, self.with_context(crm_loyalty_origin=origin)).write(vals)

    def unlink(self):
        origin = self.order_id if len(self.order_id) == 1 else self.order_id.browse()
        return super(SaleOrderLine, self.with_context(crm_loyalty_origin=origin)).unlink()
