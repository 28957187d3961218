from odoo import fields, models, tools
from odoo.models import parse_read_group_spec
from odoo.osv import expression
from odoo.tools import SQL

# Achievement measures and the (achieved, target) columns whose sums they divide.
_RATIOS = {
    "achievement": ("achieved_amount", "target_amount"),
    "achievement_qty": ("achieved_qty", "target_qty"),
}


# Fields that only depend on the target line: a read_group whose domain and
# groupby use nothing else can run on one row per (line, kind) (_summary_sql).
_LINE_FIELDS = {
    "kind": None,
    "line_id": "id",
    "target_id": "target_id",
    "state": "target_id.state",
    "company_id": "company_id",
    "team_id": "team_id",
    "user_id": "user_id",
    "categ_id": "categ_id",
    "partner_id": "partner_id",
}
_SUMMED = {
    "amount",
    "qty",
    "target_amount",
    "ordered_amount",
    "invoiced_amount",
    "forecast_amount",
    "target_qty",
    "ordered_qty",
    "invoiced_qty",
    "achieved_amount",
    "achieved_qty",
}
# context key of the summary: a frozenset of line ids, which JSON-RPC cannot send
_SUMMARY_KEY = "crm_sales_target_report_summary"


class CrmSalesTargetReport(models.Model):
    """Sales plans against actuals (销售计划完成情况).

    One row per target line (kind 'target', carrying the target amount and
    quantity and the line's achievement) and one row per fact that counts for
    a line (kind 'order', 'invoice' or 'forecast': a confirmed order line, a
    posted invoice line, an open opportunity; see
    ``crm.sales.target.line._facts_sql``). Every row carries the dimensions of
    its target line (plan, team, salesperson, category, customer), so that a
    pivot grouped by any of them compares the target with what counts for it;
    the date is the line's first day on target rows and the document's date on
    the other rows.

    Aggregation:

    * amounts and quantities are sums; ``amount`` and ``qty`` hold the row's
      own value whatever its kind, for a graph of target vs actual grouped by
      kind;
    * achievement (%) is only on target rows; in a cell (pivot, graph, list
      group) it is the summed achieved amount (ordered or invoiced, after the
      plan's basis, of the lines with an amount target) divided by the summed
      target amount, not the mean of the lines' percentages (see
      ``_read_group_select``); the same for quantities;
    * an order that matches several lines (a team line and a salesperson line
      of that team) counts once for each: totals across lines of different
      levels add such orders up more than once. Group by target line, or
      filter one level, to compare like with like.
    """

    _name = "crm.sales.target.report"
    _description = "Sales Targets Analysis"
    _auto = False
    _order = "date desc, id"
    _rec_name = "line_id"

    kind = fields.Selection(
        [("target", "Planned"), ("order", "Ordered"), ("invoice", "Invoiced"), ("forecast", "Forecast")],
        string="Type",
        readonly=True,
    )
    target_id = fields.Many2one("crm.sales.target", string="Plan", readonly=True)
    line_id = fields.Many2one("crm.sales.target.line", string="Target Line", readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("closed", "Closed")], string="Plan Status", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    amount = fields.Monetary(readonly=True, help="The row's amount: target, ordered, invoiced or forecast.")
    qty = fields.Float(string="Quantity", readonly=True, digits="Product Unit of Measure")
    target_amount = fields.Monetary(readonly=True)
    ordered_amount = fields.Monetary(string="Ordered", readonly=True)
    invoiced_amount = fields.Monetary(string="Invoiced", readonly=True)
    forecast_amount = fields.Monetary(string="Forecast", readonly=True)
    target_qty = fields.Float(string="Target Quantity", readonly=True, digits="Product Unit of Measure")
    achieved_amount = fields.Monetary(
        string="Achieved",
        readonly=True,
        help="On target rows: the ordered or invoiced amount (the plan's basis) of lines with an amount target.",
    )
    achieved_qty = fields.Float(
        string="Achieved Quantity",
        readonly=True,
        digits="Product Unit of Measure",
        help="On target rows: the ordered or invoiced quantity (the plan's basis) of lines with a quantity target.",
    )
    ordered_qty = fields.Float(string="Ordered Quantity", readonly=True, digits="Product Unit of Measure")
    invoiced_qty = fields.Float(string="Invoiced Quantity", readonly=True, digits="Product Unit of Measure")
    # Grouped, "avg" is replaced by the ratio of the sums (_read_group_select).
    achievement = fields.Float(
        string="Achievement (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Ordered or invoiced amount (the plan's basis) / target amount, for one target line or summed "
        "over the target lines of a group.",
    )
    achievement_qty = fields.Float(
        string="Quantity Achievement (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Ordered or invoiced quantity (the plan's basis) / target quantity, for one target line or summed "
        "over the target lines of a group.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
            WITH facts AS (
                %(facts)s
            ), totals AS (
                SELECT f.line_id,
                       SUM(f.amount) FILTER (WHERE f.kind = 'order') AS ordered,
                       SUM(f.qty) FILTER (WHERE f.kind = 'order') AS ordered_qty,
                       SUM(f.amount) FILTER (WHERE f.kind = 'invoice') AS invoiced,
                       SUM(f.qty) FILTER (WHERE f.kind = 'invoice') AS invoiced_qty
                  FROM facts f
              GROUP BY f.line_id
            ), rows AS (
                SELECT 'target' AS kind, l.id AS line_id, l.id AS res_id,
                       NULL::integer AS order_id, NULL::integer AS move_id, NULL::integer AS lead_id,
                       NULL::integer AS product_id, COALESCE(l.date_from, t.date_from) AS date,
                       COALESCE(l.target_amount, 0) AS amount, COALESCE(l.target_qty, 0) AS qty,
                       CASE WHEN l.target_amount > 0 THEN
                           COALESCE(CASE WHEN t.achievement_basis = 'invoice' THEN tt.invoiced
                                         ELSE tt.ordered END, 0)
                       ELSE 0 END AS achieved_amount,
                       CASE WHEN l.target_qty > 0 THEN
                           COALESCE(CASE WHEN t.achievement_basis = 'invoice' THEN tt.invoiced_qty
                                         ELSE tt.ordered_qty END, 0)
                       ELSE 0 END AS achieved_qty
                  FROM crm_sales_target_line l
                  JOIN crm_sales_target t ON t.id = l.target_id
             LEFT JOIN totals tt ON tt.line_id = l.id
             UNION ALL
                SELECT f.kind, f.line_id, f.res_id, f.order_id, f.move_id, f.lead_id, f.product_id, f.date,
                       f.amount, f.qty, 0, 0
                  FROM facts f
            )
            SELECT ROW_NUMBER() OVER (ORDER BY r.line_id, r.kind, r.res_id) AS id,
                   r.kind, r.line_id, l.target_id, t.state, t.company_id, r.date,
                   l.team_id, l.user_id, l.categ_id, l.partner_id,
                   r.product_id, r.order_id, r.move_id, r.lead_id,
                   r.amount, r.qty,
                   CASE WHEN r.kind = 'target' THEN r.amount ELSE 0 END AS target_amount,
                   CASE WHEN r.kind = 'order' THEN r.amount ELSE 0 END AS ordered_amount,
                   CASE WHEN r.kind = 'invoice' THEN r.amount ELSE 0 END AS invoiced_amount,
                   CASE WHEN r.kind = 'forecast' THEN r.amount ELSE 0 END AS forecast_amount,
                   CASE WHEN r.kind = 'target' THEN r.qty ELSE 0 END AS target_qty,
                   CASE WHEN r.kind = 'order' THEN r.qty ELSE 0 END AS ordered_qty,
                   CASE WHEN r.kind = 'invoice' THEN r.qty ELSE 0 END AS invoiced_qty,
                   r.achieved_amount, r.achieved_qty,
                   CASE WHEN r.kind = 'target' AND l.target_amount > 0 THEN
                       100.0 * r.achieved_amount / l.target_amount
                   END AS achievement,
                   CASE WHEN r.kind = 'target' AND l.target_qty > 0 THEN
                       100.0 * r.achieved_qty / l.target_qty
                   END AS achievement_qty
              FROM rows r
              JOIN crm_sales_target_line l ON l.id = r.line_id
              JOIN crm_sales_target t ON t.id = l.target_id
            )
            """,
                table=SQL.identifier(self._table),
                facts=self.env["crm.sales.target.line"]._facts_sql(),
            )
        )

    @property
    def _table_query(self):
        line_ids = self.env.context.get(_SUMMARY_KEY)
        if isinstance(line_ids, frozenset):
            return self._summary_sql(sorted(line_ids))
        return None

    def _summary_sql(self, line_ids):
        """The report's rows of these lines added up per (line, kind): one
        target row and at most one row per kind of fact, with ``n`` the number
        of rows of the report it stands for. Built on the aggregated facts
        (``_facts_sql(aggregate=True)``), the cheap way to the sums."""
        Line = self.env["crm.sales.target.line"]
        lines = Line.browse(line_ids)
        facts = Line._facts_sql(line_ids, patterns={line._pattern() for line in lines.sudo()}, aggregate=True)
        return SQL(
            """
            WITH totals AS (
                SELECT f.line_id, f.kind, SUM(f.amount) AS amount, SUM(f.qty) AS qty, SUM(f.n) AS n
                  FROM (%(facts)s) f
              GROUP BY f.line_id, f.kind
            ), sums AS (
                SELECT line_id,
                       SUM(amount) FILTER (WHERE kind = 'order') AS ordered,
                       SUM(qty) FILTER (WHERE kind = 'order') AS ordered_qty,
                       SUM(amount) FILTER (WHERE kind = 'invoice') AS invoiced,
                       SUM(qty) FILTER (WHERE kind = 'invoice') AS invoiced_qty
                  FROM totals
              GROUP BY line_id
            ), rows AS (
                SELECT 'target'::varchar AS kind, 0 AS kind_rank, l.id AS line_id,
                       COALESCE(l.date_from, t.date_from) AS date,
                       COALESCE(l.target_amount, 0) AS amount, COALESCE(l.target_qty, 0) AS qty,
                       CASE WHEN l.target_amount > 0 THEN
                           COALESCE(CASE WHEN t.achievement_basis = 'invoice' THEN s.invoiced
                                         ELSE s.ordered END, 0)
                       ELSE 0 END AS achieved_amount,
                       CASE WHEN l.target_qty > 0 THEN
                           COALESCE(CASE WHEN t.achievement_basis = 'invoice' THEN s.invoiced_qty
                                         ELSE s.ordered_qty END, 0)
                       ELSE 0 END AS achieved_qty,
                       1 AS n
                  FROM crm_sales_target_line l
                  JOIN crm_sales_target t ON t.id = l.target_id
             LEFT JOIN sums s ON s.line_id = l.id
                 WHERE l.id = ANY(%(line_ids)s)
             UNION ALL
                SELECT x.kind, CASE x.kind WHEN 'order' THEN 1 WHEN 'invoice' THEN 2 ELSE 3 END, x.line_id,
                       NULL::date, x.amount, x.qty, 0, 0, x.n
                  FROM totals x
            )
            SELECT r.line_id * 4 + r.kind_rank AS id,
                   r.kind, r.line_id, l.target_id, t.state, t.company_id, r.date,
                   l.team_id, l.user_id, l.categ_id, l.partner_id,
                   NULL::integer AS product_id, NULL::integer AS order_id, NULL::integer AS move_id,
                   NULL::integer AS lead_id, r.amount, r.qty,
                   CASE WHEN r.kind = 'target' THEN r.amount ELSE 0 END AS target_amount,
                   CASE WHEN r.kind = 'order' THEN r.amount ELSE 0 END AS ordered_amount,
                   CASE WHEN r.kind = 'invoice' THEN r.amount ELSE 0 END AS invoiced_amount,
                   CASE WHEN r.kind = 'forecast' THEN r.amount ELSE 0 END AS forecast_amount,
                   CASE WHEN r.kind = 'target' THEN r.qty ELSE 0 END AS target_qty,
                   CASE WHEN r.kind = 'order' THEN r.qty ELSE 0 END AS ordered_qty,
                   CASE WHEN r.kind = 'invoice' THEN r.qty ELSE 0 END AS invoiced_qty,
                   r.achieved_amount, r.achieved_qty,
                   CASE WHEN r.kind = 'target' AND l.target_amount > 0 THEN
                       100.0 * r.achieved_amount / l.target_amount
                   END AS achievement,
                   CASE WHEN r.kind = 'target' AND l.target_qty > 0 THEN
                       100.0 * r.achieved_qty / l.target_qty
                   END AS achievement_qty,
                   r.n
              FROM rows r
              JOIN crm_sales_target_line l ON l.id = r.line_id
              JOIN crm_sales_target t ON t.id = l.target_id
            """,
            facts=facts,
            line_ids=list(line_ids),
        )

    def _summary_lines(self, domain, groupby, aggregates):
        """The target lines a grouped read needs, when it only involves
        dimensions of the target line and sums (the pivot and graph grouped
        by plan, line, team, salesperson, category, customer or kind): it can
        then run on one row per (line, kind) instead of one per document.
        None otherwise."""
        if self.env.context.get(_SUMMARY_KEY) is not None:
            return None
        for spec in groupby:
            if spec not in _LINE_FIELDS:
                return None
        for spec in aggregates:
            if spec == "__count":
                continue
            fname, __, func = parse_read_group_spec(spec)
            if not (func == "sum" and fname in _SUMMED) and not (func == "avg" and fname in _RATIOS):
                return None
        line_domain = []
        for leaf in expression.normalize_domain(domain or []):
            if leaf == expression.NOT_OPERATOR:
                return None
            if expression.is_operator(leaf) or leaf in (expression.TRUE_LEAF, expression.FALSE_LEAF):
                line_domain.append(leaf)
                continue
            if not expression.is_leaf(leaf) or not isinstance(leaf[0], str):
                return None
            path = leaf[0].split(".")
            if path[0] not in _LINE_FIELDS:
                return None
            if path[0] == "kind":
                # any kind: the summary keeps the lines and filters the kinds itself
                line_domain.append(expression.TRUE_LEAF)
                continue
            line_domain.append((".".join([_LINE_FIELDS[path[0]], *path[1:]]), *leaf[1:]))
        # the lines the read may touch (the summary still applies the domain
        # and the access rules of the report)
        line_ids = frozenset(self.env["crm.sales.target.line"].sudo().search(line_domain).ids)
        return line_ids or None

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        line_ids = self._summary_lines(domain, groupby, aggregates) if not having else None
        if line_ids is not None:
            # the summary reads the stored facts: bring this transaction's changes in
            self.env["crm.sales.target.fact"]._flush_pending()
            self = self.with_context(**{_SUMMARY_KEY: line_ids})  # noqa: PLW0642
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    def _read_group_select(self, aggregate_spec, query):
        """A group's achievement is its summed achieved amount over its summed
        target amount (an order of 900 against 1,000 and 0 against 9,000 is
        9%, not the 45% that averaging the lines' percentages would give)."""
        if aggregate_spec == "__count" and isinstance(self.env.context.get(_SUMMARY_KEY), frozenset):
            return SQL("SUM(%s)", SQL.identifier(query.table, "n"))
        if aggregate_spec != "__count":
            fname, __, func = parse_read_group_spec(aggregate_spec)
            if func == "avg" and fname in _RATIOS:
                achieved, target = _RATIOS[fname]
                return SQL(
                    "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                    self._field_to_sql(self._table, achieved, query),
                    self._field_to_sql(self._table, target, query),
                )
        return super()._read_group_select(aggregate_spec, query)
