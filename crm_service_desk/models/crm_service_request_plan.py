from odoo import fields, models

from .crm_service_request import INTERNAL


class CrmServiceRequest(models.Model):
    _inherit = "crm.service.request"  # pylint: disable=consider-merging-classes-inherited

    service_plan_id = fields.Many2one(
        "crm.service.plan",
        string="Service Plan",
        index="btree_not_null",
        check_company=True,
        copy=False,
        readonly=True,
        groups=INTERNAL,
        help="The maintenance plan that created this request.",
    )
    service_plan_due_date = fields.Date(string="Maintenance Due", readonly=True, copy=False, groups=INTERNAL)

    def action_view_service_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.service.plan",
            "res_id": self.service_plan_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
