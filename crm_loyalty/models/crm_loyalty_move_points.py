from odoo import fields, models


class CrmLoyaltyMovePoints(models.Model):
    """The points a customer invoice earns in full on one loyalty card, fixed
    when the invoice is posted. What the ledger holds for the invoice follows
    the program's accrual moment: all of it once posted, or the share that
    the customer has paid; credit notes of the invoice lower it."""

    _name = "crm.loyalty.move.points"
    _description = "Loyalty Points Earned by an Invoice"
    _check_company_auto = True

    move_id = fields.Many2one("account.move", string="Invoice", required=True, ondelete="cascade", index=True)
    card_id = fields.Many2one("loyalty.card", string="Loyalty Card", required=True, ondelete="cascade", index=True)
    program_id = fields.Many2one("loyalty.program", string="Program", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", string="Company", required=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    points = fields.Float(string="Points in Full", digits=(16, 2))
    amount = fields.Monetary(currency_field="currency_id", help="Untaxed amount, company currency.")

    _sql_constraints = [
        ("move_card_uniq", "UNIQUE(move_id, card_id)", "An invoice earns points once per loyalty card."),
    ]
