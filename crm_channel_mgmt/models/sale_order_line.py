from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._crm_channel_check_confirmed()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if "product_id" in vals:
            self._crm_channel_check_confirmed()
        return res

    def _crm_channel_check_confirmed(self):
        """A product added to an order already confirmed meets the dealer
        authorisation gate as if the order were confirmed now (only the new
        or changed lines: the others passed at confirmation)."""
        lines = self.filtered(
            lambda line: line.order_id.state == "sale"
            and line.product_id
            and not line.display_type
            and line.order_id.company_id.crm_channel_gate
        )
        if lines:
            lines.order_id._crm_channel_check_authorization(lines=lines)
