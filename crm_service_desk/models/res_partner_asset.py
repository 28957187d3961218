from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    service_asset_count = fields.Integer(compute="_compute_service_asset_count", string="Installed Base")

    def _compute_service_asset_count(self):
        Asset = self.env["crm.service.asset"]
        if not Asset.has_access("read"):
            self.service_asset_count = 0
            return
        counts = dict(
            Asset._read_group([("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.service_asset_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_service_assets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service_desk.crm_service_asset_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
