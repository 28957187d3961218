from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class CrmLoyaltyAdjustWizard(models.TransientModel):
    _name = "crm.loyalty.adjust.wizard"
    _description = "Adjust Loyalty Points"

    card_id = fields.Many2one("loyalty.card", string="Loyalty Card", required=True, readonly=True)
    partner_id = fields.Many2one(related="card_id.partner_id", string="Customer")
    balance = fields.Float(related="card_id.points", string="Current Balance")
    points = fields.Float(required=True, help="Points to add (positive) or to take (negative).")
    expiry_date = fields.Date(help="For points added: when they expire. Empty: as the program says.")
    reason = fields.Text(required=True)

    @api.model
    def _check_manager(self):
        if not self.env.user.has_group("crm_loyalty.crm_loyalty_group_manager"):
            raise AccessError(_("Only loyalty managers can adjust points."))

    def action_apply(self):
        self.ensure_one()
        self._check_manager()
        if not self.points:
            raise UserError(_("Enter the points to add or to take from card %(card)s.", card=self.card_id.code))
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason of the adjustment of card %(card)s.", card=self.card_id.code))
        if not self.card_id.program_id._crm_loyalty_is_ledger():
            raise UserError(_("Card %(card)s does not belong to a loyalty program.", card=self.card_id.code))
        entry = {
            "card": self.card_id,
            "points": self.points,
            "entry_type": "adjustment",
            "description": self.reason.strip(),
        }
        if self.points > 0 and self.expiry_date:
            entry["expiry_date"] = self.expiry_date
        self.env["crm.loyalty.ledger"]._post([entry])
        self.card_id.message_post(
            body=_("Points adjusted by %(points)s: %(reason)s", points=self.points, reason=self.reason.strip())
        )
        return {"type": "ir.actions.act_window_close"}
