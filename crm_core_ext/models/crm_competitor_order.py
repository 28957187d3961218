from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmCompetitorOrder(models.Model):
    """A deal a competitor is known to have closed with a customer (竞争订单)."""

    _name = "crm.competitor.order"
    _description = "Competitor Order"
    _inherit = ["mail.thread"]
    _check_company_auto = True
    _order = "date desc, id desc"

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: _("New"),
    )
    competitor_id = fields.Many2one(
        "res.partner",
        string="Competitor",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
        domain="[('crm_is_competitor', '=', True)]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    date = fields.Date(string="Order Date", required=True, default=fields.Date.context_today, tracking=True)
    lead_id = fields.Many2one(
        "crm.lead",
        string="Source Opportunity",
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded By",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.company.currency_id)
    line_ids = fields.One2many("crm.competitor.order.line", "order_id", string="Products", copy=True)
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Total of the product lines, or the amount known when the products are not.",
    )
    source = fields.Selection(
        [
            ("customer", "Told by the Customer"),
            ("tender", "Published Tender Result"),
            ("market", "Market Intelligence"),
            ("other", "Other"),
        ],
        string="Information Source",
        default="customer",
    )
    notes = fields.Html()

    @api.depends("line_ids.subtotal")
    def _compute_amount(self):
        for order in self:
            if order.line_ids:
                order.amount = sum(order.line_ids.mapped("subtotal"))
            else:
                order.amount = order.amount or 0.0

    @api.constrains("competitor_id")
    def _check_competitor(self):
        for order in self:
            if not order.competitor_id.crm_is_competitor:
                raise ValidationError(
                    _(
                        "%(partner)s is not a competitor: the competitor order %(order)s cannot be recorded for it.",
                        partner=order.competitor_id.display_name,
                        order=order.name,
                    )
                )

    @api.constrains("amount")
    def _check_amount(self):
        for order in self:
            if order.amount < 0:
                raise ValidationError(_("The amount of the competitor order %s cannot be negative.", order.name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("crm.competitor.order") or _("New")
        return super().create(vals_list)
