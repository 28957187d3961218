from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.crm_lead_competitor import THREAT_LEVELS


class CrmCompetitorReport(models.Model):
    """Win/loss analysis by competitor.

    One row per closed opportunity and competitor on it. An opportunity is won
    when it is active in a won stage, lost when it is archived with a lost
    reason or with a competitor marked as the winner (archived opportunities
    without either were only put away, not lost). Win rate is 100 on won rows
    and 0 on lost rows, so that its average over any group is the win rate of
    that group; revenues are the opportunities' expected revenue in the
    company currency.
    """

    _name = "crm.competitor.report"
    _description = "Win/Loss Analysis by Competitor"
    _auto = False
    _order = "date_closed desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    competitor_id = fields.Many2one("res.partner", string="Competitor", readonly=True)
    competitor_product_id = fields.Many2one("crm.competitor.product", string="Competing Product", readonly=True)
    product_id = fields.Many2one("product.product", string="Our Product", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    lost_reason_id = fields.Many2one("crm.lost.reason", string="Lost Reason", readonly=True)
    date_closed = fields.Datetime(string="Closed Date", readonly=True)
    threat_level = fields.Selection(THREAT_LEVELS, readonly=True)
    result = fields.Selection([("won", "Won Deal"), ("lost", "Lost Deal")], readonly=True)
    is_winner = fields.Boolean(string="Competitor Won", readonly=True)
    won_count = fields.Integer(string="Deals Won", readonly=True)
    lost_count = fields.Integer(string="Deals Lost", readonly=True)
    lost_to_count = fields.Integer(string="Lost to Competitor", readonly=True)
    win_rate = fields.Float(string="Win Rate (%)", readonly=True, aggregator="avg", digits=(16, 1))
    expected_revenue = fields.Monetary(readonly=True)
    won_revenue = fields.Monetary(readonly=True)
    lost_revenue = fields.Monetary(readonly=True)
    lost_to_revenue = fields.Monetary(string="Revenue Lost to Competitor", readonly=True)
    offered_price = fields.Monetary(string="Their Offered Price", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
            WITH closed AS (
                SELECT l.id, l.partner_id, l.user_id, l.team_id, l.company_id, l.lost_reason_id,
                       l.date_closed, COALESCE(l.expected_revenue, 0) AS revenue,
                       CASE WHEN l.active THEN 'won' ELSE 'lost' END AS result
                  FROM crm_lead l
             LEFT JOIN crm_stage s ON s.id = l.stage_id
                 WHERE (l.active AND s.is_won)
                    OR (NOT l.active AND (l.lost_reason_id IS NOT NULL OR l.crm_lost_to_competitor_id IS NOT NULL))
            )
            SELECT lc.id, lc.lead_id, lc.competitor_id, lc.competitor_product_id, cp.product_id,
                   c.partner_id, c.user_id, c.team_id, c.company_id, comp.currency_id,
                   c.lost_reason_id, c.date_closed, lc.threat_level, c.result,
                   COALESCE(lc.is_winner, FALSE) AND c.result = 'lost' AS is_winner,
                   CASE WHEN c.result = 'won' THEN 1 ELSE 0 END AS won_count,
                   CASE WHEN c.result = 'lost' THEN 1 ELSE 0 END AS lost_count,
                   CASE WHEN c.result = 'lost' AND lc.is_winner THEN 1 ELSE 0 END AS lost_to_count,
                   CASE WHEN c.result = 'won' THEN 100.0 ELSE 0.0 END AS win_rate,
                   c.revenue AS expected_revenue,
                   CASE WHEN c.result = 'won' THEN c.revenue ELSE 0 END AS won_revenue,
                   CASE WHEN c.result = 'lost' THEN c.revenue ELSE 0 END AS lost_revenue,
                   CASE WHEN c.result = 'lost' AND lc.is_winner THEN c.revenue ELSE 0 END AS lost_to_revenue,
                   COALESCE(lc.offered_price, 0) AS offered_price
              FROM crm_lead_competitor lc
              JOIN closed c ON c.id = lc.lead_id
         LEFT JOIN crm_competitor_product cp ON cp.id = lc.competitor_product_id
         LEFT JOIN res_company comp ON comp.id = c.company_id
            )
            """,
                table=SQL.identifier(self._table),
            )
        )
