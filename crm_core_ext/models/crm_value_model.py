import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, create_index

_logger = logging.getLogger(__name__)

_VALUE_FIELDS = ["crm_value_level_id", "crm_value_score", "crm_value_date"]


class CrmValueModel(models.Model):
    """Customer value model of a company (RFM: recency, frequency, monetary).

    Data source: posted customer invoices and credit notes of the company whose
    invoice date lies within the last ``window_days`` days (the reference date
    included), grouped by commercial partner:

    * recency   = days since the last invoice (credit notes do not count);
    * frequency = number of invoices minus number of credit notes (>= 0);
    * monetary  = sum of ``amount_untaxed_signed`` (company currency, credit
      notes negative).

    Only customers with at least one invoice in the window are scored. Each
    measure is normalised to 0..1 with ``PERCENT_RANK()`` over the scored
    customers (the best value gets 1, the worst 0; a sole customer gets 1) and
    the score is ``100 * (wr*R + wf*F + wm*M) / (wr + wf + wm)``, rounded to
    two decimals.

    Levels:

    * method 'score': the first level (by sequence) whose minimum score the
      customer reaches; a score below the last level's minimum gives no level.
    * method 'share': customers sorted by monetary value (best first); a
      customer belongs to the level in which its revenue *starts* on the
      cumulative revenue curve (so the best customer is always in the first
      level). When the shares add up to 100 % the last level takes every
      remaining customer, including those with a net credit.

    Customers that had a level but have no invoice in the window any more lose
    their level and score (a history row with an empty level records it).
    """

    _name = "crm.value.model"
    _description = "Customer Value Model"
    _order = "company_id, active desc, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True)
    window_days = fields.Integer(
        string="Window (days)",
        default=365,
        required=True,
        help="Posted invoices and credit notes dated within this many days before the "
        "computation date are taken into account.",
    )
    weight_recency = fields.Float(string="Recency Weight", default=1.0, digits=(16, 2))
    weight_frequency = fields.Float(string="Frequency Weight", default=1.0, digits=(16, 2))
    weight_monetary = fields.Float(string="Monetary Weight", default=1.0, digits=(16, 2))
    method = fields.Selection(
        [
            ("score", "Thresholds on the score (0-100)"),
            ("share", "Cumulative share of revenue"),
        ],
        string="Level Method",
        default="score",
        required=True,
    )
    level_ids = fields.One2many("crm.value.level", "model_id", string="Levels", copy=True)
    last_run = fields.Datetime(string="Last Computation", readonly=True, copy=False)
    last_run_customer_count = fields.Integer(string="Customers Scored", readonly=True, copy=False)
    last_run_removed_count = fields.Integer(
        string="Customers Removed",
        readonly=True,
        copy=False,
        help="Customers that had a level and no invoice in the window at the last computation.",
    )
    last_run_duration = fields.Float(string="Duration (s)", readonly=True, copy=False, digits=(16, 2))
    currency_id = fields.Many2one(related="company_id.currency_id")

    _sql_constraints = [
        ("window_days_positive", "CHECK(window_days > 0)", "The window of a value model must be at least one day."),
        # holds under concurrent transactions too; the RPC layer shows the message
        (
            "company_active_uniq",
            "EXCLUDE (company_id WITH =) WHERE (active)",
            "A company can have only one active value model.",
        ),
    ]

    def init(self):
        res = super().init()
        # The recompute aggregates posted customer invoices of one company in a
        # date window: a partial covering index makes it an index-only scan.
        create_index(
            self.env.cr,
            indexname="account_move_crm_value_idx",
            tablename="account_move",
            expressions=["company_id", "invoice_date", "commercial_partner_id", "move_type", "amount_untaxed_signed"],
            where="state = 'posted' AND move_type IN ('out_invoice', 'out_refund')",
        )
        return res

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("weight_recency", "weight_frequency", "weight_monetary")
    def _check_weights(self):
        for model in self:
            weights = (model.weight_recency, model.weight_frequency, model.weight_monetary)
            if any(w < 0 for w in weights):
                raise ValidationError(_("Value model %s: weights cannot be negative.", model.display_name))
            if not any(weights):
                raise ValidationError(_("Value model %s: at least one weight must be positive.", model.display_name))

    @api.constrains("method", "level_ids")
    def _check_levels(self):
        for model in self:
            levels = model.level_ids.sorted(lambda level: (level.sequence, level.id))
            if not levels:
                raise ValidationError(_("Value model %s needs at least one level.", model.display_name))
            codes = [level.code.strip().upper() for level in levels]
            duplicates = sorted({code for code in codes if codes.count(code) > 1})
            if duplicates:
                raise ValidationError(
                    _(
                        "Value model %(model)s: level codes must be unique (duplicated: %(codes)s).",
                        model=model.display_name,
                        codes=", ".join(duplicates),
                    )
                )
            if model.method == "score":
                previous = None
                for level in levels:
                    if not 0 <= level.min_score <= 100:
                        raise ValidationError(
                            _(
                                "Value model %(model)s: the minimum score of level %(level)s "
                                "must be between 0 and 100.",
                                model=model.display_name,
                                level=level.code,
                            )
                        )
                    if previous is not None and level.min_score >= previous.min_score:
                        raise ValidationError(
                            _(
                                "Value model %(model)s: minimum scores must strictly decrease from the best level "
                                "to the last one, but level %(level)s (%(score)s) is not below level "
                                "%(previous)s (%(previous_score)s).",
                                model=model.display_name,
                                level=level.code,
                                score=level.min_score,
                                previous=previous.code,
                                previous_score=previous.min_score,
                            )
                        )
                    previous = level
            else:
                total = 0.0
                for level in levels:
                    if not 0 < level.revenue_share <= 100:
                        raise ValidationError(
                            _(
                                "Value model %(model)s: the revenue share of level %(level)s must be above 0 "
                                "and at most 100%%.",
                                model=model.display_name,
                                level=level.code,
                            )
                        )
                    total += level.revenue_share
                if round(total, 2) > 100:
                    raise ValidationError(
                        _(
                            "Value model %(model)s: the revenue shares of the levels add up to %(total)s%%, "
                            "more than 100%%.",
                            model=model.display_name,
                            total=round(total, 2),
                        )
                    )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_recompute(self):
        self.ensure_one()
        # The computation writes in SQL: check the user's right first.
        self.check_access("write")
        self._recompute()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Customer values recomputed"),
                "message": _(
                    "%(count)s customers scored, %(removed)s removed from the pyramid.",
                    count=self.last_run_customer_count,
                    removed=self.last_run_removed_count,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_pyramid(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_value_pyramid_action")
        action["context"] = {"search_default_group_by_value_level": 1}
        return action

    def action_view_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_value_history_action")
        action["domain"] = [("model_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _cron_recompute(self, batch_size=5):
        """Recompute the active models that have not run today, a few per call.

        Each model is one company's whole customer base, computed in a single
        set-based statement; the cron is called again at once while models
        remain (``_notify_progress``).
        """
        today_start = fields.Datetime.to_datetime(fields.Date.context_today(self))
        due_domain = ["|", ("last_run", "=", False), ("last_run", "<", today_start)]
        due = self.sudo().with_context(active_test=True).search(due_domain, order="last_run asc nulls first, id")
        # Models being recomputed by another worker (button, second cron
        # worker) are skipped, not waited for.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM crm_value_model WHERE id IN %s ORDER BY id FOR NO KEY UPDATE SKIP LOCKED",
                tuple(due[:batch_size].ids) or (0,),
            )
        )
        locked = {row[0] for row in self.env.cr.fetchall()}
        batch = due[:batch_size].filtered(lambda model: model.id in locked)
        for model in batch:
            model.with_company(model.company_id).with_context(crm_value_locked=True)._recompute()
        remaining = len(due) - len(due[:batch_size])
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)

    def _recompute(self, date=None):
        """Score all customers of each model's company in one SQL statement.

        :param date: reference date (default: today in the user's timezone)
        :return: dict model id -> (customers scored, customers removed)
        """
        result = {}
        date_to = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        # Make pending ORM changes visible to SQL.
        self.env["account.move"].flush_model(
            [
                "company_id",
                "state",
                "move_type",
                "invoice_date",
                "commercial_partner_id",
                "amount_untaxed_signed",
            ]
        )
        self.env["res.partner"].flush_model(_VALUE_FIELDS)
        self.env["crm.value.level"].flush_model()
        self.flush_model()
        for model in self:
            start = fields.Datetime.now()
            if not self.env.context.get("crm_value_locked"):
                model._lock_for_recompute()
            self.env.cr.execute(model._get_recompute_query(date_to))
            scored, removed = self.env.cr.fetchone()
            model.write(
                {
                    "last_run": fields.Datetime.now(),
                    "last_run_customer_count": scored,
                    "last_run_removed_count": removed,
                    "last_run_duration": (fields.Datetime.now() - start).total_seconds(),
                }
            )
            result[model.id] = (scored, removed)
            _logger.info(
                "Value model %s (company %s): %s customers scored, %s removed",
                model.id,
                model.company_id.id,
                scored,
                removed,
            )
        self.env["res.partner"].invalidate_model(_VALUE_FIELDS)
        self.env["crm.value.level"].invalidate_model(["customer_count"])
        self.env["crm.value.history"].invalidate_model()
        return result

    def _lock_for_recompute(self):
        """Lock the model's row so that two workers never recompute it at once."""
        self.ensure_one()
        self.env.cr.execute(SQL("SELECT id FROM crm_value_model WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", self.id))
        if not self.env.cr.rowcount:
            raise UserError(
                _("The value model %s is being recomputed by another job; try again in a minute.", self.display_name)
            )

    def _get_recompute_query(self, date_to):
        """The statement that scores, levels, historises and updates partners."""
        self.ensure_one()
        date_from = date_to - timedelta(days=self.window_days)
        key = str(self.company_id.id)
        weight_sum = self.weight_recency + self.weight_frequency + self.weight_monetary
        if self.method == "score":
            level_join = SQL("s.score >= l.min_score AND (l.max_score IS NULL OR s.score < l.max_score)")
        else:
            level_join = SQL("s.start_share >= l.share_from AND (s.start_share < l.share_to OR l.catch_all)")

        def prank(expr):
            return SQL(
                "CASE WHEN COUNT(*) OVER () = 1 THEN 1.0 ELSE PERCENT_RANK() OVER (ORDER BY %s) END",
                expr,
            )

        return SQL(
            """
WITH agg AS (
    SELECT m.commercial_partner_id AS partner_id,
           MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS last_date,
           GREATEST(COUNT(*) FILTER (WHERE m.move_type = 'out_invoice')
                    - COUNT(*) FILTER (WHERE m.move_type = 'out_refund'), 0) AS frequency,
           COALESCE(SUM(m.amount_untaxed_signed), 0) AS monetary
      FROM account_move m
     WHERE m.company_id = %(company)s
       AND m.state = 'posted'
       AND m.move_type IN ('out_invoice', 'out_refund')
       AND m.invoice_date > %(date_from)s
       AND m.invoice_date <= %(date_to)s
       AND m.commercial_partner_id IS NOT NULL
  GROUP BY m.commercial_partner_id
    HAVING COUNT(*) FILTER (WHERE m.move_type = 'out_invoice') > 0
), ranked AS (
    SELECT partner_id, last_date, frequency, monetary,
           %(r_rank)s AS r_rank, %(f_rank)s AS f_rank, %(m_rank)s AS m_rank
      FROM agg
), scored AS (
    SELECT partner_id, last_date, frequency, monetary,
           ROUND((100.0 * (%(wr)s * r_rank + %(wf)s * f_rank + %(wm)s * m_rank) / %(wsum)s)::numeric, 2) AS score
      FROM ranked
), shared AS (
    SELECT s.*,
           CASE WHEN t.total > 0
                THEN 100.0 * (SUM(GREATEST(s.monetary, 0)) OVER w - GREATEST(s.monetary, 0)) / t.total
                ELSE 100.0 END AS start_share
      FROM scored s, (SELECT SUM(GREATEST(monetary, 0)) AS total FROM scored) t
    WINDOW w AS (ORDER BY s.monetary DESC, s.score DESC, s.partner_id ROWS UNBOUNDED PRECEDING)
), levels AS (
    SELECT id, min_score,
           LAG(min_score) OVER (ORDER BY sequence, id) AS max_score,
           COALESCE(SUM(revenue_share) OVER (ORDER BY sequence, id
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS share_from,
           SUM(revenue_share) OVER (ORDER BY sequence, id ROWS UNBOUNDED PRECEDING) AS share_to,
           (ROW_NUMBER() OVER (ORDER BY sequence DESC, id DESC) = 1
            AND SUM(revenue_share) OVER () >= 100) AS catch_all
      FROM crm_value_level
     WHERE model_id = %(model)s
), result AS (
    SELECT s.partner_id, s.last_date, s.frequency, s.monetary, s.score, l.id AS level_id
      FROM shared s
 LEFT JOIN levels l ON %(level_join)s
), removed AS (
    -- EXCEPT (hashed or sorted) rather than NOT EXISTS: right after a first
    -- run the statistics of res_partner still say that no partner has a
    -- level, and the planner would pick a nested loop over the CTE.
    SELECT p.id AS partner_id
      FROM res_partner p
     WHERE p.crm_value_level_id ? %(key)s OR p.crm_value_score ? %(key)s
    EXCEPT
    SELECT partner_id FROM result
), history AS (
    INSERT INTO crm_value_history (partner_id, company_id, model_id, date, recency_days, frequency,
                                   monetary, score, level_id, create_uid, create_date, write_uid, write_date)
    SELECT partner_id, %(company)s, %(model)s, %(date_to)s, %(date_to)s - last_date, frequency,
           monetary, score, level_id, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
      FROM result
    UNION ALL
    SELECT partner_id, %(company)s, %(model)s, %(date_to)s, NULL, 0,
           0, 0, NULL, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
      FROM removed
    RETURNING 1
), partner_update AS (
    UPDATE res_partner p
       SET crm_value_level_id = CASE WHEN u.level_id IS NULL
                                     THEN COALESCE(p.crm_value_level_id, '{}'::jsonb) - %(key)s
                                     ELSE COALESCE(p.crm_value_level_id, '{}'::jsonb)
                                          || jsonb_build_object(%(key)s, u.level_id) END,
           crm_value_score = CASE WHEN u.scored
                                  THEN COALESCE(p.crm_value_score, '{}'::jsonb) || jsonb_build_object(%(key)s, u.score)
                                  ELSE COALESCE(p.crm_value_score, '{}'::jsonb) - %(key)s END,
           crm_value_date = CASE WHEN u.scored
                                 THEN COALESCE(p.crm_value_date, '{}'::jsonb)
                                      || jsonb_build_object(%(key)s, %(date_to)s::date)
                                 ELSE COALESCE(p.crm_value_date, '{}'::jsonb) - %(key)s END
      FROM (SELECT partner_id, level_id, score, TRUE AS scored FROM result
            UNION ALL
            SELECT partner_id, NULL, NULL, FALSE FROM removed) u
     WHERE p.id = u.partner_id
       AND (p.crm_value_level_id -> %(key)s IS DISTINCT FROM to_jsonb(u.level_id)
            OR p.crm_value_score -> %(key)s IS DISTINCT FROM to_jsonb(u.score)
            OR p.crm_value_date -> %(key)s IS DISTINCT FROM CASE WHEN u.scored THEN to_jsonb(%(date_to)s::date) END)
    RETURNING 1
), level_count AS (
    UPDATE crm_value_level l
       SET customer_count = c.n
      FROM (SELECT lv.id, COUNT(r.partner_id) AS n
              FROM crm_value_level lv
         LEFT JOIN result r ON r.level_id = lv.id
             WHERE lv.model_id = %(model)s
          GROUP BY lv.id) c
     WHERE l.id = c.id
    RETURNING 1
)
SELECT (SELECT COUNT(*) FROM result),
       (SELECT COUNT(*) FROM removed)
  FROM (SELECT COUNT(*) FROM history) h, (SELECT COUNT(*) FROM partner_update) pu,
       (SELECT COUNT(*) FROM level_count) lc
            """,
            company=self.company_id.id,
            model=self.id,
            key=key,
            uid=self.env.uid,
            date_from=date_from,
            date_to=date_to,
            wr=self.weight_recency,
            wf=self.weight_frequency,
            wm=self.weight_monetary,
            wsum=weight_sum,
            r_rank=prank(SQL("last_date")),
            f_rank=prank(SQL("frequency")),
            m_rank=prank(SQL("monetary")),
            level_join=level_join,
        )
