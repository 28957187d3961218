from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    service_create_asset = fields.Boolean(
        string="Create installed-base asset",
        help="Delivering a serial number of this product to a customer creates an installed-base asset.",
    )
    service_warranty_months = fields.Integer(
        string="Warranty (months)",
        default=lambda self: self.env.company.service_warranty_months,
        help="Warranty period counted from the delivery date; 0 means no warranty.",
    )

    @api.constrains("service_warranty_months")
    def _check_service_warranty_months(self):
        for template in self:
            if template.service_warranty_months < 0:
                raise ValidationError(
                    _("The warranty period of %(product)s cannot be negative.", product=template.display_name)
                )
