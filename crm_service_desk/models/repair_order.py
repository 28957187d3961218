from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare


class RepairOrder(models.Model):
    """Work orders of the service desk are repair orders dispatched from a request."""

    _inherit = "repair.order"

    service_request_id = fields.Many2one(
        "crm.service.request",
        string="Service Request",
        index="btree_not_null",
        check_company=True,
        tracking=True,
    )
    service_asset_id = fields.Many2one(
        "crm.service.asset",
        string="Asset",
        compute="_compute_service_asset_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        tracking=True,
    )
    service_lot_id = fields.Many2one(related="service_asset_id.lot_id", string="Asset Serial Number")
    service_product_id = fields.Many2one(related="service_asset_id.product_id", string="Asset Product")
    service_warranty_end = fields.Date(related="service_asset_id.warranty_end", string="Warranty Until")
    service_warranty_covered = fields.Boolean(
        string="Asset Under Warranty",
        compute="_compute_service_warranty_covered",
        store=True,
        help="The asset's warranty covers the planned date of the work order.",
    )
    technician_id = fields.Many2one(
        "res.users",
        string="Technician",
        check_company=True,
        tracking=True,
        index="btree_not_null",
        domain="[('share', '=', False)]",
    )
    service_location_type = fields.Selection(
        [("field", "On Site"), ("workshop", "Workshop")],
        string="Service Location",
        default="field",
        required=True,
    )
    planned_duration = fields.Float(string="Planned Duration (hours)")
    travel_hours = fields.Float(string="Travel Time (hours)")
    service_line_ids = fields.One2many("crm.service.work.line", "repair_id", string="Labour and Expenses", copy=True)
    service_amount = fields.Monetary(
        string="Labour and Expenses Billed", compute="_compute_service_amount", currency_field="service_currency_id"
    )
    service_currency_id = fields.Many2one(related="company_id.currency_id", string="Service Currency")

    @api.depends("service_request_id")
    def _compute_service_asset_id(self):
        for repair in self:
            if repair.service_request_id and not repair.service_asset_id:
                repair.service_asset_id = repair.service_request_id.asset_id

    @api.depends("service_asset_id.warranty_start", "service_asset_id.warranty_end", "schedule_date")
    def _compute_service_warranty_covered(self):
        for repair in self:
            day = fields.Date.context_today(repair, timestamp=repair.schedule_date) if repair.schedule_date else False
            repair.service_warranty_covered = bool(
                repair.service_asset_id and day and repair.service_asset_id.covers(day)
            )

    @api.depends("service_line_ids.price_subtotal")
    def _compute_service_amount(self):
        for repair in self:
            repair.service_amount = sum(repair.service_line_ids.mapped("price_subtotal"))

    @api.constrains("service_asset_id", "partner_id")
    def _check_service_asset_partner(self):
        for repair in self.filtered("service_asset_id"):
            customer = repair.partner_id.commercial_partner_id
            if customer and repair.service_asset_id.partner_id != customer:
                raise ValidationError(
                    _(
                        "Work order %(order)s: asset %(asset)s belongs to %(owner)s, not to %(customer)s.",
                        order=repair.name,
                        asset=repair.service_asset_id.display_name,
                        owner=repair.service_asset_id.partner_id.display_name,
                        customer=customer.display_name,
                    )
                )

    # ------------------------------------------------------------------ host hooks
    def action_create_sale_order(self):
        res = super().action_create_sale_order()
        self.service_line_ids._create_sale_order_lines()
        return res

    def _update_sale_order_line_price(self):
        res = super()._update_sale_order_line_price()
        self.filtered(lambda r: not r.under_warranty).move_ids._zero_warranty_sale_lines()
        return res

    def action_repair_end(self):
        self._check_service_parts_available()
        return super().action_repair_end()

    def action_repair_done(self):
        res = super().action_repair_done()
        self.service_line_ids._set_delivered()
        return res

    def _check_service_parts_available(self):
        """Refuse to end a work order whose parts are not all in stock at their location.

        The host would cancel unreserved parts and finish the repair anyway; a
        work order must consume what the technician used, or stop with the list
        of what is missing so nothing is half done.
        """
        work_orders = self.filtered(lambda r: r.service_request_id or r.service_asset_id)
        moves = work_orders.move_ids.filtered(
            lambda m: m.repair_line_type == "add" and m.product_id.is_storable and m.state not in ("done", "cancel")
        )
        if not moves:
            return
        moves.filtered(lambda m: not m.picked)._action_assign()
        missing = moves.filtered(
            lambda m: float_compare(m.quantity, m.product_uom_qty, precision_rounding=m.product_uom.rounding) < 0
        )
        if missing:
            parts = "\n".join(
                self.env._(
                    "%(product)s: %(needed)s needed at %(location)s, %(available)s available",
                    product=move.product_id.display_name,
                    needed=move.product_uom_qty,
                    location=move.location_id.display_name,
                    available=move.quantity,
                )
                for move in missing
            )
            raise UserError(
                _(
                    "Work order %(order)s cannot be ended: not enough parts in stock.\n%(parts)s",
                    order=", ".join(missing.repair_id.mapped("name")),
                    parts=parts,
                )
            )

    # ------------------------------------------------------------------ actions
    def action_view_service_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.service.request",
            "views": [[False, "form"]],
            "res_id": self.service_request_id.id,
        }

    def action_print_service_work_order(self):
        return self.env.ref("crm_service_desk.action_report_service_work_order").report_action(self)
