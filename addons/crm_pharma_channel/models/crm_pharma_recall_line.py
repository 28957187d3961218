from odoo import models


class CrmPharmaRecallLine(models.Model):
    _inherit = "crm.pharma.recall.line"

    def _notify_customer(self):
        """A dealer notified of the recall is also asked to inform the
        terminal customers it reported selling the lots to."""
        res = super()._notify_customer()
        for recall in self.recall_id:
            dealers = self.filtered(lambda line, recall=recall: line.recall_id == recall).partner_id
            recall._crm_channel_notify_dealers(dealers=dealers)
        return res
