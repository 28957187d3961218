from odoo import _, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def button_validate(self):
        self._crm_credit_check_delivery()
        return super().button_validate()

    def _crm_credit_check_delivery(self):
        """Refuse deliveries to customers over credit where the company asks for it.

        The customer's exposure already counts the order being delivered, so the
        delivery adds nothing: it is refused while the exposure is over the limit
        or an invoice is overdue beyond the credit period, unless a credit manager
        approved the order it comes from.
        """
        pickings = self.filtered(
            lambda p: p.picking_type_code == "outgoing"
            and p.partner_id
            and p.company_id.account_use_credit_limit
            and p.company_id.crm_credit_block_delivery
            and p.company_id.crm_credit_policy != "warn"
            and not (p.sale_id and p.sale_id._crm_credit_is_approved())
        )
        for (company, customer), __ in pickings.grouped(
            lambda p: (p.company_id, p.partner_id.commercial_partner_id)
        ).items():
            info = customer._crm_credit_status(company)[customer.id]
            problems = customer._crm_credit_problems(company, info, 0.0, _("this delivery"))
            if problems:
                raise UserError(
                    "\n".join([*problems, _("Deliveries to this customer are blocked until its credit is restored.")])
                )
