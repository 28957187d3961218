from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmServicePlanReading(models.Model):
    """A meter reading (读数) of the asset of a usage-based service plan: the counter's value on a date."""

    _name = "crm.service.plan.reading"
    _description = "Service Plan Meter Reading"
    _order = "date desc, id desc"

    plan_id = fields.Many2one("crm.service.plan", string="Service Plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    value = fields.Float(string="Counter", required=True, help="The meter's value on that date (cumulative).")
    note = fields.Char()

    @api.constrains("date", "value", "plan_id")
    def _check_monotonic(self):
        """A counter only grows: a reading cannot be lower than an earlier one nor higher than a later one."""
        for reading in self:
            others = reading.plan_id.reading_ids - reading
            earlier = others.filtered(lambda r, d=reading.date: r.date <= d)
            later = others.filtered(lambda r, d=reading.date: r.date > d)
            if earlier and max(earlier.mapped("value")) > reading.value:
                raise ValidationError(
                    _(
                        "Reading %(value)s of %(date)s on service plan %(plan)s is lower than an earlier "
                        "reading (%(earlier)s): a counter cannot go down.",
                        value=reading.value,
                        date=reading.date,
                        plan=reading.plan_id.display_name,
                        earlier=max(earlier.mapped("value")),
                    )
                )
            if later and min(later.mapped("value")) < reading.value:
                raise ValidationError(
                    _(
                        "Reading %(value)s of %(date)s on service plan %(plan)s is higher than a later "
                        "reading (%(later)s): a counter cannot go down.",
                        value=reading.value,
                        date=reading.date,
                        plan=reading.plan_id.display_name,
                        later=min(later.mapped("value")),
                    )
                )
            if reading.value < 0:
                raise ValidationError(
                    _(
                        "Reading of %(date)s on service plan %(plan)s cannot be negative.",
                        date=reading.date,
                        plan=reading.plan_id.display_name,
                    )
                )
