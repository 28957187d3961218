from odoo import models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def write(self, vals):
        res = super().write(vals)
        if {"categ_id", "uom_id"}.intersection(vals):
            # the sales target facts are kept per category, in the product's unit
            variants = self.with_context(active_test=False).product_variant_ids
            self.env["crm.sales.target.fact"]._mark("product", variants.ids)
        return res
