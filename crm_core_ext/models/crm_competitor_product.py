from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmCompetitorProduct(models.Model):
    _name = "crm.competitor.product"
    _description = "Competitor Product"
    _check_company_auto = True
    _order = "competitor_id, sequence, name, id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    name = fields.Char(string="Product", required=True, translate=False)
    code = fields.Char(string="Model / Reference")
    competitor_id = fields.Many2one(
        "res.partner",
        string="Competitor",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('crm_is_competitor', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to share this competitor product with every company.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Our Product",
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
        help="Our product that competes with this one; it gives the price comparison.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    price = fields.Monetary(
        string="Their Price", aggregator="avg", help="The competitor's usual selling price for one unit."
    )
    our_price = fields.Monetary(
        aggregator=None,
        compute="_compute_comparison",
        help="Sales price of our product, in the currency of the competitor's price.",
    )
    price_difference = fields.Monetary(
        string="Difference",
        aggregator=None,
        compute="_compute_comparison",
        help="Their price minus ours: negative when the competitor is cheaper.",
    )
    price_difference_pct = fields.Float(
        string="Difference (%)",
        compute="_compute_comparison",
        digits=(16, 2),
        aggregator=None,
        help="Their price compared with ours: -10 means they are 10% cheaper.",
    )
    strengths = fields.Text()
    weaknesses = fields.Text()
    notes = fields.Html()

    @api.depends("product_id", "product_id.lst_price", "price", "currency_id", "company_id")
    def _compute_comparison(self):
        today = fields.Date.context_today(self)
        for product in self:
            our_price = 0.0
            if product.product_id and product.currency_id:
                company = product.company_id or self.env.company
                our_price = product.product_id.currency_id._convert(
                    product.product_id.lst_price, product.currency_id, company, today
                )
            product.our_price = our_price
            product.price_difference = product.price - our_price if product.product_id else 0.0
            product.price_difference_pct = (
                100.0 * (product.price - our_price) / our_price if product.product_id and our_price else 0.0
            )

    @api.depends("name", "code", "competitor_id")
    def _compute_display_name(self):
        for product in self:
            name = f"[{product.code}] {product.name}" if product.code else product.name or ""
            if product.competitor_id and not self.env.context.get("crm_competitor_product_short"):
                name = f"{name} ({product.competitor_id.name})"
            product.display_name = name

    @api.constrains("competitor_id")
    def _check_competitor(self):
        for product in self:
            if not product.competitor_id.crm_is_competitor:
                raise ValidationError(
                    _(
                        "%(partner)s is not a competitor: flag it as a competitor before recording "
                        "its product %(product)s.",
                        partner=product.competitor_id.display_name,
                        product=product.name,
                    )
                )

    @api.constrains("price")
    def _check_price(self):
        for product in self:
            if product.price < 0:
                raise ValidationError(
                    _("The price of the competitor product %s cannot be negative.", product.display_name)
                )
