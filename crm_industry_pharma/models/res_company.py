from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_pharma_gsp = fields.Boolean(
        string="GSP Checks",
        help="Refuse to confirm sale orders, validate deliveries and confirm purchase orders of regulated "
        "products with partners that lack a valid licence, are not licensed for the product's business scope, "
        "or have not passed the first-business approval.",
    )
    crm_pharma_customer_licence_type_ids = fields.Many2many(
        "crm.pharma.licence.type",
        "crm_pharma_company_customer_licence_type_rel",
        "company_id",
        "type_id",
        string="Licences Required of Customers",
    )
    crm_pharma_supplier_licence_type_ids = fields.Many2many(
        "crm.pharma.licence.type",
        "crm_pharma_company_supplier_licence_type_rel",
        "company_id",
        "type_id",
        string="Licences Required of Suppliers",
    )
    crm_pharma_expiry_days = fields.Integer(
        string="Licence Expiry Reminder (days)",
        default=30,
        help="A daily job plans an activity this many days before a licence expires.",
    )
    crm_pharma_second_approval = fields.Boolean(
        string="Second Approval Level",
        help="A first-business approval signed off by a quality manager also needs a quality director's " "approval.",
    )

    @api.constrains("crm_pharma_expiry_days")
    def _check_crm_pharma_expiry_days(self):
        for company in self:
            if company.crm_pharma_expiry_days < 0:
                raise ValidationError(
                    _("The licence expiry reminder of %(company)s cannot be negative.", company=company.name)
                )

    crm_pharma_adr_days_serious = fields.Integer(
        string="Serious Adverse Event Reporting Days",
        default=15,
        help="Days from the day the company learns of a serious adverse event (or a death) to report it.",
    )
    crm_pharma_adr_days_general = fields.Integer(
        string="Other Adverse Event Reporting Days",
        default=30,
        help="Days from the day the company learns of any other adverse event to report it.",
    )

    @api.constrains("crm_pharma_adr_days_serious", "crm_pharma_adr_days_general")
    def _check_crm_pharma_adr_days(self):
        for company in self:
            if company.crm_pharma_adr_days_serious < 0 or company.crm_pharma_adr_days_general < 0:
                raise ValidationError(self.env._("Adverse event reporting days cannot be negative."))
