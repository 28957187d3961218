from odoo import api, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._crm_lifecycle_update_partner()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if "type" in vals or "partner_id" in vals:
            self._crm_lifecycle_update_partner()
        return res

    def _crm_lifecycle_update_partner(self):
        """Move the leads' customers to 'target' (lead) or 'intent' (opportunity)."""
        leads = self.filtered(lambda lead: lead.active and lead.partner_id)
        if leads:
            self.env["res.partner"].sudo()._crm_lifecycle_on_leads(leads.sudo())
