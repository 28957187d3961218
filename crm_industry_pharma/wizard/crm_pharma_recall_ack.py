from odoo import fields, models


class CrmPharmaRecallAck(models.TransientModel):
    _name = "crm.pharma.recall.ack"
    _description = "Lot Recall Acknowledgement"

    line_id = fields.Many2one("crm.pharma.recall.line", string="Recall Customer", required=True, readonly=True)
    partner_id = fields.Many2one(related="line_id.partner_id")
    qty_outstanding = fields.Float(related="line_id.qty_outstanding")
    date_acknowledged = fields.Datetime(string="Acknowledged On", required=True, default=fields.Datetime.now)
    ack_contact = fields.Char(string="Acknowledged By", required=True, help="The customer's person who answered.")
    response = fields.Text(help="Stock held and sealed, quantity sold or used, when it is returned.")

    def action_confirm(self):
        self.ensure_one()
        self.line_id._acknowledge(self.date_acknowledged, self.ack_contact, self.response)
        return {"type": "ir.actions.act_window_close"}
