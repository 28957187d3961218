from odoo import api, fields, models


class CrmChannelDiversionConfirm(models.TransientModel):
    """Confirm a diversion case with its penalty: a debit note (customer
    invoice) to the offending dealer, or a deduction from its next rebate."""

    _name = "crm.channel.diversion.confirm"
    _description = "Confirm Diversion Case"

    diversion_id = fields.Many2one("crm.channel.diversion", string="Diversion Case", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="diversion_id.company_id")
    currency_id = fields.Many2one(related="diversion_id.currency_id")
    offending_partner_id = fields.Many2one(
        "res.partner",
        string="Offending Dealer",
        required=True,
        compute="_compute_offending_partner_id",
        store=True,
        readonly=False,
        domain="[('crm_channel_is_dealer', '=', True)]",
    )
    penalty_mode = fields.Selection(
        [("none", "No Penalty"), ("debit_note", "Debit Note"), ("rebate", "Rebate Deduction")],
        string="Penalty",
        required=True,
        default="debit_note",
    )
    amount = fields.Monetary(string="Penalty Amount")
    agreement_id = fields.Many2one(
        "crm.channel.rebate.agreement",
        string="Rebate Agreement",
        compute="_compute_agreement_id",
        store=True,
        readonly=False,
        domain="[('company_id', '=', company_id), ('state', '=', 'running'), "
        "('dealer_ids', 'in', offending_partner_id)]",
    )
    note = fields.Char(string="Penalty Label", help="Label of the debit note line or deduction; a default is used.")

    @api.depends("diversion_id")
    def _compute_offending_partner_id(self):
        for wizard in self:
            wizard.offending_partner_id = wizard.diversion_id.authorized_partner_id

    @api.depends("offending_partner_id", "penalty_mode")
    def _compute_agreement_id(self):
        for wizard in self:
            if wizard.penalty_mode != "rebate" or not wizard.offending_partner_id:
                wizard.agreement_id = False
                continue
            wizard.agreement_id = self.env["crm.channel.rebate.agreement"].search(
                [
                    ("company_id", "=", wizard.diversion_id.company_id.id),
                    ("state", "=", "running"),
                    ("dealer_ids", "in", wizard.offending_partner_id.ids),
                ],
                limit=1,
            )

    def action_confirm(self):
        self.ensure_one()
        mode = False if self.penalty_mode == "none" else self.penalty_mode
        self.diversion_id._crm_confirm(
            self.offending_partner_id, mode, self.amount, agreement=self.agreement_id, note=self.note
        )
        return {"type": "ir.actions.act_window_close"}


class CrmChannelDiversionDismiss(models.TransientModel):
    _name = "crm.channel.diversion.dismiss"
    _description = "Dismiss Diversion Case"

    diversion_id = fields.Many2one("crm.channel.diversion", string="Diversion Case", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_dismiss(self):
        self.ensure_one()
        self.diversion_id._crm_dismiss(self.reason)
        return {"type": "ir.actions.act_window_close"}
