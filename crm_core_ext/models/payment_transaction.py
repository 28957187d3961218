from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """Quotations paid online over credit wait for a credit manager.

        The money is received: the payment must go through (and be recorded)
        whatever the customer's credit. Instead of the credit gate's error,
        which would fail the payment's processing and show the customer its
        credit figures, the order goes to the approval path; the host confirms
        the others. Same conditions as the host's confirmation.
        """
        held = self.browse()
        for tx in self:
            if len(tx.sale_order_ids) != 1:
                continue
            quotation = tx.sale_order_ids.filtered(lambda so: so.state in ("draft", "sent"))
            if quotation and quotation._is_confirmation_amount_reached() and quotation._crm_credit_hold():
                held |= tx
        return super(PaymentTransaction, self - held)._check_amount_and_confirm_order()
