from odoo import api, models
from odoo.exceptions import ValidationError


class CommissionSection(models.Model):
    _inherit = "commission.section"

    @api.constrains("percent", "amount_from", "amount_to")
    def _check_crm_positive(self):
        for section in self:
            if section.percent < 0 or section.amount_from < 0 or section.amount_to < 0:
                raise ValidationError(
                    self.env._(
                        "A commission tier cannot have a negative rate or amount "
                        "(from %(amount_from)s to %(amount_to)s at %(percent)s%%).",
                        amount_from=section.amount_from,
                        amount_to=section.amount_to,
                        percent=section.percent,
                    )
                )
