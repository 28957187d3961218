from odoo import models

# what the sales target facts of a posted customer invoice depend on (crm.sales.target.fact)
_FACT_FIELDS = {
    "state",
    "move_type",
    "invoice_date",
    "team_id",
    "invoice_user_id",
    "partner_id",
    "company_id",
    "line_ids",
    "invoice_line_ids",
}


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        res = super().write(vals)
        if _FACT_FIELDS.intersection(vals):
            # posting, resetting to draft or cancelling adds or removes the invoice's facts
            moves = self.filtered(
                lambda m: m.move_type in ("out_invoice", "out_refund") and ("state" in vals or m.state == "posted")
            )
            self.env["crm.sales.target.fact"]._mark("move", moves.ids)
        return res
