from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_channel_gate = fields.Boolean(
        string="Dealer Authorisation Gate",
        help="Refuse to confirm an order of a dealer for a product the dealer is not authorised for "
        "(in the delivery address's territory, on the confirmation day).",
    )
    crm_channel_portal_order_state = fields.Selection(
        [("draft", "Quotation"), ("sale", "Confirmed Order")],
        string="Dealer Portal Orders",
        default="draft",
        required=True,
        help="What an order placed by a dealer in the portal becomes: a quotation that a salesperson confirms, "
        "or an order confirmed at once (it then passes the authorisation and credit checks).",
    )
    crm_channel_diversion_product_id = fields.Many2one(
        "product.product",
        string="Diversion Penalty Product",
        check_company=True,
        domain="[('type', '=', 'service')]",
        help="Product (and so income account) of the debit notes that charge diversion penalties to dealers; "
        "empty: the sales journal's default account.",
    )
