from odoo import models


# Kept apart from sale_order.py (credit control): one file per feature.
class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def _action_confirm(self):
        res = super()._action_confirm()
        self._crm_lifecycle_update_partner()
        return res

    def _crm_lifecycle_update_partner(self):
        """Move the customers of the confirmed orders along their lifecycle."""
        orders = self.filtered(lambda order: order.state == "sale")
        if orders:
            self.env["res.partner"].sudo()._crm_lifecycle_on_orders(orders.sudo())
