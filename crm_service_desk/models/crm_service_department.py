from odoo import fields, models


class CrmServiceDepartment(models.Model):
    """A department held responsible for complaints (责任部门).

    A small list of its own, so that the service desk does not depend on the
    HR application: production, purchasing, logistics, after-sales...
    """

    _name = "crm.service.department"
    _description = "Responsible Department"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    manager_id = fields.Many2one(
        "res.users",
        string="Manager",
        check_company=True,
        domain="[('share', '=', False)]",
        help="Default owner of the corrective and preventive actions of this department's complaints.",
    )
