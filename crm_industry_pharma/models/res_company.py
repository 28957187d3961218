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

    # 药品召回管理办法 (2022): the recall notice goes out within 1, 3 or 7 days
    # of the decision for a level I, II or III recall; the completion
    # deadlines are the company's own recall plan.
    crm_pharma_recall_notify_days_1 = fields.Integer(string="Level I Recall: Days to Notify", default=1)
    crm_pharma_recall_notify_days_2 = fields.Integer(string="Level II Recall: Days to Notify", default=3)
    crm_pharma_recall_notify_days_3 = fields.Integer(string="Level III Recall: Days to Notify", default=7)
    crm_pharma_recall_complete_days_1 = fields.Integer(string="Level I Recall: Days to Complete", default=10)
    crm_pharma_recall_complete_days_2 = fields.Integer(string="Level II Recall: Days to Complete", default=20)
    crm_pharma_recall_complete_days_3 = fields.Integer(string="Level III Recall: Days to Complete", default=30)

    @api.constrains(
        "crm_pharma_recall_notify_days_1",
        "crm_pharma_recall_notify_days_2",
        "crm_pharma_recall_notify_days_3",
        "crm_pharma_recall_complete_days_1",
        "crm_pharma_recall_complete_days_2",
        "crm_pharma_recall_complete_days_3",
    )
    def _check_crm_pharma_recall_days(self):
        for company in self:
            for level in ("1", "2", "3"):
                notify, complete = company._crm_pharma_recall_days(level)
                if notify < 0 or complete < notify:
                    raise ValidationError(
                        self.env._(
                            "The recall deadlines of %(company)s: the days to notify cannot be negative, and the "
                            "days to complete cannot be fewer than the days to notify (level %(level)s).",
                            company=company.name,
                            level=level,
                        )
                    )

    def _crm_pharma_recall_days(self, level):
        """(days to notify, days to complete) of a recall of ``level`` ('1', '2' or '3')."""
        self.ensure_one()
        return (
            self[f"crm_pharma_recall_notify_days_{level}"],
            self[f"crm_pharma_recall_complete_days_{level}"],
        )
