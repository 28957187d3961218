from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_service_request import PRIORITIES


class CrmServiceSla(models.Model):
    """Response and resolution targets of a queue for one priority, in working hours."""

    _name = "crm.service.sla"
    _description = "Service Level Agreement"
    _order = "queue_id, priority desc, id"
    _check_company_auto = True

    queue_id = fields.Many2one("crm.service.queue", string="Queue", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="queue_id.company_id", store=True, index=True)
    priority = fields.Selection(PRIORITIES, required=True, default="1")
    response_hours = fields.Float(
        string="Response Target (working hours)",
        required=True,
        help="Working hours of the queue's calendar within which an agent must first answer.",
    )
    resolution_hours = fields.Float(
        string="Resolution Target (working hours)",
        required=True,
        help="Working hours of the queue's calendar within which the request must be resolved. "
        "Time spent waiting on the customer does not count.",
    )
    active = fields.Boolean(default=True)

    @api.constrains("queue_id", "priority", "active")
    def _check_unique_priority(self):
        for sla in self.filtered("active"):
            duplicate = self.search_count(
                [("queue_id", "=", sla.queue_id.id), ("priority", "=", sla.priority), ("id", "!=", sla.id)]
            )
            if duplicate:
                raise ValidationError(
                    _(
                        "Queue %(queue)s already has an SLA for priority %(priority)s.",
                        queue=sla.queue_id.display_name,
                        priority=dict(self._fields["priority"]._description_selection(self.env))[sla.priority],
                    )
                )

    @api.constrains("response_hours", "resolution_hours")
    def _check_hours(self):
        for sla in self:
            if sla.response_hours <= 0 or sla.resolution_hours <= 0:
                raise ValidationError(
                    _("The SLA targets of queue %s must be positive numbers of hours.", sla.queue_id.display_name)
                )
            if sla.resolution_hours < sla.response_hours:
                raise ValidationError(
                    _(
                        "The resolution target of queue %s cannot be shorter than its response target.",
                        sla.queue_id.display_name,
                    )
                )

    @api.depends("queue_id", "priority")
    def _compute_display_name(self):
        labels = dict(self._fields["priority"]._description_selection(self.env))
        for sla in self:
            sla.display_name = f"{sla.queue_id.name or ''} / {labels.get(sla.priority, '')}"
