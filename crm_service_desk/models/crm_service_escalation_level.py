from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmServiceEscalationLevel(models.Model):
    """One step of the escalation (升迁) ladder.

    A level applies to the open requests (not waiting on the customer) of its
    queue, or of every queue of its company when no queue is set, once the
    chosen deadline plus the offset is reached: a negative offset warns before
    the deadline, a positive one acts after the breach. The deadline itself is
    counted in working hours; the offset is in clock hours from it. Each level
    acts at most once on a request (see crm.service.escalation.log).
    """

    _name = "crm.service.escalation.level"
    _description = "Service Escalation Level"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    queue_id = fields.Many2one(
        "crm.service.queue", string="Queue", check_company=True, help="Empty: every queue of the company."
    )
    deadline = fields.Selection(
        [("response", "Response Deadline"), ("resolution", "Resolution Deadline")],
        required=True,
        default="resolution",
    )
    offset_hours = fields.Float(
        string="Hours From Deadline",
        help="Negative: this many hours before the deadline (a warning); positive: after the breach.",
    )
    action = fields.Selection(
        [
            ("notify_assignee", "Notify the Assignee"),
            ("reassign", "Reassign"),
            ("notify_manager", "Notify the Queue Manager"),
        ],
        required=True,
        default="notify_assignee",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Reassign To",
        check_company=True,
        domain="[('share', '=', False)]",
        help="Reassign: the agent who takes the request. Empty: the request moves to the queue's "
        "next-level queue and is assigned there by that queue's method.",
    )
    note = fields.Text(string="Message", translate=True, help="Added to the notification.")

    @api.constrains("action", "user_id", "queue_id")
    def _check_reassign_target(self):
        for level in self:
            if (
                level.action == "reassign"
                and not level.user_id
                and level.queue_id
                and not level.queue_id.escalation_queue_id
            ):
                raise ValidationError(
                    _(
                        "Escalation level %(level)s reassigns, but neither names an agent nor has queue %(queue)s "
                        "a next-level queue.",
                        level=level.name,
                        queue=level.queue_id.display_name,
                    )
                )
