from odoo import fields, models


class CrmServicePlanOccurrence(models.Model):
    """One due date of a service plan that was handled, with the request created for it.

    The unique (plan, due date) key is what makes the daily job create at most
    one request per due date, even when two runs overlap.
    """

    _name = "crm.service.plan.occurrence"
    _description = "Service Plan Occurrence"
    _order = "due_date desc, id desc"
    _rec_name = "due_date"

    plan_id = fields.Many2one("crm.service.plan", string="Service Plan", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    due_date = fields.Date(required=True)
    request_id = fields.Many2one("crm.service.request", string="Request", index="btree_not_null", ondelete="set null")

    _sql_constraints = [
        ("plan_due_date_unique", "UNIQUE (plan_id, due_date)", "A service plan has one occurrence per due date."),
    ]
