from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmServiceAsset(models.Model):
    """Installed base: one asset per serial number delivered to a customer.

    Assets are created when a delivery of a serial-tracked product flagged
    "Create installed-base asset" is validated; the warranty starts on the
    delivery date and lasts the product's warranty period. A return marks the
    asset returned; delivering the serial again reuses the asset.
    """

    _name = "crm.service.asset"
    _description = "Installed Base Asset"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "lot_id.name"]

    name = fields.Char(compute="_compute_name", store=True, index="trigram")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        ondelete="restrict",
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True, index=True, string="Product")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    address_id = fields.Many2one(
        "res.partner",
        string="Installation Address",
        check_company=True,
        tracking=True,
        domain="[('id', 'child_of', partner_id)]",
    )
    delivery_picking_id = fields.Many2one("stock.picking", string="Last Delivery", readonly=True, copy=False)
    state = fields.Selection(
        [("in_service", "In Service"), ("returned", "Returned")],
        required=True,
        default="in_service",
        tracking=True,
        index=True,
    )
    warranty_start = fields.Date(tracking=True, help="Delivery date of the serial number.")
    warranty_end = fields.Date(
        compute="_compute_warranty_end",
        store=True,
        readonly=False,
        tracking=True,
        help="Warranty start plus the product's warranty period; a service manager may change it.",
    )
    warranty_state = fields.Selection(
        [
            ("none", "No Warranty"),
            ("upcoming", "Warranty Not Started"),
            ("active", "Under Warranty"),
            ("expired", "Expired"),
        ],
        compute="_compute_warranty_state",
        search="_search_warranty_state",
    )
    request_ids = fields.One2many("crm.service.request", compute="_compute_request_ids", string="Service Requests")
    request_count = fields.Integer(compute="_compute_request_ids", string="Requests")
    repair_ids = fields.One2many("repair.order", "service_asset_id", string="Work Orders")
    repair_count = fields.Integer(compute="_compute_repair_count", string="Work Order Count")
    part_move_ids = fields.One2many("stock.move", compute="_compute_part_move_ids", string="Parts Replaced")

    @api.depends("product_id", "lot_id")
    def _compute_name(self):
        for asset in self:
            asset.name = f"{asset.product_id.name or ''} / {asset.lot_id.name or ''}"

    @api.depends("warranty_start", "product_id.product_tmpl_id.service_warranty_months")
    def _compute_warranty_end(self):
        for asset in self:
            months = asset.product_id.product_tmpl_id.service_warranty_months
            if asset.warranty_start and months > 0:
                asset.warranty_end = asset.warranty_start + relativedelta(months=months, days=-1)
            else:
                asset.warranty_end = False

    @api.depends("warranty_start", "warranty_end")
    def _compute_warranty_state(self):
        # the same cases as _search_warranty_state, in the user's today
        today = fields.Date.context_today(self)
        for asset in self:
            if not asset.warranty_end:
                asset.warranty_state = "none"
            elif asset.warranty_end < today:
                asset.warranty_state = "expired"
            elif asset.warranty_start and asset.warranty_start > today:
                asset.warranty_state = "upcoming"
            else:
                asset.warranty_state = "active"

    def _search_warranty_state(self, operator, value):
        if operator not in ("=", "!=") or value not in ("none", "upcoming", "active", "expired"):
            raise ValidationError(_("Unsupported search on warranty state."))
        today = fields.Date.context_today(self)
        domains = {
            "none": [("warranty_end", "=", False)],
            "upcoming": [("warranty_end", ">=", today), ("warranty_start", ">", today)],
            "active": [
                ("warranty_end", ">=", today),
                "|",
                ("warranty_start", "=", False),
                ("warranty_start", "<=", today),
            ],
            "expired": [("warranty_end", "<", today)],
        }
        ids = self._search(domains[value])
        return [("id", "in" if operator == "=" else "not in", ids)]

    def _compute_request_ids(self):
        requests = self.env["crm.service.request"].search([("lot_id", "in", self.lot_id.ids)])
        by_lot = defaultdict(lambda: self.env["crm.service.request"])
        for request in requests:
            by_lot[request.lot_id] |= request
        for asset in self:
            asset.request_ids = by_lot[asset.lot_id]
            asset.request_count = len(asset.request_ids)

    def _compute_repair_count(self):
        counts = dict(
            self.env["repair.order"]._read_group(
                [("service_asset_id", "in", self.ids)], ["service_asset_id"], ["__count"]
            )
        )
        for asset in self:
            asset.repair_count = counts.get(asset, 0)

    @api.depends("repair_ids.move_ids.state")
    def _compute_part_move_ids(self):
        for asset in self:
            asset.part_move_ids = asset.repair_ids.move_ids.filtered(
                lambda m: m.repair_line_type == "add" and m.state == "done"
            )

    @api.constrains("lot_id", "company_id")
    def _check_lot_unique(self):
        counts = self.with_context(active_test=False)._read_group(
            [("lot_id", "in", self.lot_id.ids)], ["lot_id", "company_id"], ["__count"]
        )
        for lot, _company, count in counts:
            if count > 1:
                raise ValidationError(
                    _("Serial number %(lot)s already has an installed-base asset.", lot=lot.display_name)
                )

    @api.constrains("lot_id")
    def _check_lot_serial(self):
        for asset in self:
            if asset.lot_id.product_id.tracking != "serial":
                raise ValidationError(
                    _(
                        "Asset %(asset)s: product %(product)s is not tracked by serial number.",
                        asset=asset.display_name,
                        product=asset.lot_id.product_id.display_name,
                    )
                )

    # ------------------------------------------------------------------ business
    def covers(self, date):
        """Whether the warranty of this asset covers ``date`` (a date)."""
        self.ensure_one()
        return bool(self.warranty_start and self.warranty_end and self.warranty_start <= date <= self.warranty_end)

    @api.model
    def _sync_from_pickings(self, pickings):
        """Create or update the assets of serials moved by done ``pickings``.

        Serials delivered to a customer location get an asset (created in one
        batch) or, if they already have one, their asset follows the new
        customer; serials coming back from a customer location mark their asset
        returned. Runs as superuser: the warehouse user needs no service rights.
        """
        lines = pickings.move_line_ids.filtered(
            lambda ml: ml.state == "done"
            and ml.lot_id
            and ml.product_id.tracking == "serial"
            and ml.product_id.product_tmpl_id.service_create_asset
        )
        if not lines:
            return self
        Asset = self.sudo().with_context(active_test=False, tracking_disable=True)
        assets = Asset.search([("lot_id", "in", lines.lot_id.ids)])
        asset_by_lot = {asset.lot_id: asset for asset in assets}
        returned = Asset.browse()
        updates = defaultdict(lambda: Asset.browse())
        to_create = {}
        for line in lines.sorted(lambda ml: (ml.picking_id.date_done, ml.id)):
            picking = line.picking_id
            source, destination = line.location_id.usage, line.location_dest_id.usage
            asset = asset_by_lot.get(line.lot_id)
            if source == "customer" and destination != "customer":
                if asset:
                    returned |= asset
                continue
            if destination != "customer" or source == "customer":
                continue
            address = picking.partner_id
            customer = address.commercial_partner_id
            if not customer:
                continue
            if asset:
                returned -= asset
                updates[(customer.id, address.id, picking.id)] |= asset
            else:
                to_create[line.lot_id] = {
                    "lot_id": line.lot_id.id,
                    "company_id": line.company_id.id,
                    "partner_id": customer.id,
                    "address_id": address.id,
                    "delivery_picking_id": picking.id,
                    "warranty_start": fields.Date.context_today(self, timestamp=picking.date_done),
                }
        returned.write({"state": "returned"})
        for (customer_id, address_id, picking_id), to_update in updates.items():
            to_update.write(
                {
                    "partner_id": customer_id,
                    "address_id": address_id,
                    "delivery_picking_id": picking_id,
                    "state": "in_service",
                    "active": True,
                }
            )
        return Asset.create(list(to_create.values()))

    # ------------------------------------------------------------------ actions
    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service_desk.crm_service_request_action")
        action["domain"] = [("lot_id", "=", self.lot_id.id)]
        action["context"] = {
            "default_partner_id": self.partner_id.id,
            "default_product_id": self.product_id.id,
            "default_lot_id": self.lot_id.id,
        }
        return action

    def action_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service_desk.repair_order_action_service")
        action["domain"] = [("service_asset_id", "=", self.id)]
        action["context"] = {"default_service_asset_id": self.id, "default_partner_id": self.partner_id.id}
        return action
