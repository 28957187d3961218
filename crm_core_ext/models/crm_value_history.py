from odoo import fields, models


class CrmValueHistory(models.Model):
    """One customer's value at one computation.

    Rows are written in bulk by ``crm.value.model._recompute()`` (SQL
    ``INSERT ... SELECT``); they are read-only for everybody in the interface.
    A row without level and with an empty recency records that the customer
    left the pyramid (no invoice in the window any more).
    """

    _name = "crm.value.history"
    _description = "Customer Value History"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    model_id = fields.Many2one(
        "crm.value.model",
        string="Value Model",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    date = fields.Date(required=True, index=True)
    recency_days = fields.Integer(string="Days Since Last Invoice", aggregator="avg")
    frequency = fields.Integer(string="Invoices (net of credit notes)", aggregator="avg")
    monetary = fields.Monetary(string="Revenue (untaxed)", currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    score = fields.Float(digits=(16, 2), aggregator="avg")
    level_id = fields.Many2one(
        "crm.value.level",
        string="Level",
        index=True,
        ondelete="set null",
        check_company=True,
    )
