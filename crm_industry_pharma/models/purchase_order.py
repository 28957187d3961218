from odoo import _, api, fields, models
from odoo.tools import SQL

CONFIRMED = ("to approve", "purchase")


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    partner_id = fields.Many2one(domain="[('crm_pharma_tradable_in', '=', company_id)]")

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders.filtered(lambda o: o.state in CONFIRMED and o.company_id.crm_pharma_gsp)._crm_pharma_check()
        return orders

    def write(self, vals):
        if vals.get("state") in CONFIRMED:
            # button_confirm and button_approve confirm through this write, so
            # does any RPC call, import or other module: the GSP gate runs here.
            confirming = self.filtered(lambda o: o.state in ("draft", "sent") and o.company_id.crm_pharma_gsp)
            if confirming:
                others = {key: value for key, value in vals.items() if key not in ("state", "date_approve")}
                if others:
                    super().write(others)
                    vals = {key: value for key, value in vals.items() if key not in others}
                confirming._crm_pharma_check()
        return super().write(vals)

    def _crm_pharma_check(self, lines=None):
        """Refuse the purchase orders (only ``lines`` when given) whose
        supplier or products do not pass the GSP checks. One query for all
        of them."""
        if not self:
            return
        self.env["purchase.order"].flush_model(["partner_id", "company_id"])
        self.env["purchase.order.line"].flush_model(["order_id", "product_id", "display_type"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["crm.pharma.gate"]._check(
            SQL(
                """
                SELECT po.id AS doc_id, p.commercial_partner_id AS partner_id, po.company_id, pol.product_id
                  FROM purchase_order_line pol
                  JOIN purchase_order po ON po.id = pol.order_id
                  JOIN res_partner p ON p.id = po.partner_id
                 WHERE pol.order_id IN %(orders)s
                   AND %(lines)s
                   AND pol.display_type IS NULL
                   AND pol.product_id IS NOT NULL
                """,
                orders=tuple(self.ids),
                lines=SQL("pol.id IN %s", tuple(lines.ids)) if lines is not None else SQL("TRUE"),
            ),
            "supplier",
            self,
            _("Purchase order"),
        )


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # a line added to a confirmed purchase order is confirmed with it
        confirmed = lines.filtered(
            lambda line: line.order_id.state in CONFIRMED and line.product_id and line.company_id.crm_pharma_gsp
        )
        confirmed.order_id._crm_pharma_check(lines=confirmed)
        return lines

    def write(self, vals):
        res = super().write(vals)
        if "product_id" in vals:
            confirmed = self.filtered(
                lambda line: line.order_id.state in CONFIRMED and line.product_id and line.company_id.crm_pharma_gsp
            )
            confirmed.order_id._crm_pharma_check(lines=confirmed)
        return res
