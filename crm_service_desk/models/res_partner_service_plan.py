from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    service_plan_count = fields.Integer(
        compute="_compute_service_plan_count", groups="crm_service_desk.crm_service_desk_group_user"
    )

    def _compute_service_plan_count(self):
        counts = dict(
            self.env["crm.service.plan"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.service_plan_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_service_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service_desk.crm_service_plan_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
