from odoo import fields, models


class CrmServiceAssignment(models.Model):
    """The assignment history of a request: every change of queue or assignee."""

    _name = "crm.service.assignment"
    _description = "Service Request Assignment"
    _order = "date desc, id desc"
    _rec_name = "request_id"

    request_id = fields.Many2one("crm.service.request", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    queue_id = fields.Many2one("crm.service.queue", string="Queue")
    user_id = fields.Many2one("res.users", string="Assignee")
    previous_queue_id = fields.Many2one("crm.service.queue", string="Previous Queue")
    previous_user_id = fields.Many2one("res.users", string="Previous Assignee")
    method = fields.Selection(
        [
            ("routing", "Routing Rule"),
            ("round_robin", "Round Robin"),
            ("least_loaded", "Least Loaded"),
            ("claim", "Claimed"),
            ("manual", "Manual"),
            ("move", "Moved to Another Queue"),
            ("escalation", "Escalation"),
        ],
        required=True,
    )
    author_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user)
    note = fields.Char()
