from odoo import _, models
from odoo.exceptions import ValidationError


class LoyaltyCardUpdateBalance(models.TransientModel):
    _inherit = "loyalty.card.update.balance"

    def action_update_card_point(self):
        """For ledger cards: a manager's adjustment with its reason, in the
        ledger (which writes the card history)."""
        if not self.card_id.program_id._crm_loyalty_is_ledger():
            return super().action_update_card_point()
        self.env["crm.loyalty.adjust.wizard"]._check_manager()
        if self.old_balance == self.new_balance or self.new_balance < 0:
            raise ValidationError(_("New Balance should be positive and different then old balance."))
        self.env["crm.loyalty.ledger"]._post(
            [
                {
                    "card": self.card_id,
                    "target": self.new_balance,
                    "entry_type": "adjustment",
                    "description": self.description,
                }
            ]
        )
