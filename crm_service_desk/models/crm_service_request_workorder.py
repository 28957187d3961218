from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crm_service_request import INTERNAL


class CrmServiceRequest(models.Model):
    _inherit = "crm.service.request"  # pylint: disable=consider-merging-classes-inherited

    asset_id = fields.Many2one("crm.service.asset", string="Asset", compute="_compute_asset_id", groups=INTERNAL)
    repair_ids = fields.One2many(
        "repair.order", "service_request_id", string="Work Orders", groups="stock.group_stock_user"
    )
    repair_count = fields.Integer(
        compute="_compute_repair_count", string="Work Order Count", groups="stock.group_stock_user"
    )
    service_sale_order_count = fields.Integer(
        compute="_compute_service_billing", string="Sale Order Count", groups="sales_team.group_sale_salesman"
    )
    service_invoice_count = fields.Integer(
        compute="_compute_service_billing", string="Invoice Count", groups="account.group_account_invoice"
    )

    @api.depends("lot_id")
    def _compute_asset_id(self):
        assets = (
            self.env["crm.service.asset"]
            .sudo()
            .search([("lot_id", "in", self.lot_id.ids), ("state", "=", "in_service")])
        )
        asset_by_lot = {asset.lot_id: asset.id for asset in assets}
        for request in self:
            request.asset_id = asset_by_lot.get(request.lot_id, False)

    def _compute_repair_count(self):
        counts = dict(
            self.env["repair.order"]._read_group(
                [("service_request_id", "in", self.ids)], ["service_request_id"], ["__count"]
            )
        )
        for request in self:
            request.repair_count = counts.get(request, 0)

    def _compute_service_billing(self):
        for request in self:
            orders = request.sudo().repair_ids.sale_order_id
            request.service_sale_order_count = len(orders)
            request.service_invoice_count = len(orders.invoice_ids)

    @api.constrains("lot_id", "partner_id")
    def _check_lot_asset(self):
        assets = (
            self.env["crm.service.asset"]
            .sudo()
            .search([("lot_id", "in", self.lot_id.ids), ("state", "=", "in_service")])
        )
        asset_by_lot = {asset.lot_id: asset for asset in assets}
        for request in self.filtered("lot_id"):
            asset = asset_by_lot.get(request.lot_id)
            if asset and asset.partner_id != request.commercial_partner_id:
                if not self.env.user._is_internal():
                    # a customer (portal) learns neither who has the serial nor that it exists
                    raise ValidationError(self._serial_not_found_message(request.lot_id.sudo().name))
                raise ValidationError(
                    _(
                        "Serial number %(lot)s is installed at %(owner)s (asset %(asset)s), "
                        "not at %(customer)s: request %(request)s cannot use it.",
                        lot=request.lot_id.name,
                        owner=asset.partner_id.display_name,
                        asset=asset.name,
                        customer=request.commercial_partner_id.display_name,
                        request=request.display_name,
                    )
                )

    # ------------------------------------------------------------------ actions
    def action_dispatch_work_order(self):
        """Open a new work order for this request, filled from it."""
        self.ensure_one()
        if self.state in ("closed", "cancelled"):
            raise UserError(
                _("Request %(request)s is closed: no work order can be dispatched.", request=self.display_name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Dispatch Work Order"),
            "res_model": "repair.order",
            "views": [[self.env.ref("repair.view_repair_order_form").id, "form"]],
            "target": "current",
            "context": {
                "default_service_request_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_technician_id": (self.user_id or self.env.user).id,
                "default_internal_notes": self.description,
                "default_company_id": self.company_id.id,
            },
        }

    def action_view_work_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service_desk.repair_order_action_service")
        action["domain"] = [("service_request_id", "=", self.id)]
        action["context"] = {"default_service_request_id": self.id, "default_partner_id": self.partner_id.id}
        return action

    def action_view_asset(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.service.asset",
            "views": [[False, "form"]],
            "res_id": self.asset_id.id,
        }

    def action_view_service_sale_orders(self):
        self.ensure_one()
        orders = self.repair_ids.sale_order_id
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [("id", "in", orders.ids)]
        action["context"] = {"create": False}
        return action

    def action_view_service_invoices(self):
        self.ensure_one()
        invoices = self.repair_ids.sale_order_id.invoice_ids
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"create": False}
        return action
