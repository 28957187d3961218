from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmChannelCommissionRule(models.Model):
    _name = "crm.channel.commission.rule"
    _description = "Commission Rate per Product or Category"
    _order = "commission_id, sequence, id"

    commission_id = fields.Many2one("commission", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", string="Product", ondelete="cascade")
    categ_id = fields.Many2one("product.category", string="Product Category", ondelete="cascade")
    percent = fields.Float(string="Rate (%)", required=True)

    @api.constrains("percent", "product_id", "categ_id")
    def _check_rule(self):
        for rule in self:
            if rule.percent < 0:
                raise ValidationError(
                    self.env._("A commission rate cannot be negative (%(rate)s%%).", rate=rule.percent)
                )
            if bool(rule.product_id) == bool(rule.categ_id):
                raise ValidationError(
                    self.env._("A commission rate applies either to a product or to a product category.")
                )
