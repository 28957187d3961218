from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crm_duplicate_name_threshold = fields.Float(
        string="Name Similarity Threshold",
        default=0.6,
        digits=(3, 2),
        help="Trigram similarity (0-1) from which two customer names are shown as possible duplicates, "
        "after spaces and legal suffixes such as 有限公司 or 科技 are removed. Lower finds more candidates.",
    )
    crm_duplicate_block_phone = fields.Boolean(
        string="Block Duplicate Phones",
        help="Refuse to save a customer whose phone or mobile number is already used by another customer "
        "of the company. Otherwise such customers are only shown as possible duplicates.",
    )

    @api.constrains("crm_duplicate_name_threshold")
    def _check_crm_duplicate_name_threshold(self):
        for company in self:
            if not 0.1 <= company.crm_duplicate_name_threshold <= 1:
                raise ValidationError(
                    _("The name similarity threshold of %s must be between 0.1 and 1.", company.display_name)
                )
