from odoo import fields, models, tools
from odoo.tools import SQL


class CrmCreditExposureReport(models.Model):
    """Customers by credit exposure and risk, per company.

    One row per company and commercial partner that has a credit limit, open
    receivables, confirmed orders not invoiced or initial balances. Amounts are
    in the company currency; the limit includes temporary increases in force.
    """

    _name = "crm.credit.exposure.report"
    _description = "Credit Exposure Analysis"
    _auto = False
    _order = "exposure desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    credit_limit = fields.Monetary(readonly=True)
    receivable = fields.Monetary(string="Open Receivables", readonly=True)
    orders = fields.Monetary(string="Orders Not Invoiced", readonly=True)
    initial = fields.Monetary(string="Initial Balance", readonly=True)
    exposure = fields.Monetary(readonly=True)
    available = fields.Monetary(string="Available Credit", readonly=True)
    usage = fields.Float(string="Limit Used (%)", readonly=True, aggregator="avg")
    overdue_amount = fields.Monetary(readonly=True)
    overdue_days = fields.Integer(string="Days Overdue", readonly=True, aggregator="max")
    over_limit = fields.Boolean(readonly=True)
    rating_id = fields.Many2one("crm.credit.model.level", string="Credit Rating", readonly=True)
    risk = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        readonly=True,
        help="High: over the limit or overdue more than 30 days; medium: over 80% of the limit or overdue.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
            WITH amounts AS (
                SELECT p.commercial_partner_id AS partner_id, aml.company_id,
                       aml.amount_residual AS receivable, 0.0 AS orders,
                       CASE WHEN aml.date_maturity < CURRENT_DATE THEN aml.amount_residual ELSE 0 END AS overdue,
                       CASE WHEN aml.date_maturity < CURRENT_DATE AND aml.amount_residual > 0
                            THEN aml.date_maturity END AS due
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.parent_state = 'posted' AND acc.account_type = 'asset_receivable'
                   AND aml.reconciled IS NOT TRUE
             UNION ALL
                -- invoiced = on posted invoices less posted credit notes, as receivables count
                SELECT p.commercial_partner_id, o.company_id, 0.0,
                       l.price_total * GREATEST(l.product_uom_qty - COALESCE(inv.qty, 0), 0) / l.product_uom_qty
                           / COALESCE(NULLIF(o.currency_rate, 0), 1),
                       0.0, NULL
                  FROM sale_order_line l
                  JOIN sale_order o ON o.id = l.order_id
                  JOIN res_partner p ON p.id = o.partner_id
                  JOIN uom_uom lu ON lu.id = l.product_uom
             LEFT JOIN LATERAL (
                    SELECT SUM(CASE WHEN am.move_type = 'out_refund' THEN -aml.quantity ELSE aml.quantity END
                               * COALESCE(lu.factor / NULLIF(au.factor, 0), 1)) AS qty
                      FROM sale_order_line_invoice_rel rel
                      JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                      JOIN account_move am ON am.id = aml.move_id
                 LEFT JOIN uom_uom au ON au.id = aml.product_uom_id
                     WHERE rel.order_line_id = l.id
                       AND am.move_type IN ('out_invoice', 'out_refund') AND am.state = 'posted'
                  ) inv ON TRUE
                 WHERE o.state = 'sale' AND l.display_type IS NULL AND l.is_downpayment IS NOT TRUE
                   AND l.product_uom_qty > 0
             UNION ALL
                SELECT p.id, c.id, 0.0, 0.0, 0.0, NULL
                  FROM res_partner p CROSS JOIN res_company c
                 WHERE p.id = p.commercial_partner_id AND p.active
                   AND (COALESCE((p.credit_limit->>c.id::text)::numeric, 0) > 0
                        OR COALESCE((p.crm_credit_initial_receivable->>c.id::text)::numeric, 0) > 0
                        OR COALESCE((p.crm_credit_initial_advance->>c.id::text)::numeric, 0) > 0)
            ), totals AS (
                SELECT a.partner_id, a.company_id, SUM(a.receivable) AS receivable, SUM(a.orders) AS orders,
                       GREATEST(SUM(a.overdue), 0) AS overdue_amount,
                       COALESCE(CURRENT_DATE - MIN(a.due), 0) AS overdue_days
                  FROM amounts a
              GROUP BY a.partner_id, a.company_id
            ), limits AS (
                SELECT t.*,
                       COALESCE((p.crm_credit_initial_receivable->>t.company_id::text)::numeric, 0)
                     - COALESCE((p.crm_credit_initial_advance->>t.company_id::text)::numeric, 0) AS initial,
                       COALESCE((p.credit_limit->>t.company_id::text)::numeric, dflt.value, 0) AS base_limit,
                       (SELECT SUM(i.amount) FROM crm_credit_limit_increase i
                         WHERE i.partner_id = t.partner_id AND i.company_id = t.company_id AND i.state = 'approved'
                           AND CURRENT_DATE BETWEEN i.date_start AND i.date_end) AS increase,
                       (p.crm_credit_rating_id->>t.company_id::text)::integer AS rating_id,
                       (p.user_id) AS user_id
                  FROM totals t
                  JOIN res_partner p ON p.id = t.partner_id
             LEFT JOIN LATERAL (
                    SELECT d.json_value::numeric AS value
                      FROM ir_default d JOIN ir_model_fields f ON f.id = d.field_id
                     WHERE f.model = 'res.partner' AND f.name = 'credit_limit' AND d.company_id = t.company_id
                       AND d.user_id IS NULL AND d.condition IS NULL
                     LIMIT 1) dflt ON TRUE
            ), final AS (
                SELECT l.*, l.receivable + l.orders + l.initial AS exposure,
                       CASE WHEN l.base_limit > 0 THEN l.base_limit + COALESCE(l.increase, 0) ELSE 0 END AS lim
                  FROM limits l
            )
            SELECT (f.partner_id::bigint * 100000 + f.company_id) AS id,
                   f.partner_id, f.company_id, f.user_id, f.rating_id,
                   f.lim AS credit_limit, f.receivable, f.orders, f.initial, f.exposure,
                   CASE WHEN f.lim > 0 THEN f.lim - f.exposure ELSE 0 END AS available,
                   CASE WHEN f.lim > 0 THEN ROUND(100 * f.exposure / f.lim, 1) ELSE 0 END AS usage,
                   f.overdue_amount, f.overdue_days,
                   (f.lim > 0 AND f.exposure > f.lim) AS over_limit,
                   CASE WHEN (f.lim > 0 AND f.exposure > f.lim) OR f.overdue_days > 30 THEN 'high'
                        WHEN (f.lim > 0 AND f.exposure > 0.8 * f.lim) OR f.overdue_days > 0 THEN 'medium'
                        ELSE 'low' END AS risk
              FROM final f
             WHERE f.receivable <> 0 OR f.orders <> 0 OR f.initial <> 0 OR f.lim > 0
            )
            """,
                table=SQL.identifier(self._table),
            )
        )
