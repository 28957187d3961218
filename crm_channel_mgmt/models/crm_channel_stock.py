from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, create_index

from odoo.addons.crm_core_ext.tools.cron import run_isolated

# Days of sales the "recent sales rate" of channel stock is measured over.
SALES_RATE_DAYS = 90


class CrmChannelStockAdjustment(models.Model):
    """A correction of a dealer's channel stock (a stock count, a breakage,
    a transfer outside the system): positive adds, negative removes."""

    _name = "crm.channel.stock.adjustment"
    _description = "Channel Stock Adjustment"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        required=True,
        index=True,
        ondelete="restrict",
        domain="[('crm_channel_is_dealer', '=', True)]",
    )
    product_id = fields.Many2one(
        "product.product", string="Product", required=True, index=True, ondelete="restrict", check_company=True
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Lot", ondelete="restrict", check_company=True, domain="[('product_id', '=', product_id)]"
    )
    quantity = fields.Float(required=True, digits="Product Unit of Measure", help="Positive adds, negative removes.")
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.model_create_multi
    def create(self, vals_list):
        adjustments = super().create(vals_list)
        self.env["crm.channel.stock"]._crm_refresh(adjustments.partner_id)
        return adjustments

    def write(self, vals):
        dealers = self.partner_id
        result = super().write(vals)
        self.env["crm.channel.stock"]._crm_refresh(dealers | self.partner_id)
        return result

    def unlink(self):
        dealers = self.partner_id
        result = super().unlink()
        self.env["crm.channel.stock"]._crm_refresh(dealers)
        return result

    @api.constrains("partner_id", "product_id", "lot_id")
    def _check_adjustment(self):
        for adjustment in self:
            if not adjustment.partner_id.crm_channel_is_dealer:
                raise ValidationError(_("%(partner)s is not a dealer.", partner=adjustment.partner_id.display_name))
            if adjustment.lot_id and adjustment.lot_id.product_id != adjustment.product_id:
                raise ValidationError(
                    _(
                        "Lot %(lot)s is not a lot of %(product)s.",
                        lot=adjustment.lot_id.name,
                        product=adjustment.product_id.display_name,
                    )
                )


