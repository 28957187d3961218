from odoo import fields, models, tools
from odoo.tools import SQL

from .crm_channel_rebate import rebate_base_query


class CrmChannelRebateAccrual(models.Model):
    """What each dealer of each running agreement has earned so far (返利计提).

    One row per agreement and dealer: the year to date up to today (or the
    agreement's end), the rate of the tier it reaches, the rebate earned at
    that rate, what settlements paid, and the next tier with what it still
    needs. The same statement as the settlement computes the figures.
    """

    _name = "crm.channel.rebate.accrual"
    _description = "Rebate Accrual"
    _auto = False
    _order = "agreement_id, dealer_id"
    _depends = {
        "crm.channel.rebate.agreement": [
            "state",
            "company_id",
            "date_start",
            "date_end",
            "measure",
            "basis",
            "dealer_ids",
            "product_ids",
            "categ_ids",
        ],
        "crm.channel.rebate.tier": ["agreement_id", "threshold", "rate"],
        "crm.channel.rebate.settlement": ["agreement_id", "dealer_id", "amount", "deduction_amount", "state"],
        "account.move": [
            "state",
            "move_type",
            "company_id",
            "commercial_partner_id",
            "invoice_date",
            "amount_total_signed",
            "amount_residual_signed",
        ],
        "account.move.line": ["move_id", "display_type", "product_id", "balance", "quantity"],
    }

    agreement_id = fields.Many2one("crm.channel.rebate.agreement", string="Agreement", readonly=True)
    dealer_id = fields.Many2one("res.partner", string="Dealer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    measure = fields.Selection([("amount", "Amount"), ("quantity", "Quantity")], string="Tiers On", readonly=True)
    amount = fields.Monetary(string="Bought to Date", readonly=True)
    quantity = fields.Float(string="Quantity to Date", readonly=True)
    rate = fields.Float(string="Rate Reached (%)", readonly=True, digits=(5, 2), aggregator="max")
    earned = fields.Monetary(readonly=True)
    settled = fields.Monetary(readonly=True)
    to_settle = fields.Monetary(string="Not Settled Yet", readonly=True)
    next_threshold = fields.Float(string="Next Tier From", readonly=True, aggregator=None)
    next_rate = fields.Float(string="Next Tier Rate (%)", readonly=True, digits=(5, 2), aggregator=None)
    to_next = fields.Float(string="Needed for Next Tier", readonly=True, aggregator=None)

    def init(self):
        if not tools.sql.table_exists(self.env.cr, "crm_channel_rebate_settlement"):
            return  # code newer than the database: Odoo calls init() before the module is updated
        tools.drop_view_if_exists(self.env.cr, self._table)
        base = rebate_base_query(SQL("LEAST(a.date_end, CURRENT_DATE)"), SQL("a.state IN ('running', 'closed')"))
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(view)s AS (
                WITH base AS (%(base)s),
                figures AS (
                    SELECT b.*, a.company_id, a.measure, c.currency_id,
                           CASE WHEN a.measure = 'quantity' THEN b.quantity ELSE b.amount END AS figure
                      FROM base b
                      JOIN crm_channel_rebate_agreement a ON a.id = b.agreement_id
                      JOIN res_company c ON c.id = a.company_id
                )
                SELECT ROW_NUMBER() OVER (ORDER BY f.agreement_id, f.dealer_id) AS id,
                       f.agreement_id, f.dealer_id, f.company_id, f.currency_id, f.measure,
                       f.amount, f.quantity,
                       COALESCE(reached.rate, 0) AS rate,
                       ROUND((f.amount * COALESCE(reached.rate, 0) / 100)::numeric, 2) AS earned,
                       COALESCE(paid.amount, 0) AS settled,
                       ROUND((f.amount * COALESCE(reached.rate, 0) / 100)::numeric, 2) - COALESCE(paid.amount, 0)
                           AS to_settle,
                       nxt.threshold AS next_threshold,
                       nxt.rate AS next_rate,
                       nxt.threshold - f.figure AS to_next
                  FROM figures f
             LEFT JOIN LATERAL (
                       SELECT t.rate FROM crm_channel_rebate_tier t
                        WHERE t.agreement_id = f.agreement_id AND t.threshold <= f.figure
                     ORDER BY t.threshold DESC LIMIT 1) reached ON TRUE
             LEFT JOIN LATERAL (
                       SELECT t.threshold, t.rate FROM crm_channel_rebate_tier t
                        WHERE t.agreement_id = f.agreement_id AND t.threshold > f.figure
                     ORDER BY t.threshold LIMIT 1) nxt ON TRUE
             LEFT JOIN LATERAL (
                       SELECT SUM(s.amount + COALESCE(s.deduction_amount, 0)) AS amount
                         FROM crm_channel_rebate_settlement s
                        WHERE s.agreement_id = f.agreement_id AND s.dealer_id = f.dealer_id
                          AND s.state = 'settled') paid ON TRUE
            )""",
                view=SQL.identifier(self._table),
                base=base,
            )
        )
