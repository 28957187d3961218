from odoo import _, models
from odoo.tools import SQL


class StockMove(models.Model):
    _inherit = "stock.move"

    def write(self, vals):
        if vals.get("state") == "done":
            # stock.move._action_done writes the state: every validation of a
            # delivery (button_validate, RPC, other modules) passes here.
            self.filtered(
                lambda m: m.state != "done" and m.location_dest_id.usage == "customer" and m.company_id.crm_pharma_gsp
            )._crm_pharma_check_delivery()
        return super().write(vals)

    def _crm_pharma_check_delivery(self):
        """Refuse to deliver regulated products to customers that do not pass
        the GSP checks. One query for all the moves."""
        if not self:
            return
        self.env["stock.move"].flush_model(["partner_id", "picking_id", "company_id", "product_id"])
        self.env["stock.picking"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["crm.pharma.gate"]._check(
            SQL(
                """
                SELECT COALESCE(sm.picking_id, 0) AS doc_id, p.commercial_partner_id AS partner_id,
                       sm.company_id, sm.product_id
                  FROM stock_move sm
                  LEFT JOIN stock_picking sp ON sp.id = sm.picking_id
                  JOIN res_partner p ON p.id = COALESCE(sp.partner_id, sm.partner_id)
                 WHERE sm.id IN %(moves)s
                """,
                moves=tuple(self.ids),
            ),
            "customer",
            # browse(): the moves prefetch together even when they come from an invalidated
            # one2many (whose prefetch set is empty), so the pickings cost one query
            self.browse(self.ids).picking_id,
            _("Delivery"),
        )
