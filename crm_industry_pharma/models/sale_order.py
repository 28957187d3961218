from odoo import _, api, fields, models
from odoo.tools import SQL


class SaleOrder(models.Model):
    _inherit = "sale.order"

    partner_id = fields.Many2one(domain="[('crm_pharma_tradable_in', '=', company_id)]")

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # created confirmed (RPC, imports): the same gate as a confirmation
        orders.filtered(lambda o: o.state == "sale" and o.company_id.crm_pharma_gsp)._crm_pharma_check()
        return orders

    def write(self, vals):
        if vals.get("state") == "sale":
            # Every confirmation writes the state (action_confirm, RPC, imports,
            # other modules): the GSP gate runs here, on the order as confirmed.
            confirming = self.filtered(lambda o: o.state in ("draft", "sent") and o.company_id.crm_pharma_gsp)
            if confirming:
                others = {key: value for key, value in vals.items() if key not in ("state", "date_order")}
                if others:
                    super().write(others)
                    vals = {key: value for key, value in vals.items() if key not in others}
                confirming._crm_pharma_check()
        return super().write(vals)

    def _crm_pharma_check(self, lines=None):
        """Refuse the orders (only ``lines`` when given) whose customer or
        products do not pass the GSP checks. One query for all of them."""
        if not self:
            return
        self.env["sale.order"].flush_model(["partner_id", "company_id"])
        self.env["sale.order.line"].flush_model(["order_id", "product_id", "display_type"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["crm.pharma.gate"]._check(
            SQL(
                """
                SELECT so.id AS doc_id, p.commercial_partner_id AS partner_id, so.company_id, sol.product_id
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE sol.order_id IN %(orders)s
                   AND %(lines)s
                   AND sol.display_type IS NULL
                   AND sol.product_id IS NOT NULL
                """,
                orders=tuple(self.ids),
                lines=SQL("sol.id IN %s", tuple(lines.ids)) if lines is not None else SQL("TRUE"),
            ),
            "customer",
            self,
            _("Order"),
        )


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # a line added to a confirmed order is confirmed with it
        confirmed = lines.filtered(
            lambda line: line.order_id.state == "sale" and line.product_id and line.company_id.crm_pharma_gsp
        )
        confirmed.order_id._crm_pharma_check(lines=confirmed)
        return lines

    def write(self, vals):
        res = super().write(vals)
        if "product_id" in vals:
            confirmed = self.filtered(
                lambda line: line.order_id.state == "sale" and line.product_id and line.company_id.crm_pharma_gsp
            )
            confirmed.order_id._crm_pharma_check(lines=confirmed)
        return res
