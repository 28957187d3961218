from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Credit control. The gate is active where the host's switch
    # ``account_use_credit_limit`` is on; the policy says what it does.
    crm_credit_policy = fields.Selection(
        [
            ("warn", "Warn only"),
            ("block", "Block"),
            ("approval", "Block unless a credit manager approves"),
        ],
        string="Credit Policy",
        default="warn",
        help="Warn only keeps Odoo's behaviour (a warning, and a note on orders confirmed over credit); "
        "the blocking policies refuse the confirmation on the server.",
        required=True,
    )
    crm_credit_block_delivery = fields.Boolean(
        string="Block Deliveries Over Credit",
        help="Also refuse to validate deliveries to customers over their credit limit "
        "or with invoices overdue beyond their credit period.",
    )
    crm_credit_block_invoice = fields.Boolean(
        string="Block Invoices Over Credit",
        help="Also refuse to post customer invoices that take a customer over its credit "
        "limit, or for a customer with invoices overdue beyond its credit period.",
    )

    # Customer lifecycle
    crm_lifecycle_repeat_days = fields.Integer(
        string="Repeat Purchase Window (days)",
        default=365,
        help="A customer whose second confirmed order comes within this many days is a repeat customer; "
        "orders counted for loyalty are those within this window.",
    )
    crm_lifecycle_loyal_orders = fields.Integer(
        string="Orders to Become Loyal",
        default=5,
        help="Number of confirmed orders within the repeat window that makes a customer loyal.",
    )
    crm_lifecycle_dormant_days = fields.Integer(
        string="Dormant After (days)",
        default=180,
        help="Customers with no confirmed order for this many days become dormant.",
    )
    crm_lifecycle_lost_days = fields.Integer(
        string="Lost After (days)",
        default=365,
        help="Customers with no confirmed order for this many days are considered lost.",
    )

    _sql_constraints = [
        (
            "crm_lifecycle_days_positive",
            "CHECK(crm_lifecycle_repeat_days > 0 AND crm_lifecycle_loyal_orders > 1 "
            "AND crm_lifecycle_dormant_days > 0 AND crm_lifecycle_lost_days > crm_lifecycle_dormant_days)",
            "Lifecycle settings: windows must be positive, a loyal customer needs at least two orders, "
            "and 'lost' must come after 'dormant'.",
        ),
    ]
