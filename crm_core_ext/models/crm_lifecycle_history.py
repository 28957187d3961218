from odoo import fields, models

LIFECYCLE_TRIGGERS = [
    ("lead", "Lead"),
    ("opportunity", "Opportunity"),
    ("order", "Confirmed Order"),
    ("schedule", "Scheduled Update"),
    ("manual", "Manual Move"),
]


class CrmLifecycleHistory(models.Model):
    """One move of a customer between lifecycle stages in one company.

    Rows are written by the system only (see ``res.partner._crm_lifecycle_move``);
    users read them, nobody edits them.
    """

    _name = "crm.lifecycle.history"
    _description = "Customer Lifecycle History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    stage_from_id = fields.Many2one(
        "crm.lifecycle.stage",
        string="From Stage",
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    stage_to_id = fields.Many2one(
        "crm.lifecycle.stage",
        string="To Stage",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    date = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users",
        string="Moved By",
        readonly=True,
        index="btree_not_null",
        default=lambda self: self.env.user,
    )
    reason = fields.Text(readonly=True)
    trigger = fields.Selection(LIFECYCLE_TRIGGERS, required=True, readonly=True, index=True)
    days_in_previous_stage = fields.Integer(
        string="Days in Previous Stage",
        readonly=True,
        aggregator="avg",
        help="Days the customer spent in the stage it left.",
    )
