from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    service_plan_lead_days = fields.Integer(related="company_id.service_plan_lead_days", readonly=False)

    @api.constrains("service_plan_lead_days")
    def _check_service_plan_lead_days(self):
        for settings in self:
            if settings.service_plan_lead_days < 0:
                raise ValidationError(
                    _(
                        "The default lead time of service plans cannot be negative (got %s days).",
                        settings.service_plan_lead_days,
                    )
                )
