from odoo import api, models


class CrmChannelDiversion(models.Model):
    _inherit = "crm.channel.diversion"

    @api.model
    def _selection_source_ref(self):
        return [*super()._selection_source_ref(), ("crm.service.request", self.env._("Service Request"))]
