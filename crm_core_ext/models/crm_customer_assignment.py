from odoo import fields, models

ASSIGNMENT_TYPES = [
    ("assign", "Assignment"),
    ("add", "Co-owner Added"),
    ("transfer", "Customer Transfer"),
    ("claim", "Claimed from Pool"),
    ("reclaim", "Returned to Pool"),
    ("release", "Released to Pool"),
]


class CrmCustomerAssignment(models.Model):
    """One change of a customer's salesperson or co-owners: who, when, from, to, why.

    Rows are written by the assignment and transfer wizards, claims, releases,
    the nightly pool job (in bulk, by SQL) and direct changes of the
    salesperson on the customer; nobody edits them afterwards.
    """

    _name = "crm.customer.assignment"
    _description = "Customer Assignment History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True
    # Immutable log rows written in bulk: ``date`` and ``assigned_by_id`` say
    # when and by whom; no create/write columns (and their foreign keys).
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, readonly=True, default=lambda self: self.env.company
    )
    type = fields.Selection(ASSIGNMENT_TYPES, required=True, readonly=True)
    user_from_id = fields.Many2one("res.users", string="Previous Salesperson", readonly=True, index="btree_not_null")
    user_to_id = fields.Many2one("res.users", string="New Salesperson", readonly=True, index="btree_not_null")
    team_to_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    reason = fields.Text(readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    assigned_by_id = fields.Many2one(
        "res.users",
        string="Done By",
        readonly=True,
        default=lambda self: self.env.user,
        help="Who made the change; empty for the nightly public pool job.",
    )
