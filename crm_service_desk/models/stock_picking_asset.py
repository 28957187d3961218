from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        self.env["crm.service.asset"]._sync_from_pickings(self)
        return res
