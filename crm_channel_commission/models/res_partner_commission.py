from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    agent_type = fields.Selection(
        selection_add=[("salesman", "Salesperson (employee)")],
        ondelete={"salesman": "set default"},
    )
