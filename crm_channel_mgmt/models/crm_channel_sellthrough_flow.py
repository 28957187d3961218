from odoo import fields, models
from odoo.tools import SQL


class CrmChannelSellthroughFlow(models.Model):
    """Flow analysis (流向分析): sell-in (our deliveries to dealers, returns
    subtracted) beside sell-through (what the dealers reported selling), by
    product, lot, region, dealer, terminal customer and date."""

    _name = "crm.channel.sellthrough.flow"
    _description = "Channel Flow Analysis"
    _auto = False
    _order = "date desc"

    date = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Dealer", readonly=True)
    channel_level_id = fields.Many2one("crm.channel.level", string="Channel Level", readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Lot", readonly=True)
    state_id = fields.Many2one(
        "res.country.state",
        string="Region",
        readonly=True,
        help="Sell-in: the dealer's province; sell-through: the terminal customer's.",
    )
    customer_name = fields.Char(string="Terminal Customer", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    flow = fields.Selection([("in", "Sell-in"), ("through", "Sell-through")], readonly=True)
    sell_in_qty = fields.Float(string="Sell-in Quantity", readonly=True, digits="Product Unit of Measure")
    sell_through_qty = fields.Float(string="Sell-through Quantity", readonly=True, digits="Product Unit of Measure")
    sell_through_amount = fields.Float(string="Sell-through Amount", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT -sml.id AS id, sml.date::date AS date, dealer.id AS partner_id,
                   dealer.crm_channel_level_id AS channel_level_id, sml.product_id, pt.categ_id AS product_categ_id,
                   sml.lot_id, dealer.state_id, NULL::varchar AS customer_name, sml.company_id, 'in' AS flow,
                   CASE WHEN dest.usage = 'customer' THEN sml.quantity_product_uom
                        ELSE -sml.quantity_product_uom END AS sell_in_qty,
                   0.0 AS sell_through_qty, 0.0 AS sell_through_amount
              FROM stock_move_line sml
              JOIN stock_picking sp ON sp.id = sml.picking_id
              JOIN res_partner rp ON rp.id = sp.partner_id
              JOIN res_partner dealer ON dealer.id = rp.commercial_partner_id AND dealer.crm_channel_is_dealer
              JOIN stock_location src ON src.id = sml.location_id
              JOIN stock_location dest ON dest.id = sml.location_dest_id
              JOIN product_product pp ON pp.id = sml.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE sml.state = 'done'
               AND ((src.usage = 'internal' AND dest.usage = 'customer')
                 OR (src.usage = 'customer' AND dest.usage = 'internal'))
            UNION ALL
            SELECT l.id, l.date, l.partner_id, l.channel_level_id, l.product_id, pt.categ_id, l.lot_id, l.state_id,
                   l.customer_name, l.company_id, 'through', 0.0, l.quantity, l.amount
              FROM crm_channel_sellthrough_line l
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
            """
        )
