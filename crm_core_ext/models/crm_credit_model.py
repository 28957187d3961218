from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class CrmCreditModel(models.Model):
    _name = "crm.credit.model"
    _description = "Credit Rating Model"
    _check_company_auto = True
    _order = "company_id, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    window_days = fields.Integer(
        string="History Window (days)",
        default=365,
        required=True,
        help="Invoices due within this many days before today are used to rate payment behaviour.",
    )
    overdue_cap_days = fields.Integer(
        string="Worst Overdue (days)",
        default=90,
        required=True,
        help="Invoices overdue this long or longer score zero on the overdue-days criterion.",
    )
    weight_on_time = fields.Float(
        string="Weight: Paid On Time", default=50.0, help="Share of invoices of the window paid by their due date."
    )
    weight_overdue_days = fields.Float(
        string="Weight: Days Overdue", default=30.0, help="How late the oldest open invoice is."
    )
    weight_overdue_amount = fields.Float(
        string="Weight: Amount Overdue", default=20.0, help="Share of the open receivable that is overdue."
    )
    level_ids = fields.One2many("crm.credit.model.level", "model_id", string="Credit Ratings", copy=True)
    last_run = fields.Datetime(readonly=True, copy=False)
    last_rated_count = fields.Integer(string="Customers Rated", readonly=True, copy=False)

    @api.constrains("weight_on_time", "weight_overdue_days", "weight_overdue_amount", "window_days", "overdue_cap_days")
    def _check_weights(self):
        for model in self:
            if model.window_days <= 0 or model.overdue_cap_days <= 0:
                raise ValidationError(_("The history window and the worst overdue days must be positive."))
            weights = (model.weight_on_time, model.weight_overdue_days, model.weight_overdue_amount)
            if min(weights) < 0 or not sum(weights):
                raise ValidationError(_("Credit model weights must be zero or positive, and not all zero."))

    @api.constrains("active", "company_id")
    def _check_one_active_per_company(self):
        for model in self.filtered("active"):
            if self.search_count([("company_id", "=", model.company_id.id), ("active", "=", True)]) > 1:
                raise ValidationError(_("Company %s already has an active credit model.", model.company_id.name))

    @api.constrains("level_ids")
    def _check_levels(self):
        for model in self:
            scores = model.level_ids.sorted("min_score", reverse=True).mapped("min_score")
            if len(set(scores)) != len(scores):
                raise ValidationError(_("Two credit ratings of %s have the same minimum score.", model.name))

    def action_compute_ratings(self):
        for model in self:
            model._compute_ratings()
        return True

    @api.model
    def _cron_compute_ratings(self):
        models = self.search([])
        for done, model in enumerate(models, 1):
            model._compute_ratings()
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(models) - done)

    def _compute_ratings(self):
        """Rate every customer of the company in two statements.

        Per commercial partner with receivable history in the window: the share
        of its invoices paid by their due date (last reconciliation date), how
        late its oldest open invoice is and the overdue share of its open
        receivable give a 0-100 score; the rating is the best level whose
        minimum the score reaches. Customers without history lose their rating.
        """
        self.ensure_one()
        if not self.level_ids:
            return 0
        company = self.company_id
        today = fields.Date.context_today(self)
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env["res.partner"].flush_model(["crm_credit_rating_id", "crm_credit_score"])
        total_weight = self.weight_on_time + self.weight_overdue_days + self.weight_overdue_amount
        key = str(company.id)
        self.env.cr.execute(
            SQL(
                """
            WITH lines AS (
                SELECT p.commercial_partner_id AS cp, aml.id, aml.date_maturity, aml.amount_residual, aml.balance,
                       aml.reconciled
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND acc.account_type = 'asset_receivable'
                   AND aml.balance > 0
                   AND (aml.reconciled IS NOT TRUE OR aml.date_maturity >= %(start)s)
            ), paid AS (
                SELECT l.id, MAX(apr.max_date) AS paid_on
                  FROM lines l JOIN account_partial_reconcile apr ON apr.debit_move_id = l.id
                 WHERE l.reconciled
              GROUP BY l.id
            ), stats AS (
                SELECT l.cp,
                       COUNT(*) FILTER (WHERE l.date_maturity >= %(start)s
                                          AND l.date_maturity < %(today)s) AS due_count,
                       COUNT(*) FILTER (WHERE l.date_maturity >= %(start)s AND l.date_maturity < %(today)s
                                          AND l.reconciled AND pd.paid_on <= l.date_maturity) AS on_time,
                       SUM(l.amount_residual) FILTER (WHERE NOT l.reconciled) AS open_amount,
                       SUM(l.amount_residual) FILTER (WHERE NOT l.reconciled AND l.date_maturity < %(today)s)
                           AS overdue_amount,
                       MIN(l.date_maturity) FILTER (WHERE NOT l.reconciled AND l.amount_residual > 0
                                                     AND l.date_maturity < %(today)s) AS oldest_due
                  FROM lines l LEFT JOIN paid pd ON pd.id = l.id
              GROUP BY l.cp
            ), scores AS (
                SELECT cp, ROUND((100 * (
                           %(w_on_time)s * CASE WHEN due_count > 0 THEN on_time::numeric / due_count ELSE 1 END
                         + %(w_days)s * (1 - LEAST(COALESCE(%(today)s - oldest_due, 0), %(cap)s)::numeric / %(cap)s)
                         + %(w_amount)s * (1 - CASE WHEN COALESCE(open_amount, 0) > 0
                                                    THEN LEAST(GREATEST(COALESCE(overdue_amount, 0), 0)
                                                               / open_amount, 1)
                                                    ELSE 0 END)
                       ) / %(total)s)::numeric, 1) AS score
                  FROM stats
            ), rated AS (
                SELECT s.cp, s.score,
                       (SELECT lv.id FROM crm_credit_model_level lv
                         WHERE lv.model_id = %(model)s AND lv.min_score <= s.score
                      ORDER BY lv.min_score DESC LIMIT 1) AS level_id
                  FROM scores s
            )
            UPDATE res_partner p
               SET crm_credit_score = COALESCE(p.crm_credit_score, '{}'::jsonb)
                                      || jsonb_build_object(%(key)s, r.score),
                   crm_credit_rating_id = COALESCE(p.crm_credit_rating_id, '{}'::jsonb)
                                          || jsonb_build_object(%(key)s, r.level_id)
              FROM rated r
             WHERE p.id = r.cp
            """,
                company=company.id,
                start=fields.Date.subtract(today, days=self.window_days),
                today=today,
                cap=self.overdue_cap_days,
                w_on_time=self.weight_on_time,
                w_days=self.weight_overdue_days,
                w_amount=self.weight_overdue_amount,
                total=total_weight,
                model=self.id,
                key=key,
            )
        )
        rated = self.env.cr.rowcount
        # Customers rated before but without receivable history now.
        self.env.cr.execute(
            SQL(
                """
            UPDATE res_partner p
               SET crm_credit_score = p.crm_credit_score - %(key)s,
                   crm_credit_rating_id = p.crm_credit_rating_id - %(key)s
             WHERE p.crm_credit_rating_id ? %(key)s
               AND p.crm_credit_rating_id->%(key)s <> 'null'::jsonb
               AND NOT EXISTS (
                    SELECT 1 FROM account_move_line aml
                      JOIN account_account acc ON acc.id = aml.account_id
                      JOIN res_partner c ON c.id = aml.partner_id
                     WHERE c.commercial_partner_id = p.id AND aml.company_id = %(company)s
                       AND aml.parent_state = 'posted' AND acc.account_type = 'asset_receivable'
                       AND aml.balance > 0
                       AND (aml.reconciled IS NOT TRUE OR aml.date_maturity >= %(start)s))
            """,
                key=key,
                company=company.id,
                start=fields.Date.subtract(today, days=self.window_days),
            )
        )
        self.env["res.partner"].invalidate_model(["crm_credit_rating_id", "crm_credit_score"])
        self.write({"last_run": fields.Datetime.now(), "last_rated_count": rated})
        return rated
