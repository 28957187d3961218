from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmServiceWorkLine(models.Model):
    """Labour or expense on a work order (repair order), billed through its sale order."""

    _name = "crm.service.work.line"
    _description = "Work Order Labour and Expense Line"
    _order = "repair_id, sequence, id"
    _check_company_auto = True

    repair_id = fields.Many2one("repair.order", string="Work Order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="repair_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    line_type = fields.Selection(
        [("labour", "Labour"), ("expense", "Expense")], string="Type", required=True, default="labour"
    )
    product_id = fields.Many2one(
        "product.product",
        string="Service",
        required=True,
        check_company=True,
        domain="[('type', '=', 'service')]",
    )
    name = fields.Char(
        string="Description", compute="_compute_name", store=True, readonly=False, required=True, precompute=True
    )
    quantity = fields.Float(string="Hours / Quantity", default=1.0, digits="Product Unit of Measure", required=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    price_unit = fields.Float(
        string="Unit Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        digits="Product Price",
        precompute=True,
    )
    under_warranty = fields.Boolean(
        compute="_compute_under_warranty",
        store=True,
        readonly=False,
        precompute=True,
        help="Covered by the asset's warranty on the work order date: billed at zero.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    price_subtotal = fields.Monetary(string="Billed Amount", compute="_compute_price_subtotal", store=True)
    sale_line_id = fields.Many2one("sale.order.line", string="Sale Order Line", readonly=True, copy=False, index=True)

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            if line.product_id:
                line.name = line.product_id.get_product_multiline_description_sale() or line.product_id.display_name

    @api.depends("product_id")
    def _compute_price_unit(self):
        for line in self:
            line.price_unit = line.product_id.lst_price

    @api.depends("repair_id.service_warranty_covered")
    def _compute_under_warranty(self):
        for line in self:
            line.under_warranty = line.repair_id.service_warranty_covered

    @api.depends("quantity", "price_unit", "under_warranty")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = 0.0 if line.under_warranty else line.quantity * line.price_unit

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity < 0:
                raise ValidationError(
                    _(
                        "Work order %(order)s: the quantity of %(line)s cannot be negative.",
                        order=line.repair_id.name,
                        line=line.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.filtered(lambda line: line.repair_id.sale_order_id)._create_sale_order_lines()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if {"quantity", "price_unit", "under_warranty", "product_id", "name"} & vals.keys():
            self._update_sale_order_lines()
        return res

    # ------------------------------------------------------------------ billing
    def _prepare_sale_order_line(self):
        self.ensure_one()
        return {
            "order_id": self.repair_id.sale_order_id.id,
            "product_id": self.product_id.id,
            "name": self.name,
            "product_uom_qty": self.quantity,
            "product_uom": self.product_id.uom_id.id,
            "price_unit": 0.0 if self.under_warranty else self.price_unit,
        }

    def _create_sale_order_lines(self):
        """One sale order line per labour/expense line of work orders that have a sale order."""
        lines = self.filtered(
            lambda line: not line.sale_line_id and line.repair_id.sale_order_id.state in ("draft", "sent", "sale")
        )
        if not lines:
            return
        sale_lines = self.env["sale.order.line"].create([line._prepare_sale_order_line() for line in lines])
        for line, sale_line in zip(lines, sale_lines, strict=True):
            line.sale_line_id = sale_line

    def _update_sale_order_lines(self):
        for line in self.filtered(lambda line: line.sale_line_id.order_id.state in ("draft", "sent")):
            values = line._prepare_sale_order_line()
            del values["order_id"]
            line.sale_line_id.write(values)

    def _set_delivered(self):
        """Mark the service sold as delivered once the work is done (manual delivery)."""
        for line in self.filtered(lambda line: line.sale_line_id.qty_delivered_method == "manual"):
            line.sale_line_id.qty_delivered = line.sale_line_id.product_uom_qty
