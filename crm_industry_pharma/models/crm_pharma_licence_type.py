from odoo import fields, models


class CrmPharmaLicenceType(models.Model):
    _name = "crm.pharma.licence.type"
    _description = "Licence Type"
    _order = "sequence, id"

    name = fields.Char(required=True)
    code = fields.Char(help="Short code, unique, used in imports.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    partner_kind = fields.Selection(
        [("customer", "Customers"), ("supplier", "Suppliers"), ("both", "Customers and Suppliers")],
        string="Held By",
        default="both",
        required=True,
        help="Which partners usually hold this licence (informative: the licences a company requires "
        "are set in the settings).",
    )
    description = fields.Text()

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "Another licence type already has this code."),
    ]
