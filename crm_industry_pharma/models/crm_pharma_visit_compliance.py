from odoo import fields, models, tools
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from .crm_pharma_doctor import INFLUENCES


class CrmPharmaVisitCompliance(models.Model):
    """Plan vs actual (计划执行率): one row per doctor of a visit plan, with the
    target visits, the visits done and still scheduled in the plan's month."""

    _name = "crm.pharma.visit.compliance"
    _description = "Visit Plan Compliance"
    _auto = False
    _order = "date_start desc, representative_id, doctor_id"
    _rec_name = "doctor_id"

    plan_id = fields.Many2one("crm.pharma.visit.plan", string="Visit Plan", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    representative_id = fields.Many2one("res.users", string="Representative", readonly=True)
    date_start = fields.Date(string="Month", readonly=True)
    doctor_id = fields.Many2one("crm.pharma.doctor", string="Doctor", readonly=True)
    hospital_id = fields.Many2one("res.partner", string="Institution", readonly=True)
    class_id = fields.Many2one("crm.pharma.doctor.class", string="Doctor Class", readonly=True)
    influence = fields.Selection(INFLUENCES, readonly=True)
    target_visits = fields.Integer(readonly=True)
    done_visits = fields.Integer(string="Visits Done", readonly=True)
    planned_visits = fields.Integer(string="Visits Scheduled", readonly=True)
    # Grouped, "avg" is replaced by the ratio of the sums (_read_group_select).
    compliance = fields.Float(
        string="Compliance (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Visits done / target visits, for one doctor or summed over a group.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT l.id AS id,
                       l.plan_id,
                       p.company_id,
                       p.representative_id,
                       p.date_start,
                       l.doctor_id,
                       d.hospital_id,
                       l.class_id,
                       d.influence,
                       l.target_visits,
                       COALESCE(v.done, 0) AS done_visits,
                       COALESCE(v.planned, 0) AS planned_visits,
                       CASE WHEN l.target_visits > 0
                            THEN 100.0 * COALESCE(v.done, 0) / l.target_visits END AS compliance
                  FROM crm_pharma_visit_plan_line l
                  JOIN crm_pharma_visit_plan p ON p.id = l.plan_id
                  JOIN crm_pharma_doctor d ON d.id = l.doctor_id
             LEFT JOIN LATERAL (
                        SELECT COUNT(*) FILTER (WHERE vi.state = 'done') AS done,
                               COUNT(*) FILTER (WHERE vi.state = 'planned') AS planned
                          FROM crm_pharma_visit vi
                         WHERE vi.doctor_id = l.doctor_id
                           AND vi.representative_id = p.representative_id
                           AND vi.company_id = p.company_id
                           AND vi.visit_date BETWEEN p.date_start AND p.date_end
                           AND vi.state != 'cancelled'
                       ) v ON TRUE
            )"""
        )

    def _read_group_select(self, aggregate_spec, query):
        """A group's compliance is its visits done over its target visits (2
        of 4 and 0 of 1 is 40%, not the 25% that averaging would give)."""
        if aggregate_spec != "__count":
            fname, __, func = parse_read_group_spec(aggregate_spec)
            if fname == "compliance" and func == "avg":
                return SQL(
                    "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                    self._field_to_sql(self._table, "done_visits", query),
                    self._field_to_sql(self._table, "target_visits", query),
                )
        return super()._read_group_select(aggregate_spec, query)
