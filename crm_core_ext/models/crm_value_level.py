from odoo import api, fields, models


class CrmValueLevel(models.Model):
    """One step of a customer value pyramid (for example A, B, C, D).

    With the 'score' method a customer gets the first level (in sequence order)
    whose ``min_score`` its score reaches; with the 'share' method the levels
    split the revenue: level A holds the customers that make the first
    ``revenue_share`` % of the revenue, level B the next ``revenue_share`` %, ...
    """

    _name = "crm.value.level"
    _description = "Customer Value Level"
    _order = "model_id, sequence, id"
    _check_company_auto = True

    model_id = fields.Many2one(
        "crm.value.model",
        string="Value Model",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="model_id.company_id", store=True, index=True)
    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code of the level, for example 'A'.")
    sequence = fields.Integer(default=10, help="Best level first.")
    min_score = fields.Float(
        string="Minimum Score",
        digits=(16, 2),
        help="Score method: customers whose score (0-100) reaches this value get this level "
        "unless a better level takes them first.",
    )
    revenue_share = fields.Float(
        string="Revenue Share (%)",
        digits=(16, 2),
        help="Share method: this level holds the customers that make this percentage of the "
        "revenue, after the better levels.",
    )
    color = fields.Integer()
    customer_count = fields.Integer(
        string="Customers",
        readonly=True,
        help="Number of customers in this level after the last recompute.",
    )

    @api.constrains("min_score", "revenue_share", "sequence", "code")
    def _check_model_levels(self):
        self.model_id._check_levels()

    @api.depends("code", "name")
    def _compute_display_name(self):
        for level in self:
            if level.code and level.name:
                level.display_name = f"{level.code} - {level.name}"
            else:
                level.display_name = level.name or level.code
