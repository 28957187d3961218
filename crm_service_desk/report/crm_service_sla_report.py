from odoo import fields, models, tools

from ..models.crm_service_request import PRIORITIES, REQUEST_TYPES


class CrmServiceSlaReport(models.Model):
    """SLA attainment and satisfaction per request, for pivots by queue, agent and period.

    Attainment is 100 when the target was met and 0 when it was missed; it is
    empty while the request is still within its target, so that the average
    is the share of the measured requests that met it.
    """

    _name = "crm.service.sla.report"
    _description = "Service SLA Attainment"
    _auto = False
    _order = "create_date desc"
    _rec_name = "request_id"

    request_id = fields.Many2one("crm.service.request", string="Request", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    queue_id = fields.Many2one("crm.service.queue", string="Queue", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    request_type = fields.Selection(REQUEST_TYPES, string="Type", readonly=True)
    priority = fields.Selection(PRIORITIES, readonly=True)
    state = fields.Selection(
        [
            ("new", "New"),
            ("assigned", "Assigned"),
            ("in_progress", "In Progress"),
            ("waiting", "Waiting on Customer"),
            ("resolved", "Resolved"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        readonly=True,
    )
    create_date = fields.Datetime(string="Created On", readonly=True)
    request_count = fields.Integer(string="Requests", readonly=True, aggregator="sum")
    response_attained = fields.Float(string="Response SLA Met (%)", readonly=True, aggregator="avg")
    resolution_attained = fields.Float(string="Resolution SLA Met (%)", readonly=True, aggregator="avg")
    response_breached = fields.Boolean(readonly=True)
    resolution_breached = fields.Boolean(readonly=True)
    rating = fields.Float(string="Satisfaction (1-5)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT r.id AS id,
                       r.id AS request_id,
                       r.company_id,
                       r.queue_id,
                       r.user_id,
                       r.commercial_partner_id AS partner_id,
                       r.product_id,
                       r.request_type,
                       r.priority,
                       r.state,
                       r.create_date,
                       1 AS request_count,
                       CASE WHEN r.response_deadline IS NULL THEN NULL
                            WHEN r.first_response_date IS NOT NULL
                                 THEN CASE WHEN r.response_breached THEN 0.0 ELSE 100.0 END
                            WHEN r.response_breached THEN 0.0
                       END AS response_attained,
                       CASE WHEN r.resolution_deadline IS NULL THEN NULL
                            WHEN r.resolved_date IS NOT NULL
                                 THEN CASE WHEN r.resolution_breached THEN 0.0 ELSE 100.0 END
                            WHEN r.resolution_breached THEN 0.0
                       END AS resolution_attained,
                       COALESCE(r.response_breached, FALSE) AS response_breached,
                       COALESCE(r.resolution_breached, FALSE) AS resolution_breached,
                       NULLIF(r.rating_last_value, 0) AS rating
                  FROM crm_service_request r
                 WHERE r.active AND r.state != 'cancelled'
            )"""
        )
