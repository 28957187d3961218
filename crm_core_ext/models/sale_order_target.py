from odoo import api, models

# what the sales target facts of a confirmed order depend on (crm.sales.target.fact)
_FACT_FIELDS = {"state", "date_order", "team_id", "user_id", "partner_id", "company_id", "currency_rate", "order_line"}


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # created confirmed (RPC, imports)
        self.env["crm.sales.target.fact"]._mark("order", orders.filtered(lambda o: o.state == "sale").ids)
        return orders

    def write(self, vals):
        res = super().write(vals)
        if _FACT_FIELDS.intersection(vals):
            # a state change (confirm, cancel, back to quotation) adds or removes the order's facts
            orders = self if "state" in vals else self.filtered(lambda o: o.state == "sale")
            self.env["crm.sales.target.fact"]._mark("order", orders.ids)
        return res
