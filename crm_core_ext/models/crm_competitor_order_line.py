from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmCompetitorOrderLine(models.Model):
    _name = "crm.competitor.order.line"
    _description = "Competitor Order Line"
    _check_company_auto = True
    _order = "order_id, sequence, id"

    sequence = fields.Integer(default=10)
    order_id = fields.Many2one("crm.competitor.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    competitor_id = fields.Many2one(related="order_id.competitor_id")
    competitor_product_id = fields.Many2one(
        "crm.competitor.product",
        string="Competitor Product",
        check_company=True,
        domain="[('competitor_id', '=', competitor_id)]",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Our Equivalent",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
    )
    name = fields.Char(
        string="Description", compute="_compute_name", store=True, readonly=False, precompute=True, required=True
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Monetary(
        string="Unit Price", compute="_compute_price_unit", store=True, readonly=False, precompute=True
    )
    subtotal = fields.Monetary(compute="_compute_subtotal", store=True, precompute=True)

    @api.depends("competitor_product_id")
    def _compute_product_id(self):
        for line in self:
            line.product_id = line.competitor_product_id.product_id or line.product_id

    @api.depends("competitor_product_id")
    def _compute_name(self):
        for line in self:
            line.name = line.competitor_product_id.name or line.name or ""

    @api.depends("competitor_product_id")
    def _compute_price_unit(self):
        for line in self:
            product = line.competitor_product_id
            if product and product.currency_id == line.currency_id:
                line.price_unit = product.price
            else:
                line.price_unit = line.price_unit or 0.0

    @api.depends("quantity", "price_unit")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.quantity * line.price_unit

    @api.constrains("competitor_product_id", "quantity", "price_unit")
    def _check_line(self):
        for line in self:
            if line.competitor_product_id and line.competitor_product_id.competitor_id != line.order_id.competitor_id:
                raise ValidationError(
                    _(
                        "On the competitor order %(order)s, %(product)s is not a product of %(partner)s.",
                        order=line.order_id.name,
                        product=line.competitor_product_id.name,
                        partner=line.order_id.competitor_id.display_name,
                    )
                )
            if line.quantity < 0 or line.price_unit < 0:
                raise ValidationError(
                    _(
                        "On the competitor order %(order)s, the line %(line)s cannot have "
                        "a negative quantity or price.",
                        order=line.order_id.name,
                        line=line.name,
                    )
                )
