from odoo import fields, models


class CrmLoyaltyLedgerConsumption(models.Model):
    """Which batch a negative ledger row took its points from (negative
    points), or gave them back to (positive points, when a redemption is
    undone)."""

    _name = "crm.loyalty.ledger.consumption"
    _description = "Loyalty Points Taken From a Batch"
    _order = "id"

    entry_id = fields.Many2one("crm.loyalty.ledger", string="Entry", required=True, ondelete="cascade", index=True)
    batch_id = fields.Many2one("crm.loyalty.ledger", string="Batch", required=True, ondelete="cascade", index=True)
    points = fields.Float(digits=(16, 2), required=True)
    company_id = fields.Many2one(related="entry_id.company_id")
    batch_date = fields.Date(related="batch_id.date", string="Batch Date")
    batch_expiry_date = fields.Date(related="batch_id.expiry_date", string="Batch Expiry")
