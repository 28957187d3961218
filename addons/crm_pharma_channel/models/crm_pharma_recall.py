from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CrmPharmaRecall(models.Model):
    _inherit = "crm.pharma.recall"

    channel_line_ids = fields.One2many(
        "crm.pharma.recall.channel.line", "recall_id", string="Dealers' Customers", copy=False
    )
    channel_customer_count = fields.Integer(compute="_compute_channel_totals", string="Dealers' Customers Count")
    channel_qty = fields.Float(
        compute="_compute_channel_totals", string="Sold by Dealers", digits="Product Unit of Measure"
    )

    @api.depends("channel_line_ids.quantity")
    def _compute_channel_totals(self):
        for recall in self:
            recall.channel_customer_count = len(recall.channel_line_ids)
            recall.channel_qty = sum(recall.channel_line_ids.mapped("quantity"))

    @api.model
    def _crm_channel_customers_sql(self, lot_ids, company_id):
        """Terminal customers that dealers reported selling the lots ``lot_ids``
        (a list of ids) to in ``company_id``: one row per dealer, customer
        name, province and city, with the quantity and the last date. One
        query for all the lots (the lines' index on lot_id)."""
        return SQL(
            """
            SELECT l.partner_id, l.customer_name, l.state_id, COALESCE(l.city, ''), SUM(l.quantity), MAX(l.date)
              FROM crm_channel_sellthrough_line l
             WHERE l.lot_id = ANY(%(lots)s) AND l.company_id = %(company)s
          GROUP BY l.partner_id, l.customer_name, l.state_id, COALESCE(l.city, '')
            """,
            lots=list(lot_ids),
            company=company_id,
        )

    def action_find_customers(self):
        """Our customers (see the base module), then the terminal customers
        that dealers reported selling the lots to."""
        res = super().action_find_customers()
        self._crm_channel_find_customers()
        return res

    def _crm_channel_find_customers(self):
        """Create or update one channel line per terminal customer of the
        recalls' lots; lines not reported any more are removed while the dealer
        has not been notified, otherwise kept with a zero quantity."""
        Line = self.env["crm.pharma.recall.channel.line"]
        self.env["crm.channel.sellthrough.line"].flush_model(
            ["lot_id", "company_id", "partner_id", "customer_name", "state_id", "city", "quantity", "date"]
        )
        for recall in self:
            self.env.cr.execute(self._crm_channel_customers_sql(recall.lot_ids.ids, recall.company_id.id))
            rows = {
                (dealer_id, name, state_id, city): (quantity, date)
                for dealer_id, name, state_id, city, quantity, date in self.env.cr.fetchall()
            }
            # the lines come from the dealers' reports only: written past the users' guard
            existing = {line._crm_key(): line.sudo() for line in recall.channel_line_ids}
            new = []
            for key, (quantity, date) in rows.items():
                if key in existing:
                    existing[key].write({"quantity": quantity, "date_last": date})
                    continue
                dealer_id, name, state_id, city = key
                new.append(
                    {
                        "recall_id": recall.id,
                        "dealer_id": dealer_id,
                        "customer_name": name,
                        "state_id": state_id,
                        "city": city or False,
                        "quantity": quantity,
                        "date_last": date,
                    }
                )
            gone = Line.sudo().browse(line.id for key, line in existing.items() if key not in rows)
            gone.filtered(lambda line: line.state == "to_notify").unlink()
            gone.filtered(lambda line: line.state != "to_notify").write({"quantity": 0.0})
            Line.sudo().create(new)

    def action_notify(self):
        """Our customers (see the base module), then each dealer with terminal
        customers still to inform, also when every one of our customers was
        notified before (a new sell-through report)."""
        to_notify = self.filtered(lambda recall: any(line.state == "to_notify" for line in recall.line_ids))
        channel_only = (self - to_notify).filtered(
            lambda recall: any(line.state == "to_notify" for line in recall.channel_line_ids)
        )
        res = super(CrmPharmaRecall, self - channel_only).action_notify() if self - channel_only else None
        for recall in channel_only:
            recall.check_access("write")
            recall._crm_channel_check_open()
        self._crm_channel_notify_dealers()
        return res

    def _crm_channel_check_open(self):
        for recall in self:
            if recall.state != "open":
                raise UserError(self.env._("Find the customers of %(recall)s first.", recall=recall.name))

    def _crm_channel_notify_dealers(self, dealers=None):
        """For each dealer (of ``dealers`` when given) with terminal customers
        to inform: an activity for its salesperson (or the recall's
        responsible) listing them, and their lines marked notified. Private:
        called by the notification actions after their checks."""
        for recall in self:
            by_dealer = defaultdict(lambda: self.env["crm.pharma.recall.channel.line"])
            for line in recall.channel_line_ids.filtered(
                lambda line: line.state == "to_notify" and (dealers is None or line.dealer_id in dealers)
            ):
                by_dealer[line.dealer_id] |= line
            for dealer, lines in by_dealer.items():
                customers = Markup().join(
                    Markup("<li>%s</li>")
                    % self.env._(
                        "%(customer)s (%(place)s): %(qty)s, last sold on %(date)s",
                        customer=line.customer_name,
                        place=" ".join(filter(None, [line.state_id.name, line.city])) or "-",
                        qty=line.quantity,
                        date=line.date_last or "-",
                    )
                    for line in lines
                )
                note = self.env._(
                    "Lot(s) %(lots)s of %(product)s are recalled: %(reason)s. Ask %(dealer)s to inform the "
                    "customers it reported selling them to, and record each answer:",
                    lots=", ".join(recall.lot_ids.mapped("name")),
                    product=recall.product_id.display_name,
                    reason=recall.reason,
                    dealer=dealer.display_name,
                )
                recall.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._(
                        "Recall %(recall)s: %(dealer)s to inform %(count)s customers",
                        recall=recall.name,
                        dealer=dealer.name,
                        count=len(lines),
                    ),
                    note=Markup("<p>%s</p><ul>%s</ul>") % (note, customers),
                    user_id=(dealer.user_id or recall.user_id or self.env.user).id,
                )
                lines.sudo().write({"state": "notified", "date_notified": fields.Datetime.now()})
