from odoo import api, fields, models


class CrmCreditApprovalWizard(models.TransientModel):
    _name = "crm.credit.approval.wizard"
    _description = "Credit Approval of a Sale Order"

    order_id = fields.Many2one("sale.order", required=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one(related="order_id.partner_id")
    problems = fields.Text(compute="_compute_problems", string="Credit Problems")
    reason = fields.Text(required=True)

    @api.depends("order_id")
    def _compute_problems(self):
        for wizard in self:
            wizard.problems = "\n".join(wizard.order_id._crm_credit_problems())

    def action_approve(self):
        self.ensure_one()
        self.order_id._crm_credit_approve(self.reason)
        return {"type": "ir.actions.act_window_close"}

    def action_reject(self):
        self.ensure_one()
        self.order_id._crm_credit_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
