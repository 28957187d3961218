from odoo import api, models

from .account_move import INVOICE_TYPES


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def _crm_loyalty_invoices(self):
        """The customer invoices touched, the payment (when there is one
        other move) and, for invoices matched with a credit note, the credit
        note as the reason of the change."""
        moves = self.debit_move_id.move_id | self.credit_move_id.move_id
        invoices = moves.filtered(lambda move: move.move_type in INVOICE_TYPES)
        payments = moves - invoices
        reasons = {}
        for partial in self:
            debit, credit = partial.debit_move_id.move_id, partial.credit_move_id.move_id
            if debit.move_type == "out_invoice" and credit.move_type == "out_refund":
                reasons[debit.id] = {
                    "credit_note_id": credit.id,
                    "description": self.env._("Credit note %s", credit.name),
                }
        return invoices, payments if len(payments) == 1 else payments.browse(), reasons

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        invoices, payment, reasons = partials._crm_loyalty_invoices()
        invoices._crm_loyalty_sync(reasons, payment_move=payment)
        return partials

    def unlink(self):
        invoices, __, __ = self._crm_loyalty_invoices()
        res = super().unlink()
        invoices.exists()._crm_loyalty_sync()
        return res
