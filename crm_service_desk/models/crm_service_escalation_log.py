from odoo import fields, models


class CrmServiceEscalationLog(models.Model):
    """Which escalation level was applied to which request, and when (never twice)."""

    _name = "crm.service.escalation.log"
    _description = "Service Escalation Log"
    _order = "date desc, id desc"
    _rec_name = "level_id"

    request_id = fields.Many2one("crm.service.request", required=True, ondelete="cascade", index=True)
    level_id = fields.Many2one("crm.service.escalation.level", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    action = fields.Selection(related="level_id.action", store=True)
    user_id = fields.Many2one("res.users", string="Assignee Then")

    _sql_constraints = [
        ("request_level_unique", "unique(request_id, level_id)", "An escalation level applies once per request."),
    ]
