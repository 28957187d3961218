from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError


class CommissionSettlement(models.Model):
    _inherit = "commission.settlement"

    settlement_type = fields.Selection(
        selection_add=[("crm_payment", "Customer payments")],
        ondelete={"crm_payment": "cascade"},
    )
    state = fields.Selection(
        selection_add=[("invoiced", "Billed"), ("payroll", "Sent to payroll")],
        ondelete={"invoiced": "set default", "payroll": "set default"},
    )
    crm_line_ids = fields.One2many("crm.channel.commission.line", "settlement_id", string="Commissions")
    bill_id = fields.Many2one("account.move", string="Vendor Bill", readonly=True, copy=False, index="btree_not_null")

    def _crm_check_manager(self):
        if not self.env.user.has_group("crm_channel_mgmt.crm_channel_mgmt_group_manager"):
            raise AccessError(self.env._("Only channel administrators can bill or pay commission settlements."))
        self.check_access("write")

    def action_cancel(self):
        if any(settlement.bill_id for settlement in self):
            raise UserError(self.env._("Cancel the vendor bill of a billed settlement instead."))
        res = super().action_cancel()
        self.crm_line_ids.write({"settlement_id": False})
        return res

    def action_crm_create_bill(self):
        """One vendor bill (or refund, when reversals outweigh) per settlement of an external agent."""
        self._crm_check_manager()
        for settlement in self:
            if settlement.state != "settled" or settlement.bill_id:
                raise UserError(
                    self.env._("Settlement %(name)s is not open for billing.", name=settlement.display_name)
                )
            if settlement.agent_type != "agent":
                raise UserError(
                    self.env._(
                        "%(agent)s is an employee: their commissions are paid through payroll, not a vendor bill.",
                        agent=settlement.agent_id.display_name,
                    )
                )
        bills = self.env["account.move"]
        for settlement in self:
            bill = (
                self.env["account.move"]
                .sudo()
                .with_company(settlement.company_id)
                .create(settlement._crm_prepare_bill_vals())
            )
            settlement.sudo().write({"bill_id": bill.id, "state": "invoiced"})
            bills |= bill
        return bills

    def action_crm_mark_payroll(self):
        self._crm_check_manager()
        for settlement in self:
            if settlement.state != "settled" or settlement.agent_type != "salesman":
                raise UserError(
                    self.env._(
                        "Only open settlements of employees go to payroll (%(name)s).",
                        name=settlement.display_name,
                    )
                )
        self.sudo().write({"state": "payroll"})

    def action_crm_view_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.bill_id.id,
            "view_mode": "form",
        }

    def _crm_prepare_bill_vals(self):
        self.ensure_one()
        product = self.env.ref("crm_channel_commission.product_commission", raise_if_not_found=False)
        total = self.total
        name = self.env._(
            "Commissions of %(agent)s from %(date_from)s to %(date_to)s",
            agent=self.agent_id.display_name,
            date_from=self.date_from,
            date_to=self.date_to,
        )
        line_vals = {"name": name, "quantity": 1, "price_unit": abs(total)}
        if product:
            line_vals["product_id"] = product.id
            line_vals["tax_ids"] = [Command.clear()]
        return {
            "move_type": "in_invoice" if total >= 0 else "in_refund",
            "partner_id": self.agent_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": self.date_to,
            "ref": self.name or name,
            "invoice_line_ids": [Command.create(line_vals)],
        }
