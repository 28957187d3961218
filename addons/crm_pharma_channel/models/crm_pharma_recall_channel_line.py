from odoo import fields, models


class CrmPharmaRecallChannelLine(models.Model):
    """A terminal customer (hospital, pharmacy) that a dealer reported selling
    the recalled lots to (sell-through, 商业流向). The dealer informs it: the
    line follows the dealer's notification, then the customer's answer."""

    _name = "crm.pharma.recall.channel.line"
    _description = "Lot Recall Terminal Customer (through a Dealer)"
    _order = "dealer_id, quantity desc, id"
    _check_company_auto = True

    recall_id = fields.Many2one("crm.pharma.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    dealer_id = fields.Many2one(
        "res.partner", string="Dealer", required=True, index=True, readonly=True, ondelete="restrict"
    )
    customer_name = fields.Char(string="Terminal Customer", required=True, readonly=True)
    state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    city = fields.Char(readonly=True)
    quantity = fields.Float(
        string="Quantity Sold",
        digits="Product Unit of Measure",
        readonly=True,
        help="What the dealer reported selling of the recalled lots to this customer.",
    )
    date_last = fields.Date(string="Last Sale", readonly=True)
    state = fields.Selection(
        [("to_notify", "To Notify"), ("notified", "Dealer Notified"), ("acknowledged", "Acknowledged")],
        default="to_notify",
        required=True,
        help="To Notify: the dealer has not been asked yet to inform this customer; Dealer Notified: it has; "
        "Acknowledged: the customer confirmed it received the recall notice.",
    )
    date_notified = fields.Datetime(string="Dealer Notified On", readonly=True)
    response = fields.Text()

    def _crm_key(self):
        self.ensure_one()
        return (self.dealer_id.id, self.customer_name, self.state_id.id or None, self.city or "")
