from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LoyaltyRule(models.Model):
    _inherit = "loyalty.rule"

    crm_ledger = fields.Boolean(related="program_id.crm_ledger")
    crm_date_from = fields.Date(string="Valid From")
    crm_date_to = fields.Date(string="Valid Until")
    crm_company_ids = fields.Many2many(
        "res.company",
        "loyalty_rule_crm_company_rel",
        "rule_id",
        "company_id",
        string="Only For Companies",
        help="Leave empty for every company of the program.",
    )
    crm_partner_ids = fields.Many2many(
        "res.partner",
        "loyalty_rule_crm_partner_rel",
        "rule_id",
        "partner_id",
        string="Only For Customers",
        help="Leave empty for every customer.",
    )
    crm_partner_category_ids = fields.Many2many(
        "res.partner.category",
        "loyalty_rule_crm_partner_category_rel",
        "rule_id",
        "category_id",
        string="Only For Customer Tags",
        help="The customer must carry one of these tags. Leave empty for every customer.",
    )
    crm_value_level_ids = fields.Many2many(
        "crm.value.level",
        "loyalty_rule_crm_value_level_rel",
        "rule_id",
        "level_id",
        string="Only For Value Levels",
        help="The customer's value level (customer value pyramid) must be one of these. Leave empty for every level.",
    )

    @api.constrains("crm_date_from", "crm_date_to")
    def _check_crm_dates(self):
        for rule in self:
            if rule.crm_date_from and rule.crm_date_to and rule.crm_date_from > rule.crm_date_to:
                raise ValidationError(
                    _(
                        "Rule of program %(program)s: it cannot be valid from %(start)s until %(end)s, "
                        "an earlier day.",
                        program=rule.program_id.name,
                        start=rule.crm_date_from,
                        end=rule.crm_date_to,
                    )
                )

    @api.model
    def _crm_check_amounts(self, vals):
        """Checked before the database sees the values, so that a negative
        number is a clear message and not a constraint error. Values may come
        as text (imports, RPC): they are read as the field would read them."""

        def number(key):
            try:
                return float(vals.get(key) or 0)
            except (TypeError, ValueError):
                return 0.0  # the ORM reports what it cannot convert

        if "reward_point_amount" in vals and number("reward_point_amount") <= 0:
            raise ValidationError(
                _("A rule must give a positive number of points, not %(points)s.", points=vals["reward_point_amount"])
            )
        if number("minimum_amount") < 0:
            raise ValidationError(
                _("A rule's minimum purchase cannot be negative (%(amount)s).", amount=vals["minimum_amount"])
            )
        if number("minimum_qty") < 0:
            raise ValidationError(_("A rule's minimum quantity cannot be negative (%(qty)s).", qty=vals["minimum_qty"]))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._crm_check_amounts(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._crm_check_amounts(vals)
        return super().write(vals)

    def _crm_loyalty_applies(self, partner, company, date):
        """Whether the rule applies to this customer (commercial partner), in
        this company, on this day (the product conditions are the host's)."""
        self.ensure_one()
        if self.crm_date_from and date < self.crm_date_from:
            return False
        if self.crm_date_to and date > self.crm_date_to:
            return False
        if self.crm_company_ids and company not in self.crm_company_ids:
            return False
        if self.crm_partner_ids and partner not in self.crm_partner_ids:
            return False
        if self.crm_partner_category_ids and not (partner.category_id & self.crm_partner_category_ids):
            return False
        if self.crm_value_level_ids:
            level = partner.with_company(company).sudo().crm_value_level_id
            if level not in self.crm_value_level_ids:
                return False
        return True
