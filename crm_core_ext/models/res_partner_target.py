from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        res = super().write(vals)
        Fact = self.env["crm.sales.target.fact"]
        if {"parent_id", "is_company"}.intersection(vals):
            # the documents of these partners and of their contacts now count for another customer
            partners = self.with_context(active_test=False).search([("id", "child_of", self.ids)])
            Fact._mark("partner", partners.ids)
        if "tz" in vals:
            # orders count on their day in the company's time zone
            companies = (
                self.env["res.company"].sudo().with_context(active_test=False).search([("partner_id", "in", self.ids)])
            )
            Fact._mark("company", companies.ids)
        return res
