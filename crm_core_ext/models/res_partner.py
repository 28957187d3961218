from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, format_date, formatLang

# Computed credit situation shown on the partner (see _compute_crm_credit).
CREDIT_STATUS_FIELDS = [
    "crm_credit_limit",
    "crm_credit_temporary_increase",
    "crm_credit_open_receivable",
    "crm_credit_open_orders",
    "crm_credit_exposure",
    "crm_credit_available",
    "crm_credit_overdue_amount",
    "crm_credit_overdue_days",
]
# Fields only a credit manager may set: limits, periods and migrated balances.
CREDIT_MANAGER_FIELDS = {
    "credit_limit",
    "crm_credit_limit",
    "crm_credit_period_days",
    "crm_credit_initial_receivable",
    "crm_credit_initial_advance",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Company-dependent, like the host's credit_limit: each company keeps its own.
    crm_credit_period_days = fields.Integer(
        string="Credit Period (days)",
        company_dependent=True,
        help="Maximum number of days an invoice may be overdue before new orders are refused. "
        "Leave empty to not check overdue invoices.",
    )
    crm_credit_initial_receivable = fields.Float(
        string="Initial Receivable",
        company_dependent=True,
        digits="Account",
        help="Receivable balance carried over from the previous system (应收初值); counts in the exposure.",
    )
    crm_credit_initial_advance = fields.Float(
        string="Initial Advance",
        company_dependent=True,
        digits="Account",
        help="Advance received in the previous system (预收初值); reduces the exposure.",
    )
    crm_credit_rating_id = fields.Many2one(
        "crm.credit.model.level",
        string="Credit Rating",
        company_dependent=True,
        readonly=True,
        help="Computed by the company's credit model from payment behaviour and overdue history.",
    )
    crm_credit_score = fields.Float(string="Credit Score", company_dependent=True, readonly=True, digits=(5, 1))

    # Readable by every user of the suite (the host's credit_limit is for accountants only).
    crm_credit_limit = fields.Float(
        string="Customer Credit Limit",
        compute="_compute_crm_credit",
        inverse="_inverse_crm_credit_limit",
        compute_sudo=True,
        digits="Account",
        help="Credit limit of the customer in this company (0 means no limit).",
    )
    crm_credit_temporary_increase = fields.Float(
        string="Temporary Increase", compute="_compute_crm_credit", compute_sudo=True, digits="Account"
    )
    crm_credit_open_receivable = fields.Float(
        string="Open Receivables", compute="_compute_crm_credit", compute_sudo=True, digits="Account"
    )
    crm_credit_open_orders = fields.Float(
        string="Orders Not Invoiced", compute="_compute_crm_credit", compute_sudo=True, digits="Account"
    )
    crm_credit_exposure = fields.Float(
        string="Credit Exposure",
        compute="_compute_crm_credit",
        compute_sudo=True,
        digits="Account",
        help="Open receivables + confirmed orders not yet invoiced + initial receivable - initial advance.",
    )
    crm_credit_available = fields.Float(
        string="Available Credit", compute="_compute_crm_credit", compute_sudo=True, digits="Account"
    )
    crm_credit_overdue_amount = fields.Float(
        string="Overdue Amount", compute="_compute_crm_credit", compute_sudo=True, digits="Account"
    )
    crm_credit_overdue_days = fields.Integer(string="Days Overdue", compute="_compute_crm_credit", compute_sudo=True)
    crm_credit_currency_id = fields.Many2one(
        "res.currency", compute="_compute_crm_credit_currency_id", string="Credit Currency"
    )

    crm_credit_is_manager = fields.Boolean(compute="_compute_crm_credit_is_manager")

    @api.depends_context("company")
    def _compute_crm_credit_currency_id(self):
        self.crm_credit_currency_id = self.env.company.currency_id

    @api.depends_context("uid")
    def _compute_crm_credit_is_manager(self):
        self.crm_credit_is_manager = self.env.user.has_group("crm_core_ext.crm_core_ext_group_credit_manager")

    @api.depends_context("company")
    def _compute_crm_credit(self):
        company = self.env.company
        partners = self.filtered("id")
        (self - partners).update(dict.fromkeys(CREDIT_STATUS_FIELDS, 0))
        if not partners:
            return
        status = partners.commercial_partner_id._crm_credit_status(company)
        for partner in partners:
            info = status[partner.commercial_partner_id.id]
            partner.update(
                {
                    "crm_credit_limit": info["base_limit"],
                    "crm_credit_temporary_increase": info["increase"],
                    "crm_credit_open_receivable": info["receivable"],
                    "crm_credit_open_orders": info["orders"],
                    "crm_credit_exposure": info["exposure"],
                    "crm_credit_available": info["limit"] - info["exposure"] if info["limit"] else 0.0,
                    "crm_credit_overdue_amount": info["overdue_amount"],
                    "crm_credit_overdue_days": info["overdue_days"],
                }
            )

    def _inverse_crm_credit_limit(self):
        for partner in self:
            partner.commercial_partner_id.sudo().credit_limit = partner.crm_credit_limit

    @api.constrains(
        "credit_limit", "crm_credit_period_days", "crm_credit_initial_receivable", "crm_credit_initial_advance"
    )
    def _check_crm_credit_values(self):
        for partner in self.sudo():
            if partner.credit_limit < 0:
                raise ValidationError(_("The credit limit of %s cannot be negative.", partner.display_name))
            if partner.crm_credit_period_days < 0:
                raise ValidationError(_("The credit period of %s cannot be negative.", partner.display_name))
            if partner.crm_credit_initial_receivable < 0 or partner.crm_credit_initial_advance < 0:
                raise ValidationError(
                    _(
                        "Initial balances of %s cannot be negative: enter a receivable or an advance.",
                        partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # empty credit values (defaults, blank import columns) need no right
            self._check_crm_credit_write_access({fname: value for fname, value in vals.items() if value})
        return super().create(vals_list)

    def write(self, vals):
        self._check_crm_credit_write_access(vals)
        return super().write(vals)

    @api.model
    def _check_crm_credit_write_access(self, vals):
        if self.env.su or not CREDIT_MANAGER_FIELDS.intersection(vals):
            return
        if not self.env.user.has_group("crm_core_ext.crm_core_ext_group_credit_manager"):
            raise AccessError(_("Only credit managers can change credit limits, credit periods and initial balances."))

    # ------------------------------------------------------------------
    # Credit engine
    # ------------------------------------------------------------------

    def _crm_credit_status(self, company, exclude_orders=None, posting_moves=None):
        """Credit situation of commercial partners ``self`` in ``company``.

        Two queries whatever the number of partners, invoices and orders: one
        reads the partners' company-dependent values, one aggregates receivables,
        overdue invoices, confirmed orders not invoiced and temporary increases.
        Amounts are in the company currency.

        An order line counts as invoiced only for the quantity on posted
        invoices (less posted credit notes), as receivables count only posted
        entries: the host's ``qty_invoiced`` also counts draft invoices, which
        would take the order out of the exposure before its invoice is in it.

        :param exclude_orders: sale orders left out of "orders not invoiced"
            (the ones being confirmed, counted separately by the caller)
        :param posting_moves: draft invoices about to be posted, whose quantities
            count as invoiced (their amounts are added by the caller)
        :return: {partner_id: dict(limit, base_limit, increase, receivable, orders,
            initial, exposure, overdue_amount, overdue_days, overdue_invoice, period,
            paid)}; ``paid`` maps each of ``exclude_orders`` to what the customer
            paid on it online and the receivables do not show yet: a transaction
            authorized or done is money received (sale confirms the order on it),
            until the journal entry of its payment is posted and lowers the
            receivables instead
        """
        partners = self.with_company(company).sudo()
        today = fields.Date.context_today(partners)
        self.env["account.move.line"].flush_model(
            ["amount_residual", "reconciled", "parent_state", "partner_id", "company_id", "date_maturity", "move_name"]
        )
        self.env["sale.order"].flush_model(["state", "partner_id", "company_id", "currency_rate"])
        self.env["sale.order.line"].flush_model(
            ["price_total", "product_uom_qty", "product_uom", "display_type", "is_downpayment", "order_id"]
        )
        self.env["sale.order.line"].flush_model(["invoice_lines"])
        self.env["account.move.line"].flush_model(["quantity", "product_uom_id", "move_id"])
        self.env["account.move"].flush_model(["state", "move_type"])
        self.env["uom.uom"].flush_model(["factor"])
        self.env["sale.order"].flush_model(["transaction_ids"])
        self.env["payment.transaction"].flush_model(["state", "amount", "payment_id"])
        self.env["account.payment"].flush_model(["move_id"])
        self.env["crm.credit.limit.increase"].flush_model(
            ["partner_id", "company_id", "state", "date_start", "date_end"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """
            WITH members AS (
                SELECT id, commercial_partner_id AS cp FROM res_partner WHERE commercial_partner_id IN %(partners)s
            ), receivable AS (
                SELECT m.cp,
                       SUM(aml.amount_residual) AS amount,
                       SUM(aml.amount_residual) FILTER (WHERE aml.date_maturity < %(today)s) AS overdue,
                       MIN(aml.date_maturity) FILTER (WHERE aml.amount_residual > 0 AND aml.date_maturity < %(today)s)
                           AS oldest_due,
                       -- no aml.id here: the covering index answers the sum alone
                       (ARRAY_AGG(aml.move_name ORDER BY aml.date_maturity, aml.move_name)
                           FILTER (WHERE aml.amount_residual > 0 AND aml.date_maturity < %(today)s))[1]
                           AS oldest_invoice
                  FROM account_move_line aml
                  JOIN members m ON m.id = aml.partner_id
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND acc.account_type = 'asset_receivable'
                   AND aml.reconciled IS NOT TRUE
              GROUP BY m.cp
            ), orders AS (
                SELECT m.cp,
                       SUM(l.price_total * GREATEST(l.product_uom_qty - COALESCE(inv.qty, 0), 0) / l.product_uom_qty
                           / COALESCE(NULLIF(o.currency_rate, 0), 1)) AS amount
                  FROM sale_order o
                  JOIN members m ON m.id = o.partner_id
                  JOIN sale_order_line l ON l.order_id = o.id
                  JOIN uom_uom lu ON lu.id = l.product_uom
             LEFT JOIN LATERAL (
                    -- quantity on posted invoices less posted credit notes, in the line's unit
                    SELECT SUM(CASE WHEN am.move_type = 'out_refund' THEN -aml.quantity ELSE aml.quantity END
                               * COALESCE(lu.factor / NULLIF(au.factor, 0), 1)) AS qty
                      FROM sale_order_line_invoice_rel rel
                      JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                      JOIN account_move am ON am.id = aml.move_id
                 LEFT JOIN uom_uom au ON au.id = aml.product_uom_id
                     WHERE rel.order_line_id = l.id
                       AND am.move_type IN ('out_invoice', 'out_refund')
                       AND (am.state = 'posted' OR am.id IN %(posting)s)
                  ) inv ON TRUE
                 WHERE o.company_id = %(company)s
                   AND o.state = 'sale'
                   AND o.id NOT IN %(exclude)s
                   AND l.display_type IS NULL
                   AND l.is_downpayment IS NOT TRUE
                   AND l.product_uom_qty > 0
              GROUP BY m.cp
            ), increase AS (
                SELECT partner_id AS cp, SUM(amount) AS amount
                  FROM crm_credit_limit_increase
                 WHERE partner_id IN %(partners)s
                   AND company_id = %(company)s
                   AND state = 'approved'
                   AND date_start <= %(today)s AND date_end >= %(today)s
              GROUP BY partner_id
            ), paid AS (
                SELECT o.id, SUM(tx.amount) / COALESCE(NULLIF(o.currency_rate, 0), 1) AS amount
                  FROM sale_order o
                  JOIN sale_order_transaction_rel rel ON rel.sale_order_id = o.id
                  JOIN payment_transaction tx ON tx.id = rel.transaction_id
                 WHERE o.id IN %(exclude)s
                   AND tx.state IN ('authorized', 'done')
                   AND NOT EXISTS (
                        SELECT 1
                          FROM account_payment pay
                          JOIN account_move pm ON pm.id = pay.move_id
                         WHERE pay.id = tx.payment_id AND pm.state = 'posted')
              GROUP BY o.id, o.currency_rate
            )
            SELECT p.id, r.amount, r.overdue, r.oldest_due, o.amount, i.amount, r.oldest_invoice,
                   (SELECT JSON_OBJECT_AGG(paid.id, paid.amount) FROM paid)
              FROM res_partner p
         LEFT JOIN receivable r ON r.cp = p.id
         LEFT JOIN orders o ON o.cp = p.id
         LEFT JOIN increase i ON i.cp = p.id
             WHERE p.id IN %(partners)s
            """,
                partners=tuple(partners.ids),
                company=company.id,
                today=today,
                exclude=tuple(exclude_orders.ids) if exclude_orders else (0,),
                posting=tuple(posting_moves.ids) if posting_moves else (0,),
            )
        )
        result = {}
        for pid, receivable, overdue, oldest_due, orders, increase, overdue_invoice, paid in rows:
            partner = partners.browse(pid)
            initial = partner.crm_credit_initial_receivable - partner.crm_credit_initial_advance
            exposure = (receivable or 0.0) + (orders or 0.0) + initial
            base_limit = partner.credit_limit
            overdue_days = (today - oldest_due).days if oldest_due else 0
            result[pid] = {
                "base_limit": base_limit,
                "increase": increase or 0.0,
                "limit": base_limit + (increase or 0.0) if base_limit else 0.0,
                "receivable": receivable or 0.0,
                "orders": orders or 0.0,
                "initial": initial,
                "exposure": exposure,
                "overdue_amount": max(overdue or 0.0, 0.0),
                "overdue_days": overdue_days,
                "overdue_invoice": overdue_invoice,
                "oldest_due": oldest_due,
                "period": partner.crm_credit_period_days,
                "paid": {int(order_id): amount for order_id, amount in (paid or {}).items()},
            }
        return result

    def _crm_credit_lock(self):
        """Serialise credit decisions per customer.

        Updating the commercial partners' rows (not just locking them) makes a
        concurrent transaction that already took its snapshot fail with a
        serialization error when it reaches the same rows, and Odoo retries it:
        on the retry it sees the order confirmed here and counts it.
        """
        if self:
            self.env.cr.execute(
                SQL("UPDATE res_partner SET write_date = write_date WHERE id IN %s", tuple(sorted(self.ids)))
            )

    def _crm_credit_problems(self, company, info, amount, document):
        """Messages saying why ``amount`` more would break the customer's credit, or []."""
        self.ensure_one()
        problems = []
        currency = company.currency_id
        if info["limit"] and info["exposure"] + amount > info["limit"] + currency.rounding / 2:
            problems.append(
                _(
                    "%(partner)s would exceed its credit limit: limit %(limit)s, current exposure %(exposure)s "
                    "(open receivables %(receivable)s, orders not invoiced %(orders)s, initial balance %(initial)s), "
                    "%(document)s %(amount)s, total %(total)s.",
                    partner=self.display_name,
                    limit=formatLang(self.env, info["limit"], currency_obj=currency),
                    exposure=formatLang(self.env, info["exposure"], currency_obj=currency),
                    receivable=formatLang(self.env, info["receivable"], currency_obj=currency),
                    orders=formatLang(self.env, info["orders"], currency_obj=currency),
                    initial=formatLang(self.env, info["initial"], currency_obj=currency),
                    document=document,
                    amount=formatLang(self.env, amount, currency_obj=currency),
                    total=formatLang(self.env, info["exposure"] + amount, currency_obj=currency),
                )
            )
        if info["period"] and info["overdue_days"] > info["period"]:
            problems.append(
                _(
                    "%(partner)s has invoice %(invoice)s overdue by %(days)s days (due %(due)s), "
                    "more than its credit period of %(period)s days.",
                    partner=self.display_name,
                    invoice=info["overdue_invoice"] or "",
                    days=info["overdue_days"],
                    due=format_date(self.env, info["oldest_due"]),
                    period=info["period"],
                )
            )
        return problems
