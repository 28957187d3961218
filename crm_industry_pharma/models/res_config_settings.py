from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_pharma_gsp = fields.Boolean(related="company_id.crm_pharma_gsp", readonly=False)
    crm_pharma_customer_licence_type_ids = fields.Many2many(
        related="company_id.crm_pharma_customer_licence_type_ids", readonly=False
    )
    crm_pharma_supplier_licence_type_ids = fields.Many2many(
        related="company_id.crm_pharma_supplier_licence_type_ids", readonly=False
    )
    crm_pharma_expiry_days = fields.Integer(related="company_id.crm_pharma_expiry_days", readonly=False)
    crm_pharma_second_approval = fields.Boolean(related="company_id.crm_pharma_second_approval", readonly=False)
    crm_pharma_adr_days_serious = fields.Integer(related="company_id.crm_pharma_adr_days_serious", readonly=False)
    crm_pharma_adr_days_general = fields.Integer(related="company_id.crm_pharma_adr_days_general", readonly=False)
    crm_pharma_recall_notify_days_1 = fields.Integer(
        related="company_id.crm_pharma_recall_notify_days_1", readonly=False
    )
    crm_pharma_recall_notify_days_2 = fields.Integer(
        related="company_id.crm_pharma_recall_notify_days_2", readonly=False
    )
    crm_pharma_recall_notify_days_3 = fields.Integer(
        related="company_id.crm_pharma_recall_notify_days_3", readonly=False
    )
    crm_pharma_recall_complete_days_1 = fields.Integer(
        related="company_id.crm_pharma_recall_complete_days_1", readonly=False
    )
    crm_pharma_recall_complete_days_2 = fields.Integer(
        related="company_id.crm_pharma_recall_complete_days_2", readonly=False
    )
    crm_pharma_recall_complete_days_3 = fields.Integer(
        related="company_id.crm_pharma_recall_complete_days_3", readonly=False
    )
