from odoo import api, models

from .account_move import INVOICE_TYPES


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def _crm_loyalty_invoices(self):
        moves = self.debit_move_id.move_id | self.credit_move_id.move_id
        invoices = moves.filtered(lambda move: move.move_type in INVOICE_TYPES)
        payments = moves - invoices
        return invoices, payments if len(payments) == 1 else payments.browse()

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        invoices, payment = partials._crm_loyalty_invoices()
        invoices._crm_loyalty_sync(payment_move=payment)
        return partials

    def unlink(self):
        invoices, __ = self._crm_loyalty_invoices()
        res = super().unlink()
        invoices.exists()._crm_loyalty_sync()
        return res
