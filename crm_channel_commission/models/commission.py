from odoo import api, fields, models
from odoo.exceptions import ValidationError


class Commission(models.Model):
    """OCA's commission type, per company, with rates per product or category."""

    _inherit = "commission"

    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        help="Leave empty to share the commission type between companies.",
    )
    crm_rule_ids = fields.One2many(
        "crm.channel.commission.rule",
        "commission_id",
        string="Rates per Product or Category",
        copy=True,
        help="A product's own rate comes first, then the rate of its nearest category; "
        "the other products follow the commission type.",
    )

    @api.constrains("fix_qty")
    def _check_fix_qty(self):
        for commission in self:
            if commission.fix_qty < 0:
                raise ValidationError(
                    self.env._(
                        "The fixed percentage of commission %(name)s cannot be negative (%(rate)s).",
                        name=commission.name,
                        rate=commission.fix_qty,
                    )
                )

    @api.constrains("section_ids", "commission_type")
    def _check_section_order(self):
        for commission in self:
            sections = commission.section_ids.sorted(lambda s: (s.amount_from, s.amount_to))
            if [s.id for s in sections] != [s.id for s in commission.section_ids.sorted("id")]:
                raise ValidationError(
                    self.env._(
                        "The tiers of commission %(name)s must be entered in ascending order of amount.",
                        name=commission.name,
                    )
                )
            for previous, section in zip(sections, sections[1:], strict=False):
                if section.amount_from < previous.amount_to:
                    raise ValidationError(
                        self.env._(
                            "The tiers of commission %(name)s overlap: %(a_from)s-%(a_to)s and %(b_from)s-%(b_to)s.",
                            name=commission.name,
                            a_from=previous.amount_from,
                            a_to=previous.amount_to,
                            b_from=section.amount_from,
                            b_to=section.amount_to,
                        )
                    )

    def _crm_rate_for(self, product):
        """(percent, True) for a product or category rule of this commission type, else (0.0, False)."""
        self.ensure_one()
        best, best_depth = None, -1
        categ_ids = [int(x) for x in (product.categ_id.parent_path or "").split("/") if x]
        for rule in self.crm_rule_ids:
            if rule.product_id:
                if rule.product_id == product:
                    return rule.percent, True
                continue
            if rule.categ_id.id in categ_ids:
                depth = categ_ids.index(rule.categ_id.id)
                if depth > best_depth:
                    best, best_depth = rule, depth
        return (best.percent, True) if best else (0.0, False)
