from odoo import api, models

# what the sales target facts of a posted customer invoice depend on (crm.sales.target.fact)
_FACT_FIELDS = {
    "move_id",
    "product_id",
    "product_uom_id",
    "quantity",
    "price_unit",
    "balance",
    "debit",
    "credit",
    "amount_currency",
    "display_type",
}


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _crm_target_mark(self):
        moves = self.move_id.filtered(lambda m: m.state == "posted" and m.move_type in ("out_invoice", "out_refund"))
        self.env["crm.sales.target.fact"]._mark("move", moves.ids)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._crm_target_mark()
        return lines

    def write(self, vals):
        if "move_id" in vals:
            self._crm_target_mark()
        res = super().write(vals)
        if _FACT_FIELDS.intersection(vals):
            self._crm_target_mark()
        return res