class CrmChannelStock(models.Model):
    """Channel stock per company, dealer, product and lot: our deliveries to
    the dealer (done stock moves from an internal location to a customer
    location, for a picking of the dealer or one of its contacts) less its
    returns, less the sales it reported, plus adjustments; with the days of
    stock at the rate of the last ``SALES_RATE_DAYS`` days of reported sales.

    The sums are stored in the table ``crm_channel_stock_total`` (one row per
    company, dealer, product and lot), so that the analysis reads one row per
    key instead of aggregating every movement at each opening: the rows of a
    dealer are refreshed set-based (``_crm_refresh``) when a delivery or a
    return of it is done, when its sell-through lines or its adjustments
    change, and when a partner becomes or stops being a dealer; a daily job
    refreshes every row (the recent sales rate moves with the date, and it
    catches what no hook sees, such as a done move line edited by hand).
    ``_crm_live_query`` computes the same rows from the movements."""

    _name = "crm.channel.stock"
    _description = "Channel Stock"
    _auto = False
    _order = "partner_id, product_id, lot_id"

    partner_id = fields.Many2one("res.partner", string="Dealer", readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Lot", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    channel_level_id = fields.Many2one("crm.channel.level", string="Channel Level", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Dealer Province", readonly=True)
    delivered_qty = fields.Float(string="Delivered", readonly=True, digits="Product Unit of Measure")
    returned_qty = fields.Float(string="Returned", readonly=True, digits="Product Unit of Measure")
    sold_qty = fields.Float(string="Reported Sales", readonly=True, digits="Product Unit of Measure")
    adjusted_qty = fields.Float(string="Adjustments", readonly=True, digits="Product Unit of Measure")
    quantity = fields.Float(string="Channel Stock", readonly=True, digits="Product Unit of Measure")
    recent_sold_qty = fields.Float(string="Recent Sales", readonly=True, digits="Product Unit of Measure")
    days_of_stock = fields.Float(
        string="Days of Stock",
        readonly=True,
        aggregator="avg",
        help="Channel stock divided by the daily rate of the sales reported over the last 90 days; "
        "empty when nothing was sold.",
    )

    @api.model
    def _crm_movements_sql(self, where_moves=None, where_lines=None, where_adjustments=None):
        """Signed movements of channel stock: (company_id, dealer_id, product_id,
        lot_id, delivered, returned, sold, adjusted, recent), one row per source line."""
        return SQL(
            """
            SELECT sml.company_id, rp.commercial_partner_id AS dealer_id, sml.product_id, sml.lot_id,
                   CASE WHEN dest.usage = 'customer' THEN sml.quantity_product_uom ELSE 0 END AS delivered,
                   CASE WHEN src.usage = 'customer' THEN sml.quantity_product_uom ELSE 0 END AS returned,
                   0.0 AS sold, 0.0 AS adjusted, 0.0 AS recent
              FROM stock_move_line sml
              JOIN stock_picking sp ON sp.id = sml.picking_id
              JOIN res_partner rp ON rp.id = sp.partner_id
              JOIN res_partner dealer ON dealer.id = rp.commercial_partner_id AND dealer.crm_channel_is_dealer
              JOIN stock_location src ON src.id = sml.location_id
              JOIN stock_location dest ON dest.id = sml.location_dest_id
             WHERE sml.state = 'done'
               AND ((src.usage = 'internal' AND dest.usage = 'customer')
                 OR (src.usage = 'customer' AND dest.usage = 'internal'))
               AND %(where_moves)s
            UNION ALL
            SELECT l.company_id, l.partner_id, l.product_id, l.lot_id, 0.0, 0.0, l.quantity, 0.0,
                   CASE WHEN l.date > CURRENT_DATE - %(days)s THEN l.quantity ELSE 0.0 END
              FROM crm_channel_sellthrough_line l
             WHERE l.source_dealer_id IS NULL AND %(where_lines)s
            UNION ALL
            SELECT a.company_id, a.partner_id, a.product_id, a.lot_id, 0.0, 0.0, 0.0, a.quantity, 0.0
              FROM crm_channel_stock_adjustment a
             WHERE %(where_adjustments)s
            """,
            where_moves=where_moves or SQL("TRUE"),
            where_lines=where_lines or SQL("TRUE"),
            where_adjustments=where_adjustments or SQL("TRUE"),
            days=SALES_RATE_DAYS,
        )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT t.id, t.company_id, t.partner_id, t.product_id, pt.categ_id AS product_categ_id, t.lot_id,
                   dealer.crm_channel_level_id AS channel_level_id, dealer.state_id,
                   t.delivered_qty, t.returned_qty, t.sold_qty, t.adjusted_qty,
                   t.delivered_qty - t.returned_qty - t.sold_qty + t.adjusted_qty AS quantity,
                   t.recent_sold_qty,
                   CASE WHEN t.recent_sold_qty > 0
                        THEN (t.delivered_qty - t.returned_qty - t.sold_qty + t.adjusted_qty)
                             / (t.recent_sold_qty / %(days)s) END AS days_of_stock
              FROM crm_channel_stock_total t
              JOIN res_partner dealer ON dealer.id = t.partner_id
              JOIN product_product pp ON pp.id = t.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
            """,
            days=float(SALES_RATE_DAYS),
        )

    @api.model
    def _crm_live_query(self):
        """The rows of the analysis computed from the movements at each read
        (what ``_table_query`` was before the sums were stored): the
        reference the stored rows are tested against."""
        return SQL(
            """
            SELECT row_number() OVER () AS id, s.*,
                   CASE WHEN s.recent_sold_qty > 0
                        THEN s.quantity / (s.recent_sold_qty / %(days)s) END AS days_of_stock
              FROM (
                SELECT m.company_id, m.dealer_id AS partner_id, m.product_id, pt.categ_id AS product_categ_id,
                       m.lot_id, dealer.crm_channel_level_id AS channel_level_id, dealer.state_id,
                       SUM(m.delivered) AS delivered_qty, SUM(m.returned) AS returned_qty,
                       SUM(m.sold) AS sold_qty, SUM(m.adjusted) AS adjusted_qty,
                       SUM(m.delivered - m.returned - m.sold + m.adjusted) AS quantity,
                       SUM(m.recent) AS recent_sold_qty
                  FROM (%(movements)s) m
                  JOIN res_partner dealer ON dealer.id = m.dealer_id
                  JOIN product_product pp ON pp.id = m.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 GROUP BY m.company_id, m.dealer_id, m.product_id, pt.categ_id, m.lot_id,
                          dealer.crm_channel_level_id, dealer.state_id
              ) s
            """,
            days=float(SALES_RATE_DAYS),
            movements=self._crm_movements_sql(),
        )

    def init(self):
        cr = self.env.cr
        cr.execute("SELECT to_regclass('crm_channel_stock_total') IS NULL")
        created = cr.fetchone()[0]
        if created:
            cr.execute(
                """
                CREATE TABLE crm_channel_stock_total (
                    id serial PRIMARY KEY,
                    company_id integer NOT NULL REFERENCES res_company (id) ON DELETE CASCADE,
                    partner_id integer NOT NULL REFERENCES res_partner (id) ON DELETE CASCADE,
                    product_id integer NOT NULL REFERENCES product_product (id) ON DELETE CASCADE,
                    lot_id integer REFERENCES stock_lot (id) ON DELETE CASCADE,
                    delivered_qty numeric NOT NULL DEFAULT 0,
                    returned_qty numeric NOT NULL DEFAULT 0,
                    sold_qty numeric NOT NULL DEFAULT 0,
                    adjusted_qty numeric NOT NULL DEFAULT 0,
                    recent_sold_qty numeric NOT NULL DEFAULT 0
                )
                """
            )
            # one row per key (what the refresh upserts on), found by dealer first
            cr.execute(
                "CREATE UNIQUE INDEX crm_channel_stock_total_key_index ON crm_channel_stock_total "
                "(partner_id, company_id, product_id, COALESCE(lot_id, 0))"
            )
            cr.execute("CREATE INDEX crm_channel_stock_total_product_index ON crm_channel_stock_total (product_id)")
            cr.execute(
                "CREATE INDEX crm_channel_stock_total_lot_index ON crm_channel_stock_total (lot_id) "
                "WHERE lot_id IS NOT NULL"
            )
        # Channel stock reads a dealer's deliveries and its reported lines by dealer and product.
        create_index(
            self.env.cr,
            "crm_channel_sellthrough_line_dealer_product_index",
            "crm_channel_sellthrough_line",
            ["partner_id", "product_id", "lot_id"],
        )
        create_index(
            self.env.cr,
            "crm_channel_stock_adjustment_dealer_product_index",
            "crm_channel_stock_adjustment",
            ["partner_id", "product_id", "lot_id"],
        )
        # the sums of what is already there (an install, or an update that created the table)
        if created:
            self._crm_refresh()

    # ------------------------------------------------------------------
    # Stored sums
    # ------------------------------------------------------------------

    @api.model
    def _crm_refresh(self, dealers=None):
        """Compute the stored channel stock of ``dealers`` (partners; their
        commercial partners count) again from their movements, or of every
        dealer when ``dealers`` is None: rows that changed are updated, new
        keys inserted, keys left without movement deleted. One statement,
        whatever the number of dealers and movements."""
        if dealers is not None:
            dealers = dealers.sudo().commercial_partner_id
            if not dealers:
                return
        for model in ("stock.move.line", "crm.channel.sellthrough.line", "crm.channel.stock.adjustment"):
            self.env[model].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id", "crm_channel_is_dealer"])
        self.env["stock.picking"].flush_model(["partner_id"])
        if dealers is None:
            where_moves = where_lines = where_adjustments = where_rows = SQL("TRUE")
        else:
            ids = list(dealers.ids)
            where_moves = SQL("rp.commercial_partner_id = ANY(%s)", ids)
            where_lines = SQL("l.partner_id = ANY(%s)", ids)
            where_adjustments = SQL("a.partner_id = ANY(%s)", ids)
            where_rows = SQL("t.partner_id = ANY(%s)", ids)
        self.env.cr.execute(
            SQL(
                """
                WITH fresh AS (
                    SELECT m.company_id, m.dealer_id, m.product_id, m.lot_id,
                           SUM(m.delivered) AS delivered, SUM(m.returned) AS returned, SUM(m.sold) AS sold,
                           SUM(m.adjusted) AS adjusted, SUM(m.recent) AS recent
                      FROM (%(movements)s) m
                     GROUP BY m.company_id, m.dealer_id, m.product_id, m.lot_id
                ), gone AS (
                    DELETE FROM crm_channel_stock_total t
                     WHERE %(where_rows)s
                       AND NOT EXISTS (
                           SELECT 1 FROM fresh f
                            WHERE f.dealer_id = t.partner_id AND f.company_id = t.company_id
                              AND f.product_id = t.product_id AND f.lot_id IS NOT DISTINCT FROM t.lot_id)
                )
                INSERT INTO crm_channel_stock_total AS t
                       (company_id, partner_id, product_id, lot_id,
                        delivered_qty, returned_qty, sold_qty, adjusted_qty, recent_sold_qty)
                SELECT company_id, dealer_id, product_id, lot_id, delivered, returned, sold, adjusted, recent
                  FROM fresh
                    ON CONFLICT (partner_id, company_id, product_id, COALESCE(lot_id, 0)) DO UPDATE
                   SET delivered_qty = EXCLUDED.delivered_qty, returned_qty = EXCLUDED.returned_qty,
                       sold_qty = EXCLUDED.sold_qty, adjusted_qty = EXCLUDED.adjusted_qty,
                       recent_sold_qty = EXCLUDED.recent_sold_qty
                 WHERE (t.delivered_qty, t.returned_qty, t.sold_qty, t.adjusted_qty, t.recent_sold_qty)
                       IS DISTINCT FROM (EXCLUDED.delivered_qty, EXCLUDED.returned_qty, EXCLUDED.sold_qty,
                                         EXCLUDED.adjusted_qty, EXCLUDED.recent_sold_qty)
                """,
                movements=self._crm_movements_sql(where_moves, where_lines, where_adjustments),
                where_rows=where_rows,
            )
        )
        self.invalidate_model()

    @api.model
    def _crm_refresh_moves(self, moves):
        """Refresh the dealers that ``moves`` delivered to or took back from."""
        moves = moves.sudo().filtered(lambda move: "customer" in (move.location_id.usage, move.location_dest_id.usage))
        dealers = moves.picking_id.partner_id.commercial_partner_id.filtered("crm_channel_is_dealer")
        if dealers:
            self._crm_refresh(dealers)

    @api.model
    def _cron_crm_channel_stock_refresh(self):
        """Daily: every stored row again (the recent sales rate moves with the date)."""
        self._crm_refresh()

    @api.model
    def _crm_available(self, dealer, company, products, exclude_reports=None, exclude_lines=()):
        """What ``dealer`` has received and could still sell in ``company``, by
        (product id, lot id or None): {key: (received less returns, available)}.
        The lines of ``exclude_reports`` and ``exclude_lines`` do not count as sold. One query."""
        if not products:
            return {}
        for model in ("stock.move.line", "crm.channel.sellthrough.line", "crm.channel.stock.adjustment"):
            self.env[model].flush_model()
        excluded = list((exclude_reports or self.env["crm.channel.sellthrough"]).ids)
        product_ids = tuple(products.ids)
        self.env.cr.execute(
            SQL(
                """
                SELECT m.product_id, m.lot_id, SUM(m.delivered - m.returned),
                       SUM(m.delivered - m.returned - m.sold + m.adjusted)
                  FROM (%(movements)s) m
                 WHERE m.dealer_id = %(dealer)s AND m.company_id = %(company)s
                 GROUP BY m.product_id, m.lot_id
                """,
                movements=self._crm_movements_sql(
                    where_moves=SQL(
                        "rp.commercial_partner_id = %s AND sml.product_id IN %s AND sml.company_id = %s",
                        dealer.id,
                        product_ids,
                        company.id,
                    ),
                    where_lines=SQL(
                        "l.partner_id = %s AND l.product_id IN %s AND l.company_id = %s"
                        " AND NOT l.report_id = ANY(%s)",
                        dealer.id,
                        product_ids,
                        company.id,
                        excluded,
                    ),
                    where_adjustments=SQL(
                        "a.partner_id = %s AND a.product_id IN %s AND a.company_id = %s",
                        dealer.id,
                        product_ids,
                        company.id,
                    ),
                ),
                dealer=dealer.id,
                company=company.id,
            )
        )
        result = {
            (product_id, lot_id): [received, available]
            for product_id, lot_id, received, available in self.env.cr.fetchall()
        }
        # lines being checked (already flushed) are given back rather than filtered out in SQL
        for line in exclude_lines or ():
            key = (line.product_id.id, line.lot_id.id or None)
            if key in result:
                result[key][1] += line.quantity
        return {key: tuple(values) for key, values in result.items()}

    @api.model
    def _crm_lot_holders(self, dealer, company, lots):
        """The dealers we delivered ``lots`` to in ``company`` and that still
        hold some (deliveries less returns), by lot id: [dict(dealer_id, qty,
        supplier)] with ``supplier`` when the holder supplies ``dealer``
        (directly or through other dealers); suppliers first, then by
        quantity. One query."""
        if not lots:
            return {}
        for model in ("stock.move.line", "stock.picking"):
            self.env[model].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id", "crm_channel_is_dealer", "crm_channel_parent_id"])
        self.env.cr.execute(
            SQL(
                """
                WITH RECURSIVE chain(dealer_id, depth) AS (
                    SELECT crm_channel_parent_id, 1 FROM res_partner
                     WHERE id = %(dealer)s AND crm_channel_parent_id IS NOT NULL
                    UNION
                    SELECT p.crm_channel_parent_id, c.depth + 1
                      FROM chain c
                      JOIN res_partner p ON p.id = c.dealer_id
                     WHERE p.crm_channel_parent_id IS NOT NULL AND c.depth < 32
                ),
                lot AS MATERIALIZED (
                    SELECT DISTINCT unnest(%(lots)s::int[]) AS lot_id
                )
                -- a lateral per lot reads its move lines through the lot index (an import batch
                -- names thousands of lots among millions of move lines)
                SELECT lot.lot_id, o.dealer_id, o.qty, o.dealer_id IN (SELECT dealer_id FROM chain) AS supplier
                  FROM lot
                 CROSS JOIN LATERAL (
                    SELECT m.dealer_id, SUM(m.delivered - m.returned) AS qty
                      FROM (%(movements)s) m
                     GROUP BY m.dealer_id
                    HAVING SUM(m.delivered - m.returned) > 0
                 ) o
                 ORDER BY lot.lot_id, supplier DESC, o.qty DESC, o.dealer_id
                """,
                dealer=dealer.id,
                lots=list(lots.ids),
                movements=self._crm_movements_sql(
                    where_moves=SQL("sml.lot_id = lot.lot_id AND sml.company_id = %s", company.id),
                    where_lines=SQL("FALSE"),
                    where_adjustments=SQL("FALSE"),
                ),
            )
        )
        holders = defaultdict(list)
        for lot_id, dealer_id, qty, supplier in self.env.cr.fetchall():
            holders[lot_id].append({"dealer_id": dealer_id, "qty": qty, "supplier": supplier})
        return holders

    # ------------------------------------------------------------------
    # Alerts
    # ------------------------------------------------------------------

    @api.model
    def _cron_crm_channel_stock_alerts(self):
        run_isolated(
            self.env["res.company"].search([]),
            lambda company: self.with_company(company)._crm_stock_alerts(company),
            "Channel stock alerts",
        )

    @api.model
    def _crm_stock_alerts(self, company):
        """Schedule an activity on each dealer whose channel stock is too high,
        too low, or holds lots near expiry, for its channel manager: one open
        activity per dealer and kind (not repeated while it is open)."""
        high, low = company.crm_channel_stock_max_days, company.crm_channel_stock_min_days
        expiry_days = company.crm_channel_stock_expiry_days
        problems = defaultdict(lambda: defaultdict(list))
        domain = [("company_id", "=", company.id), ("quantity", ">", 0)]
        for stock in self.sudo().search(domain):
            if high and stock.days_of_stock and stock.days_of_stock > high:
                problems[stock.partner_id]["high"].append(stock)
            elif low and stock.days_of_stock is not False and stock.recent_sold_qty and stock.days_of_stock < low:
                problems[stock.partner_id]["low"].append(stock)
        lot_model = self.env["stock.lot"]
        if expiry_days and "expiration_date" in lot_model._fields:
            limit = fields.Datetime.now() + timedelta(days=expiry_days)
            for stock in self.sudo().search(domain + [("lot_id", "!=", False)]):
                expiry = stock.lot_id.expiration_date
                if expiry and expiry <= limit:
                    problems[stock.partner_id]["expiry"].append(stock)
        titles = {
            "high": _("Channel stock too high"),
            "low": _("Channel stock too low"),
            "expiry": _("Channel stock near expiry"),
        }
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for dealer, kinds in problems.items():
            existing = set(
                self.env["mail.activity"]
                .sudo()
                .search([("res_model", "=", "res.partner"), ("res_id", "=", dealer.id)])
                .mapped("summary")
            )
            for kind, stocks in kinds.items():
                if titles[kind] in existing:
                    continue
                lines = "\n".join(
                    f"{stock.product_id.display_name}{' / ' + stock.lot_id.name if stock.lot_id else ''}: "
                    f"{stock.quantity:g}" + (f" ({stock.days_of_stock:.0f} d)" if stock.days_of_stock else "")
                    for stock in stocks
                )
                dealer.sudo().activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=titles[kind],
                    note=lines,
                    user_id=(dealer.crm_channel_manager_id or self.env.ref("base.user_admin")).id,
                )
