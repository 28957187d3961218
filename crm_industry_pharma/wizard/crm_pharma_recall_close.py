from odoo import fields, models


class CrmPharmaRecallClose(models.TransientModel):
    _name = "crm.pharma.recall.close"
    _description = "Close Lot Recall Customers"

    recall_id = fields.Many2one("crm.pharma.recall", required=True, readonly=True)
    line_ids = fields.Many2many("crm.pharma.recall.line", string="Customers", readonly=True)
    close_recall = fields.Boolean(readonly=True, help="Close the recall too.")
    reason = fields.Text(required=True, help="Why these customers are closed with quantities still outstanding.")

    def action_confirm(self):
        self.ensure_one()
        if self.close_recall:
            self.recall_id._close_with_reason(self.reason)
        else:
            self.line_ids._close_with_reason(self.reason)
        return {"type": "ir.actions.act_window_close"}
