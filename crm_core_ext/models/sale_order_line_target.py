from odoo import api, models

# what the sales target facts of a confirmed order depend on (crm.sales.target.fact)
_FACT_FIELDS = {
    "order_id",
    "product_id",
    "product_uom",
    "product_uom_qty",
    "price_unit",
    "discount",
    "tax_id",
    "price_subtotal",
    "display_type",
    "is_downpayment",
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _crm_target_mark(self):
        orders = self.order_id.filtered(lambda o: o.state == "sale")
        self.env["crm.sales.target.fact"]._mark("order", orders.ids)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._crm_target_mark()
        return lines

    def write(self, vals):
        if "order_id" in vals:
            self._crm_target_mark()
        res = super().write(vals)
        if _FACT_FIELDS.intersection(vals):
            self._crm_target_mark()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_crm_target_mark(self):
        self._crm_target_mark()
