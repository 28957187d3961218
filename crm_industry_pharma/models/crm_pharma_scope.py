from odoo import fields, models


class CrmPharmaScope(models.Model):
    _name = "crm.pharma.scope"
    _description = "Business Scope Category"
    _order = "sequence, id"

    name = fields.Char(required=True)
    code = fields.Char(help="Short code, unique, used in imports.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text()

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "Another business scope category already has this code."),
    ]
