from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # 客户来源: where the customer came from (trade fair, website, referral...),
    # filled by the customer import and editable on the customer form.
    crm_source_id = fields.Many2one(
        "utm.source",
        string="Customer Source",
        index="btree_not_null",
        ondelete="set null",
        help="Where this customer came from, for example a trade fair, the website or a referral.",
    )
