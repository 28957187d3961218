from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_DIMENSIONS = ("team_id", "user_id", "categ_id", "partner_id")
# bit i of a pattern: _PATTERN_DIMENSIONS[i] is set on the target line
_PATTERN_DIMENSIONS = ("team_id", "user_id", "partner_id", "categ_id")


class CrmSalesTargetLine(models.Model):
    """One target of a sales plan: an amount and/or a quantity for the
    combination of dimensions that are set (sales team, salesperson, product
    category with its sub-categories, customer). A line without any dimension
    is the target of the whole company. A line without dates covers the
    plan's period; with dates, a part of it (for example one month).

    Actuals (in the company currency, untaxed) are the facts of the line's
    company within the line's period that match every dimension set on it
    (see ``_facts_sql``):

    * ordered: lines of confirmed sales orders by order date (in the company's
      time zone): team = order's team, salesperson = order's salesperson,
      customer = the order customer's commercial partner, category = the
      product's category or one of its sub-categories;
    * invoiced: product lines of posted customer invoices minus credit notes,
      by invoice date, with the invoice's team, salesperson and commercial
      partner;
    * forecast: open opportunities (active, not in a won stage) by expected
      closing date, weighted: expected revenue x probability / 100. Only team,
      salesperson and customer apply: an opportunity carries no products, so
      lines with a product category get no forecast.

    Quantities are in each product's own unit of measure (order and invoice
    units converted).
    """

    _name = "crm.sales.target.line"
    _description = "Sales Target Line"
    _order = "target_id, date_from, id"
    _check_company_auto = True

    target_id = fields.Many2one("crm.sales.target", string="Plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="target_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="target_id.currency_id")
    state = fields.Selection(related="target_id.state", string="Plan Status")
    team_id = fields.Many2one("crm.team", string="Sales Team", index="btree_not_null", check_company=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index="btree_not_null",
        check_company=True,
        domain="[('share', '=', False)]",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index="btree_not_null",
        help="Products of this category and of its sub-categories.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index="btree_not_null",
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The customer company (or individual): orders and invoices of its contacts count too.",
    )
    date_from = fields.Date(string="Start Date", help="Leave empty to use the plan's period.")
    date_to = fields.Date(string="End Date", help="Leave empty to use the plan's period.")
    target_amount = fields.Monetary()
    target_qty = fields.Float(string="Target Quantity", digits="Product Unit of Measure")

    # Actuals: not stored, computed for all lines at once (see _compute_actuals)
    ordered_amount = fields.Monetary(compute="_compute_actuals", string="Ordered")
    invoiced_amount = fields.Monetary(compute="_compute_actuals", string="Invoiced")
    forecast_amount = fields.Monetary(
        compute="_compute_actuals",
        string="Forecast",
        help="Open opportunities expected to close in the period: expected revenue x probability.",
    )
    ordered_qty = fields.Float(compute="_compute_actuals", string="Ordered Quantity", digits="Product Unit of Measure")
    invoiced_qty = fields.Float(
        compute="_compute_actuals", string="Invoiced Quantity", digits="Product Unit of Measure"
    )
    achievement = fields.Float(
        compute="_compute_actuals",
        string="Achievement (%)",
        digits=(16, 1),
        help="Ordered or invoiced amount (see the plan's achievement basis) divided by the target amount.",
    )
    achievement_qty = fields.Float(
        compute="_compute_actuals",
        string="Quantity Achievement (%)",
        digits=(16, 1),
        help="Ordered or invoiced quantity (see the plan's achievement basis) divided by the target quantity.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("team_id", "user_id", "categ_id", "partner_id", "date_from", "date_to", "target_id")
    def _compute_display_name(self):
        for line in self:
            names = [line[fname].display_name for fname in _DIMENSIONS if line[fname]]
            label = " / ".join(names) or _("Whole company")
            if line.date_from and line.date_to:
                label = _("%(label)s (%(first)s - %(last)s)", label=label, first=line.date_from, last=line.date_to)
            line.display_name = label

    @api.depends(
        "team_id",
        "user_id",
        "categ_id",
        "partner_id",
        "date_from",
        "date_to",
        "target_amount",
        "target_qty",
        "target_id.achievement_basis",
    )
    def _compute_actuals(self):
        totals = self.browse([line._origin.id for line in self if line._origin.id])._get_actuals()
        empty = dict.fromkeys(("ordered", "ordered_qty", "invoiced", "invoiced_qty", "forecast"), 0.0)
        for line in self:
            values = totals.get(line._origin.id, empty)
            line.ordered_amount = values["ordered"]
            line.invoiced_amount = values["invoiced"]
            line.forecast_amount = values["forecast"]
            line.ordered_qty = values["ordered_qty"]
            line.invoiced_qty = values["invoiced_qty"]
            if line.target_id.achievement_basis == "invoice":
                amount, qty = values["invoiced"], values["invoiced_qty"]
            else:
                amount, qty = values["ordered"], values["ordered_qty"]
            line.achievement = 100.0 * amount / line.target_amount if line.target_amount else 0.0
            line.achievement_qty = 100.0 * qty / line.target_qty if line.target_qty else 0.0

    def _pattern(self):
        """Which dimensions are set on the line, as bits (see _facts_sql)."""
        self.ensure_one()
        return sum(1 << bit for bit, fname in enumerate(_PATTERN_DIMENSIONS) if self[fname])

    def _get_actuals(self):
        """Actuals of the lines in one query: {line id: {'ordered',
        'ordered_qty', 'invoiced', 'invoiced_qty', 'forecast'}}."""
        if not self:
            return {}
        self.env["crm.sales.target.fact"]._flush_pending()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT f.line_id,
                       COALESCE(SUM(f.amount) FILTER (WHERE f.kind = 'order'), 0),
                       COALESCE(SUM(f.qty) FILTER (WHERE f.kind = 'order'), 0),
                       COALESCE(SUM(f.amount) FILTER (WHERE f.kind = 'invoice'), 0),
                       COALESCE(SUM(f.qty) FILTER (WHERE f.kind = 'invoice'), 0),
                       COALESCE(SUM(f.amount) FILTER (WHERE f.kind = 'forecast'), 0)
                  FROM (%s) f
              GROUP BY f.line_id
                """,
                self._facts_sql(self.ids, patterns={line._pattern() for line in self}, aggregate=True),
            )
        )
        keys = ("ordered", "ordered_qty", "invoiced", "invoiced_qty", "forecast")
        return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in self.env.cr.fetchall()}

    @api.model
    def _facts_sql(self, line_ids=None, patterns=None, aggregate=False, from_documents=False):
        """SQL of the facts that count for target lines: one row per (target
        line, order line | invoice line | opportunity) with the columns
        line_id, kind ('order', 'invoice', 'forecast'), res_id (id of the
        order line, invoice line or opportunity), order_id, move_id, lead_id,
        product_id, date, amount (company currency), qty (product unit) and n
        (the number of facts the row stands for: 1, or more when aggregated).
        ``line_ids``: restrict to these lines (all lines when None). Shared by
        the per-line actuals and the analysis report, so that both agree.

        Shape, for any number of lines and documents: the facts of the
        lines' companies and overall period are read once (``fo``, ``fi``,
        ``fl``; ``*_anc`` repeat each fact once per ancestor of its product
        category); then one branch per pattern of dimensions set on a line
        (team, salesperson, customer, category: 16 patterns) joins the lines
        of that pattern to the facts on equality of exactly those dimensions,
        so that the database can hash-join instead of comparing every line
        with every fact.

        ``patterns``: the patterns (bit 1 team, 2 salesperson, 4 customer, 8
        category) to compute, all when None. ``aggregate``: add the facts up by
        the pattern's dimensions and day before joining them to the lines
        (document columns are then empty): the cheap way to the sums per
        line. The sums of orders and invoices are then read from the stored
        facts (``crm.sales.target.fact``: one row per document and category,
        kept fresh by the ORM; call its ``_flush_pending`` first), unless
        ``from_documents`` asks to add up the order and invoice lines
        themselves (the way to check the stored facts)."""
        line_filter = SQL("WHERE l.id = ANY(%s)", list(line_ids)) if line_ids is not None else SQL()
        product_joins = SQL(
            """
         LEFT JOIN product_product pp ON pp.id = x.product_id
         LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN product_category pc ON pc.id = pt.categ_id
         LEFT JOIN uom_uom lu ON lu.id = x.uom_id
         LEFT JOIN uom_uom pu ON pu.id = pt.uom_id
            """
        )
        facts = {
            "fo": SQL(
                """
                SELECT x.company_id, x.date, x.team_id, x.user_id, x.partner_id, pc.parent_path AS categ_path,
                       x.res_id, x.order_id, NULL::integer AS move_id, NULL::integer AS lead_id, x.product_id,
                       x.subtotal / COALESCE(NULLIF(x.currency_rate, 0), 1) AS amount,
                       x.quantity / COALESCE(NULLIF(lu.factor, 0), 1) * COALESCE(pu.factor, 1) AS qty
                  FROM (
                    SELECT o.company_id, ((o.date_order AT TIME ZONE 'UTC') AT TIME ZONE b.tz)::date AS date,
                           o.team_id, o.user_id, op.commercial_partner_id AS partner_id, sol.id AS res_id,
                           o.id AS order_id, sol.product_id, sol.product_uom AS uom_id,
                           sol.price_subtotal AS subtotal, o.currency_rate, sol.product_uom_qty AS quantity
                      FROM bounds b
                      JOIN sale_order o ON o.company_id = b.company_id AND o.state = 'sale'
                                       AND o.date_order >= b.dt_from AND o.date_order < b.dt_to
                      JOIN res_partner op ON op.id = o.partner_id
                      JOIN sale_order_line sol ON sol.order_id = o.id
                     WHERE sol.display_type IS NULL AND sol.is_downpayment IS NOT TRUE
                  ) x
                %(product_joins)s
                """,
                product_joins=product_joins,
            ),
            "fi": SQL(
                """
                SELECT x.company_id, x.date, x.team_id, x.user_id, x.partner_id, pc.parent_path AS categ_path,
                       x.res_id, NULL::integer AS order_id, x.move_id, NULL::integer AS lead_id, x.product_id,
                       x.amount,
                       x.sign * x.quantity / COALESCE(NULLIF(lu.factor, 0), 1) * COALESCE(pu.factor, 1) AS qty
                  FROM (
                    SELECT m.company_id, m.invoice_date AS date, m.team_id, m.invoice_user_id AS user_id,
                           m.commercial_partner_id AS partner_id, aml.id AS res_id, m.id AS move_id,
                           aml.product_id, aml.product_uom_id AS uom_id, -aml.balance AS amount, aml.quantity,
                           CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign
                      FROM bounds b
                      JOIN account_move m ON m.company_id = b.company_id AND m.state = 'posted'
                                         AND m.move_type IN ('out_invoice', 'out_refund')
                                         AND m.invoice_date BETWEEN b.date_from AND b.date_to
                      JOIN account_move_line aml ON aml.move_id = m.id AND aml.display_type = 'product'
                  ) x
                %(product_joins)s
                """,
                product_joins=product_joins,
            ),
            "fl": SQL(
                """
                SELECT ld.company_id, ld.date_deadline AS date, ld.team_id, ld.user_id,
                       lp.commercial_partner_id AS partner_id, ld.id AS res_id, NULL::integer AS order_id,
                       NULL::integer AS move_id, ld.id AS lead_id, NULL::integer AS product_id,
                       COALESCE(ld.expected_revenue, 0) * COALESCE(ld.probability, 0) / 100.0 AS amount,
                       0.0 AS qty
                  FROM bounds b
                  JOIN crm_lead ld ON ld.company_id = b.company_id AND ld.type = 'opportunity' AND ld.active
                                  AND ld.date_deadline BETWEEN b.date_from AND b.date_to
             LEFT JOIN crm_stage st ON st.id = ld.stage_id
             LEFT JOIN res_partner lp ON lp.id = ld.partner_id
                 WHERE st.is_won IS NOT TRUE
                """
            ),
        }
        if aggregate:
            # only the sums per line are wanted: one row per day and combination of dimensions
            for name, body in facts.items():
                facts[name] = SQL(
                    """
                SELECT company_id, date, team_id, user_id, partner_id, %s AS categ_path,
                       SUM(amount) AS amount, SUM(qty) AS qty, COUNT(*) AS n
                  FROM (%s) y
              GROUP BY 1, 2, 3, 4, 5, 6
                    """,
                    SQL("categ_path") if name != "fl" else SQL("NULL::varchar"),
                    body,
                )
        branches = []
        for kind, source, with_categories in (
            ("order", "fo", True),
            ("invoice", "fi", True),
            ("forecast", "fl", False),
        ):
            for mask in range(16 if with_categories else 8):
                if patterns is not None and mask not in patterns:
                    continue
                dims = [fname for bit, fname in enumerate(_PATTERN_DIMENSIONS) if mask & (1 << bit)]
                keys = [SQL.identifier("anc_id" if fname == "categ_id" else fname) for fname in dims]
                on = [SQL("f.company_id = tl.company_id"), SQL("f.date BETWEEN tl.date_from AND tl.date_to")]
                on += [SQL("f.%s = tl.%s", key, SQL.identifier(fname)) for key, fname in zip(keys, dims, strict=True)]
                pattern = [
                    SQL("tl.%s IS NOT NULL", SQL.identifier(fname))
                    if fname in dims
                    else SQL("tl.%s IS NULL", SQL.identifier(fname))
                    for fname in _PATTERN_DIMENSIONS
                ]
                if aggregate and not from_documents and kind != "forecast":
                    branches.append(self._stored_branch_sql(kind, dims, pattern))
                    continue
                table = SQL.identifier(f"{source}_anc" if mask & 8 else source)
                if aggregate:
                    # only the sums per line are wanted: add the facts up by
                    # the dimensions of the pattern and the day before joining
                    group = SQL(", ").join([SQL("company_id"), SQL("date"), *keys])
                    table = SQL(
                        "(SELECT %s, SUM(amount) AS amount, SUM(qty) AS qty, SUM(n) AS n FROM %s GROUP BY %s)",
                        group,
                        table,
                        group,
                    )
                    columns = SQL(
                        "NULL::integer, NULL::integer, NULL::integer, NULL::integer, NULL::integer, NULL::date"
                    )
                else:
                    columns = SQL("f.res_id, f.order_id, f.move_id, f.lead_id, f.product_id, f.date")
                n = SQL("f.n") if aggregate else SQL("1")
                branches.append(
                    SQL(
                        """
            SELECT tl.line_id, %(kind)s::varchar AS kind, %(columns)s, f.amount, f.qty, %(n)s AS n
              FROM tl JOIN %(table)s f ON %(on)s
             WHERE %(pattern)s""",
                        kind=kind,
                        columns=columns,
                        n=n,
                        table=table,
                        on=SQL(" AND ").join(on),
                        pattern=SQL(" AND ").join(pattern),
                    )
                )
        if not branches:
            branches.append(
                SQL(
                    "SELECT NULL::integer, NULL::varchar, NULL::integer, NULL::integer, NULL::integer, NULL::integer, "
                    "NULL::integer, NULL::date, NULL::numeric, NULL::numeric, NULL::bigint WHERE FALSE"
                )
            )
        return SQL(
            """
            WITH tl AS MATERIALIZED (
                SELECT l.id AS line_id, t.company_id, l.team_id, l.user_id, l.categ_id, l.partner_id,
                       z.date_from, z.date_to, z.tz,
                       (z.date_from::timestamp AT TIME ZONE z.tz) AT TIME ZONE 'UTC' AS dt_from,
                       ((z.date_to + 1)::timestamp AT TIME ZONE z.tz) AT TIME ZONE 'UTC' AS dt_to
                  FROM crm_sales_target_line l
                  JOIN crm_sales_target t ON t.id = l.target_id
                  JOIN res_company co ON co.id = t.company_id
                  JOIN res_partner cp ON cp.id = co.partner_id
                 CROSS JOIN LATERAL (
                    SELECT COALESCE(l.date_from, t.date_from) AS date_from,
                           COALESCE(l.date_to, t.date_to) AS date_to,
                           COALESCE(NULLIF(cp.tz, ''), 'UTC') AS tz
                 ) z
                %(line_filter)s
            ), bounds AS MATERIALIZED (
                SELECT company_id, tz, MIN(date_from) AS date_from, MAX(date_to) AS date_to,
                       MIN(dt_from) AS dt_from, MAX(dt_to) AS dt_to
                  FROM tl
              GROUP BY company_id, tz
            ), fo AS MATERIALIZED (
                %(fo)s
            ), fi AS MATERIALIZED (
                %(fi)s
            ), fl AS MATERIALIZED (
                %(fl)s
            ), fo_anc AS MATERIALIZED (
                SELECT f.*, a.anc_id
                  FROM fo f
                 CROSS JOIN LATERAL unnest(string_to_array(rtrim(f.categ_path, '/'), '/')::integer[]) a(anc_id)
            ), fi_anc AS MATERIALIZED (
                SELECT f.*, a.anc_id
                  FROM fi f
                 CROSS JOIN LATERAL unnest(string_to_array(rtrim(f.categ_path, '/'), '/')::integer[]) a(anc_id)
            ), categ_anc AS MATERIALIZED (
                SELECT pc.id AS categ_id, a.anc_id
                  FROM product_category pc
                 CROSS JOIN LATERAL unnest(string_to_array(rtrim(pc.parent_path, '/'), '/')::integer[]) a(anc_id)
            )
            %(branches)s
            """,
            line_filter=line_filter,
            fo=facts["fo"],
            fi=facts["fi"],
            fl=facts["fl"],
            branches=SQL(" UNION ALL ").join(branches),
        )

    @api.model
    def _stored_branch_sql(self, kind, dims, pattern):
        """The sums per target line of one pattern of dimensions (``dims``,
        ``pattern``: see _facts_sql) for orders or invoices (``kind``), read
        from the stored facts (``crm.sales.target.fact``, already added up per
        document and category): the lines are joined to the fact rows on
        equality of their dimensions (a category line to the facts of the
        category and of its sub-categories, through ``categ_anc``) and added
        up per line."""
        on = [
            SQL("f.kind = %s", kind),
            SQL("f.company_id = tl.company_id"),
            SQL("f.date BETWEEN tl.date_from AND tl.date_to"),
        ]
        for fname in dims:
            if fname == "categ_id":
                on.append(SQL("f.categ_id = ca.categ_id"))
            else:
                on.append(SQL("f.%s = tl.%s", SQL.identifier(fname), SQL.identifier(fname)))
        categories = SQL("JOIN categ_anc ca ON ca.anc_id = tl.categ_id") if "categ_id" in dims else SQL()
        return SQL(
            """
            SELECT tl.line_id, %(kind)s::varchar AS kind, NULL::integer AS res_id, NULL::integer AS order_id,
                   NULL::integer AS move_id, NULL::integer AS lead_id, NULL::integer AS product_id,
                   NULL::date AS date, SUM(f.amount) AS amount, SUM(f.qty) AS qty, SUM(f.line_count)::bigint AS n
              FROM tl %(categories)s
              JOIN crm_sales_target_fact f ON %(on)s
             WHERE %(pattern)s
          GROUP BY tl.line_id""",
            kind=kind,
            categories=categories,
            on=SQL(" AND ").join(on),
            pattern=SQL(" AND ").join(pattern),
        )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("target_amount", "target_qty")
    def _check_targets(self):
        for line in self:
            if line.target_amount < 0 or line.target_qty < 0:
                raise ValidationError(
                    _(
                        "Sales plan %(plan)s, line %(line)s: targets cannot be negative (amount %(amount)s, "
                        "quantity %(qty)s).",
                        plan=line.target_id.name,
                        line=line.display_name,
                        amount=line.target_amount,
                        qty=line.target_qty,
                    )
                )

    @api.constrains("partner_id")
    def _check_partner(self):
        for line in self:
            if line.partner_id and line.partner_id != line.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Sales plan %(plan)s: set the target on the customer %(company)s, not on its contact "
                        "%(contact)s (orders and invoices of contacts count for their company).",
                        plan=line.target_id.name,
                        company=line.partner_id.commercial_partner_id.display_name,
                        contact=line.partner_id.display_name,
                    )
                )

    @api.constrains("date_from", "date_to", "target_id")
    def _check_dates(self):
        for line in self:
            plan = line.target_id
            if bool(line.date_from) != bool(line.date_to):
                raise ValidationError(
                    _(
                        "Sales plan %(plan)s, line %(line)s: enter both the first and the last day, or neither "
                        "(the line then covers the plan's period).",
                        plan=plan.name,
                        line=line.display_name,
                    )
                )
            if not line.date_from:
                continue
            if line.date_from > line.date_to:
                raise ValidationError(
                    _(
                        "Sales plan %(plan)s, line %(line)s: the period cannot end before it starts.",
                        plan=plan.name,
                        line=line.display_name,
                    )
                )
            if line.date_from < plan.date_from or line.date_to > plan.date_to:
                raise ValidationError(
                    _(
                        "Sales plan %(plan)s, line %(line)s: the period lies outside the plan's period "
                        "%(first)s - %(last)s.",
                        plan=plan.name,
                        line=line.display_name,
                        first=plan.date_from,
                        last=plan.date_to,
                    )
                )

    @api.constrains("team_id", "user_id", "categ_id", "partner_id", "date_from", "date_to", "target_id")
    def _check_overlaps(self):
        """Same dimensions over overlapping days: never twice in one plan, and
        never in two plans of a company that are both confirmed or closed.
        One query for all lines checked."""
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id, b.id
                  FROM crm_sales_target_line a
                  JOIN crm_sales_target ta ON ta.id = a.target_id
                  JOIN crm_sales_target_line b
                    ON b.id <> a.id
                   AND b.team_id IS NOT DISTINCT FROM a.team_id
                   AND b.user_id IS NOT DISTINCT FROM a.user_id
                   AND b.categ_id IS NOT DISTINCT FROM a.categ_id
                   AND b.partner_id IS NOT DISTINCT FROM a.partner_id
                  JOIN crm_sales_target tb ON tb.id = b.target_id
                 WHERE a.id = ANY(%s)
                   AND (b.target_id = a.target_id
                        OR (ta.state <> 'draft' AND tb.state <> 'draft' AND tb.company_id = ta.company_id))
                   AND COALESCE(a.date_from, ta.date_from) <= COALESCE(b.date_to, tb.date_to)
                   AND COALESCE(b.date_from, tb.date_from) <= COALESCE(a.date_to, ta.date_to)
                 ORDER BY a.id, b.id
                 LIMIT 1
                """,
                self.ids,
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return
        line, other = self.browse(row)
        if line.target_id == other.target_id:
            raise ValidationError(
                _(
                    "Sales plan %(plan)s: the lines %(line)s and %(other)s have the same team, salesperson, "
                    "category and customer over overlapping periods. Merge them or give them distinct periods.",
                    plan=line.target_id.name,
                    line=line.display_name,
                    other=other.display_name,
                )
            )
        raise ValidationError(
            _(
                "Sales plan %(plan)s, line %(line)s: the %(state)s plan %(other_plan)s already has a target for "
                "the same team, salesperson, category and customer over overlapping days (%(other)s). "
                "A target may count only once: change one of the plans or reset it to draft.",
                plan=line.target_id.name,
                line=line.display_name,
                state=dict(other.target_id._fields["state"]._description_selection(self.env))[
                    other.target_id.state
                ].lower(),
                other_plan=other.target_id.name,
                other=other.display_name,
            )
        )

    # ------------------------------------------------------------------
    # CRUD: the lines of a plan that is not a draft are locked
    # ------------------------------------------------------------------

    def _check_plan_draft(self, targets):
        locked = targets.filtered(lambda target: target.state != "draft")
        if locked:
            raise UserError(
                _(
                    "Sales plan %s is not a draft: reset it to draft to change its target lines.",
                    locked[0].name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        target_ids = {vals["target_id"] for vals in vals_list if vals.get("target_id")}
        self._check_plan_draft(self.env["crm.sales.target"].browse(target_ids))
        return super().create(vals_list)

    def write(self, vals):
        self._check_plan_draft(self.target_id)
        if vals.get("target_id"):
            self._check_plan_draft(self.env["crm.sales.target"].browse(vals["target_id"]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self._check_plan_draft(self.target_id)
