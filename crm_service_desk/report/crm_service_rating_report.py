from odoo import fields, models, tools

from ..models.crm_service_request import REQUEST_TYPES


class CrmServiceRatingReport(models.Model):
    """Customer satisfaction (满意度) per rating: one row per rating a customer
    gave to a service request, with the request's queue, agent and product."""

    _name = "crm.service.rating.report"
    _description = "Service Satisfaction Analysis"
    _auto = False
    _order = "rating_date desc"
    _rec_name = "request_id"

    request_id = fields.Many2one("crm.service.request", string="Request", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    queue_id = fields.Many2one("crm.service.queue", string="Queue", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    request_type = fields.Selection(REQUEST_TYPES, string="Type", readonly=True)
    rating_date = fields.Datetime(string="Rated On", readonly=True)
    rating_count = fields.Integer(string="Ratings", readonly=True, aggregator="sum")
    score = fields.Float(string="Score (1-5)", readonly=True, aggregator="avg")
    satisfied_rate = fields.Float(
        string="Satisfied (%)", readonly=True, aggregator="avg", help="Share of the ratings of 4 or 5."
    )
    dissatisfied_count = fields.Integer(string="Dissatisfied", readonly=True, aggregator="sum")
    feedback = fields.Text(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT rr.id AS id,
                       r.id AS request_id,
                       r.company_id,
                       r.queue_id,
                       r.user_id,
                       r.commercial_partner_id AS partner_id,
                       r.product_id,
                       r.product_categ_id,
                       r.request_type,
                       rr.write_date AS rating_date,
                       1 AS rating_count,
                       rr.rating AS score,
                       CASE WHEN rr.rating >= 4 THEN 100.0 ELSE 0.0 END AS satisfied_rate,
                       CASE WHEN rr.rating <= 2 THEN 1 ELSE 0 END AS dissatisfied_count,
                       rr.feedback
                  FROM rating_rating rr
                  JOIN crm_service_request r ON r.id = rr.res_id
                 WHERE rr.res_model = 'crm.service.request'
                   AND rr.consumed
                   AND rr.rating > 0
            )"""
        )
