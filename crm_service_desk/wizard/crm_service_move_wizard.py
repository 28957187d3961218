from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmServiceMoveWizard(models.TransientModel):
    """Move requests to another queue, with a reason kept in the assignment history."""

    _name = "crm.service.move.wizard"
    _description = "Move Service Requests to Another Queue"

    request_ids = fields.Many2many("crm.service.request", string="Requests", required=True)
    queue_id = fields.Many2one("crm.service.queue", string="New Queue", required=True)
    reason = fields.Char(required=True)
    auto_assign = fields.Boolean(
        string="Assign by the Queue's Method",
        default=True,
        help="Otherwise the requests wait unassigned in the new queue until someone claims them.",
    )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if self.env.context.get("active_model") == "crm.service.request" and "request_ids" in fields_list:
            res["request_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return res

    def action_move(self):
        self.ensure_one()
        closed = self.request_ids.filtered(lambda r: r.state in ("closed", "cancelled"))
        if closed:
            raise UserError(_("Closed or cancelled requests cannot move: %s", ", ".join(closed.mapped("display_name"))))
        other_company = self.request_ids.filtered(lambda r: r.company_id != self.queue_id.company_id)
        if other_company:
            raise UserError(
                _(
                    "Queue %(queue)s belongs to another company than requests %(requests)s.",
                    queue=self.queue_id.display_name,
                    requests=", ".join(other_company.mapped("display_name")),
                )
            )
        self.request_ids._move_to_queue(self.queue_id, note=self.reason, assign=self.auto_assign)
        return {"type": "ir.actions.act_window_close"}
