from odoo import api, fields, models
from odoo.exceptions import UserError


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
        readonly=True,
        help="To Notify: the dealer has not been asked yet to inform this customer; Dealer Notified: it has; "
        "Acknowledged: the customer confirmed it received the recall notice.",
    )
    date_notified = fields.Datetime(string="Dealer Notified On", readonly=True)
    date_acknowledged = fields.Datetime(string="Acknowledged On", readonly=True)
    response = fields.Text(help="The customer's answer, as the dealer reports it: stock held, sold, returned.")

    # found from the dealers' reports, moved on by the actions: never edited
    _PROTECTED_FIELDS = frozenset(
        {
            "recall_id",
            "dealer_id",
            "customer_name",
            "state_id",
            "city",
            "quantity",
            "date_last",
            "state",
            "date_notified",
            "date_acknowledged",
        }
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "The dealers' customers of a recall are found from their sell-through reports (Find Customers)."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and self._PROTECTED_FIELDS.intersection(vals):
            raise UserError(
                self.env._(
                    "The dealers' customers of a recall come from the sell-through reports and move on through "
                    "Notify and Acknowledge; only their answer is edited."
                )
            )
        return super().write(vals)

    def action_acknowledge(self):
        """The dealer reports that the customers received the recall notice."""
        self.check_access("write")
        for line in self:
            if line.recall_id.state != "open":
                raise UserError(self.env._("%(recall)s is not in progress.", recall=line.recall_id.name))
            if line.state != "notified":
                raise UserError(
                    self.env._(
                        "Notify the dealer %(dealer)s of %(recall)s before recording that %(customer)s "
                        "acknowledged it.",
                        dealer=line.dealer_id.display_name,
                        recall=line.recall_id.name,
                        customer=line.customer_name,
                    )
                )
        self.sudo().write({"state": "acknowledged", "date_acknowledged": fields.Datetime.now()})

    def _crm_key(self):
        self.ensure_one()
        return (self.dealer_id.id, self.customer_name, self.state_id.id or None, self.city or "")
