from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

MAX_CARE_DAYS_AHEAD = 365


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crm_care_days_ahead = fields.Integer(
        string="Care Reminders Ahead (days)",
        default=7,
        help="Care activities for birthdays and other dated events are created this many days "
        "before the event, due on the day of the event (0: on the day itself).",
    )
    crm_care_user_id = fields.Many2one(
        "res.users",
        string="Default Care Responsible",
        domain="[('share', '=', False)]",
        help="Receives the care activities of customers without a salesperson of this company. "
        "Leave empty to skip such customers (the daily job logs how many were skipped).",
    )

    @api.constrains("crm_care_days_ahead")
    def _check_crm_care_days_ahead(self):
        for company in self:
            if not 0 <= company.crm_care_days_ahead <= MAX_CARE_DAYS_AHEAD:
                raise ValidationError(
                    _(
                        "Company %(company)s: care reminders must be created between 0 and %(max)s days "
                        "ahead, not %(days)s.",
                        company=company.name,
                        max=MAX_CARE_DAYS_AHEAD,
                        days=company.crm_care_days_ahead,
                    )
                )
