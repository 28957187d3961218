import logging

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# key of the documents waiting for a refresh in the transaction's precommit data
_PENDING = "crm_core_ext.sales_target_facts"
_SCOPES = ("order", "move", "product", "partner", "company")


class CrmSalesTargetFact(models.Model):
    """Sales facts added up per document, day and product category (销售事实):
    what the sales targets' actuals and their analysis read instead of the
    order and invoice lines.

    One row per confirmed sales order or posted customer invoice / credit note
    and product category of its lines, carrying the document's day (orders:
    the order date in the company's time zone), team, salesperson and customer
    (the commercial partner), the summed untaxed amount in the company
    currency, the summed quantity in each product's own unit and the number
    of document lines. A document fixes the day, team, salesperson and
    customer, so these rows are the daily aggregates by those dimensions kept
    apart per document: a document is refreshed on its own (delete and insert
    its rows, set-based), and two users confirming orders of the same company
    on the same day never wait for each other.

    Kept fresh by the ORM: a change of what a fact depends on (an order's
    state, date, team, salesperson, customer or lines; an invoice's state,
    date, team, salesperson, customer or lines once posted; a product's
    category or unit; a customer's company; the company's time zone) marks
    the documents, and they are refreshed at once before the transaction
    commits, or before target actuals are read in the same transaction
    (``_flush_pending``). A nightly job rebuilds everything, which also
    repairs changes made outside the ORM.
    """

    _name = "crm.sales.target.fact"
    _description = "Sales Target Fact"
    _order = "date desc, id desc"
    _log_access = False
    _rec_name = "date"

    kind = fields.Selection(
        [("order", "Ordered"), ("invoice", "Invoiced")], string="Type", required=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True, ondelete="cascade")
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True, ondelete="cascade")
    amount = fields.Monetary(readonly=True, help="Untaxed, in the company currency; credit notes count negative.")
    qty = fields.Float(string="Quantity", readonly=True, digits="Product Unit of Measure")
    line_count = fields.Integer(string="Document Lines", readonly=True)

    def init(self):
        cr = self.env.cr
        # the actuals join each target line to the facts of its dimensions
        # and period: the whole company, or the most selective dimension set
        tools.create_index(cr, "crm_sales_target_fact_kind_date_idx", self._table, ["company_id", "kind", "date"])
        for fname in ("partner_id", "user_id", "team_id", "categ_id"):
            tools.create_index(
                cr,
                f"crm_sales_target_fact_{fname[:-3]}_idx",
                self._table,
                [fname, "kind", "date"],
                where=f"{fname} IS NOT NULL",
            )
        tools.create_index(
            cr, "crm_sales_target_fact_order_idx", self._table, ["order_id"], where="order_id IS NOT NULL"
        )
        tools.create_index(cr, "crm_sales_target_fact_move_idx", self._table, ["move_id"], where="move_id IS NOT NULL")
        cr.execute(SQL("SELECT 1 FROM %s LIMIT 1", SQL.identifier(self._table)))
        if not cr.fetchone():
            # new table (install, or update from a version without it): fill it
            self._rebuild()

    # ------------------------------------------------------------------
    # Marking what changed
    # ------------------------------------------------------------------

    @api.model
    def _mark(self, scope, ids):
        """Refresh the facts of these records before the transaction commits
        (or before actuals are read): ``scope`` is 'order' (sale.order ids),
        'move' (account.move ids), 'product' (product.product ids: every
        document with the product), 'partner' (res.partner ids: every document
        of the partner) or 'company' (res.company ids: every order, dated in
        the company's time zone)."""
        ids = [id_ for id_ in ids if id_]
        if not ids:
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.get(_PENDING)
        if pending is None:
            pending = precommit.data[_PENDING] = {scope_: set() for scope_ in _SCOPES}
            precommit.add(self.sudo()._flush_pending)
        pending[scope].update(ids)

    @api.model
    def _flush_pending(self):
        """Refresh the documents marked in this transaction (no query when
        none is)."""
        data = self.env.cr.precommit.data
        while data.get(_PENDING):
            pending = data.pop(_PENDING)
            if not any(pending.values()):
                continue
            self.env.flush_all()
            order_ids, move_ids = set(pending["order"]), set(pending["move"])
            cr = self.env.cr
            if pending["product"] or pending["partner"]:
                cr.execute(
                    SQL(
                        """
                    SELECT ARRAY(SELECT DISTINCT order_id FROM sale_order_line
                                  WHERE product_id = ANY(%(products)s)
                                  UNION
                                 SELECT id FROM sale_order WHERE partner_id = ANY(%(partners)s)),
                           ARRAY(SELECT DISTINCT move_id FROM account_move_line
                                  WHERE product_id = ANY(%(products)s) AND display_type = 'product'
                                  UNION
                                 SELECT id FROM account_move
                                  WHERE partner_id = ANY(%(partners)s) OR commercial_partner_id = ANY(%(partners)s))
                        """,
                        products=sorted(pending["product"]),
                        partners=sorted(pending["partner"]),
                    )
                )
                orders, moves = cr.fetchone()
                order_ids.update(orders)
                move_ids.update(moves)
            if pending["company"]:
                self._refresh_sql("order", SQL("o.company_id = ANY(%s)", sorted(pending["company"])))
            if order_ids:
                self._refresh_sql("order", SQL("o.id = ANY(%s)", sorted(order_ids)))
            if move_ids:
                self._refresh_sql("invoice", SQL("m.id = ANY(%s)", sorted(move_ids)))
            self.invalidate_model()

    # ------------------------------------------------------------------
    # Filling, set-based
    # ------------------------------------------------------------------

    @api.model
    def _refresh_sql(self, kind, where):
        """Replace the facts of the documents of ``kind`` ('order' or
        'invoice') selected by ``where`` (on ``o``, the sale order, or ``m``,
        the account move) by their current value: one statement whatever the
        number of documents and lines."""
        product_joins = SQL(
            """
         LEFT JOIN product_product pp ON pp.id = x.product_id
         LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN uom_uom lu ON lu.id = x.uom_id
         LEFT JOIN uom_uom pu ON pu.id = pt.uom_id
            """
        )
        if kind == "order":
            query = SQL(
                """
            WITH docs AS MATERIALIZED (
                SELECT o.id FROM sale_order o WHERE %(where)s
            ), gone AS (
                DELETE FROM crm_sales_target_fact f USING docs d WHERE f.order_id = d.id
            )
            INSERT INTO crm_sales_target_fact
                   (kind, company_id, date, team_id, user_id, partner_id, categ_id, order_id, amount, qty, line_count)
            SELECT 'order', x.company_id, x.date, x.team_id, x.user_id, x.partner_id, pt.categ_id, x.order_id,
                   SUM(x.subtotal / COALESCE(NULLIF(x.currency_rate, 0), 1)),
                   SUM(x.quantity / COALESCE(NULLIF(lu.factor, 0), 1) * COALESCE(pu.factor, 1)),
                   COUNT(*)
              FROM (
                SELECT o.company_id,
                       ((o.date_order AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(NULLIF(cp.tz, ''), 'UTC'))::date
                           AS date,
                       o.team_id, o.user_id, op.commercial_partner_id AS partner_id, o.id AS order_id,
                       sol.product_id, sol.product_uom AS uom_id, sol.price_subtotal AS subtotal, o.currency_rate,
                       sol.product_uom_qty AS quantity
                  FROM docs d
                  JOIN sale_order o ON o.id = d.id AND o.state = 'sale'
                  JOIN res_company co ON co.id = o.company_id
                  JOIN res_partner cp ON cp.id = co.partner_id
                  JOIN res_partner op ON op.id = o.partner_id
                  JOIN sale_order_line sol ON sol.order_id = o.id
                 WHERE sol.display_type IS NULL AND sol.is_downpayment IS NOT TRUE
              ) x
            %(product_joins)s
          GROUP BY x.company_id, x.date, x.team_id, x.user_id, x.partner_id, pt.categ_id, x.order_id
                """,
                where=where,
                product_joins=product_joins,
            )
        else:
            query = SQL(
                """
            WITH docs AS MATERIALIZED (
                SELECT m.id FROM account_move m WHERE %(where)s
            ), gone AS (
                DELETE FROM crm_sales_target_fact f USING docs d WHERE f.move_id = d.id
            )
            INSERT INTO crm_sales_target_fact
                   (kind, company_id, date, team_id, user_id, partner_id, categ_id, move_id, amount, qty, line_count)
            SELECT 'invoice', x.company_id, x.date, x.team_id, x.user_id, x.partner_id, pt.categ_id, x.move_id,
                   SUM(x.amount),
                   SUM(x.sign * x.quantity / COALESCE(NULLIF(lu.factor, 0), 1) * COALESCE(pu.factor, 1)),
                   COUNT(*)
              FROM (
                SELECT m.company_id, m.invoice_date AS date, m.team_id, m.invoice_user_id AS user_id,
                       m.commercial_partner_id AS partner_id, m.id AS move_id, aml.product_id,
                       aml.product_uom_id AS uom_id, -aml.balance AS amount, aml.quantity,
                       CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign
                  FROM docs d
                  JOIN account_move m ON m.id = d.id AND m.state = 'posted'
                                     AND m.move_type IN ('out_invoice', 'out_refund')
                                     AND m.invoice_date IS NOT NULL
                  JOIN account_move_line aml ON aml.move_id = m.id AND aml.display_type = 'product'
              ) x
            %(product_joins)s
          GROUP BY x.company_id, x.date, x.team_id, x.user_id, x.partner_id, pt.categ_id, x.move_id
                """,
                where=where,
                product_joins=product_joins,
            )
        self.env.cr.execute(query)

    @api.model
    def _rebuild(self, company_ids=None):
        """Recompute every fact (of these companies), set-based: one
        statement per kind of document."""
        self.env.flush_all()
        if company_ids is None:
            self.env.cr.execute(SQL("TRUNCATE %s", SQL.identifier(self._table)))
            where_order, where_move = SQL("TRUE"), SQL("m.move_type IN ('out_invoice', 'out_refund')")
        else:
            # documents that left these companies keep their own (refreshed) facts
            self.env.cr.execute(
                SQL(
                    "DELETE FROM crm_sales_target_fact WHERE company_id = ANY(%s)",
                    list(company_ids),
                )
            )
            where_order = SQL("o.company_id = ANY(%s)", list(company_ids))
            where_move = SQL(
                "m.company_id = ANY(%s) AND m.move_type IN ('out_invoice', 'out_refund')", list(company_ids)
            )
        self._refresh_sql("order", where_order)
        self._refresh_sql("invoice", where_move)
        # fresh statistics for the planner of the actuals' joins
        self.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(self._table)))
        self.invalidate_model()

    @api.model
    def action_rebuild(self):
        """Rebuild the facts of the user's active companies (sales
        administrators only)."""
        if not self.env.user.has_group("crm_core_ext.crm_core_ext_group_manager"):
            raise AccessError(_("Only sales administrators can rebuild the sales facts."))
        self.sudo()._rebuild(self.env.companies.ids)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_rebuild(self):
        """Nightly: rebuild the facts company by company (repairs what was
        changed outside the ORM, such as SQL imports)."""
        companies = self.env["res.company"].sudo().search([])
        for done, company in enumerate(companies, start=1):
            self._rebuild(company.ids)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(companies) - done)
        _logger.info("Sales target facts rebuilt for %s companies", len(companies))
