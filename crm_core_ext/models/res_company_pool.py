from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crm_pool_days = fields.Integer(
        string="Return to Pool After (days)",
        default=0,
        help="Customers of this company with no activity, message or order for this many days go back to the "
        "public pool every night. 0 turns the public pool off.",
    )
    crm_pool_claim_cap = fields.Integer(
        string="Pool Claim Limit",
        default=0,
        help="Maximum number of customers claimed from this company's public pool that one salesperson may hold "
        "at the same time. A claimed customer stops counting once it is assigned, transferred or goes back to "
        "the pool. 0 means no limit.",
    )

    @api.constrains("crm_pool_days", "crm_pool_claim_cap")
    def _check_crm_pool_settings(self):
        for company in self:
            if company.crm_pool_days < 0 or company.crm_pool_claim_cap < 0:
                raise ValidationError(
                    _("Public pool settings of %s cannot be negative: use 0 to turn them off.", company.name)
                )
