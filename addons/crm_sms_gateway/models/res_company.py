from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    sms_gateway_id = fields.Many2one(
        "sms.gateway",
        string="SMS Gateway",
        check_company=True,
        groups="base.group_system,crm_sms_gateway.group_sms_manager",
        help="Gateway through which the company's SMS leave; without one they go through Odoo's IAP service.",
    )
    sms_bulk_threshold = fields.Integer(
        string="Bulk SMS Approval Threshold",
        default=100,
        help="A send of more messages than this at once waits for an SMS manager's approval (0: never).",
    )

    @api.constrains("sms_gateway_id")
    def _check_sms_gateway_company(self):
        for company in self.sudo():
            if company.sms_gateway_id and company.sms_gateway_id.company_id != company:
                raise ValidationError(
                    _(
                        "The SMS gateway %(gateway)s belongs to %(other)s, not to %(company)s.",
                        gateway=company.sms_gateway_id.name,
                        other=company.sms_gateway_id.company_id.name,
                        company=company.name,
                    )
                )
