from odoo import _, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        self._crm_credit_check_invoice()
        return super()._post(soft=soft)

    def _crm_credit_check_invoice(self):
        """Refuse to post customer invoices over credit where the company asks for it.

        Invoices of orders approved by a credit manager pass.
        """
        invoices = self.filtered(
            lambda m: m.move_type == "out_invoice"
            and m.state == "draft"
            and m.company_id.account_use_credit_limit
            and m.company_id.crm_credit_block_invoice
            and m.company_id.crm_credit_policy != "warn"
        )
        invoices = invoices.filtered(
            lambda m: not any(order._crm_credit_is_approved() for order in m.line_ids.sale_line_ids.order_id)
        )
        for (company, customer), moves in invoices.grouped(
            lambda m: (m.company_id, m.partner_id.commercial_partner_id)
        ).items():
            # Once posted, these invoices leave "orders not invoiced" for the
            # quantities they invoice and enter the receivables whole.
            info = customer._crm_credit_status(company, posting_moves=moves)[customer.id]
            amount = sum(moves.mapped("amount_total_signed"))
            problems = customer._crm_credit_problems(company, info, amount, _("invoice"))
            if problems:
                raise UserError("\n".join(problems))
