from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmChannelDiversionCheck(models.Model):
    """A field check (市场稽查) by a channel inspector: a lot seen in a shop,
    hospital or warehouse, where and when. Recording it compares the place
    with the dealer and territories the lot was delivered to, and opens a
    diversion case when they differ."""

    _name = "crm.channel.diversion.check"
    _description = "Diversion Field Check"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Recorded")], default="draft", required=True, readonly=True, copy=False
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial",
        required=True,
        index=True,
        check_company=True,
        help="Type or scan the lot number printed on the package.",
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True, string="Product")
    date = fields.Date(string="Date Found", required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users", string="Inspector", required=True, readonly=True, default=lambda self: self.env.user, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Found At",
        help="The shop, hospital or dealer where the lot was found, when it is a known partner.",
    )
    place = fields.Char(help="Name and address of the place, as seen.")
    country_id = fields.Many2one("res.country", string="Country", default=lambda self: self.env.ref("base.cn"))
    state_id = fields.Many2one("res.country.state", string="Province", domain="[('country_id', '=?', country_id)]")
    city = fields.Char()
    photo = fields.Image(max_width=1920, max_height=1920, attachment=True)
    note = fields.Text()
    result = fields.Selection(
        [
            ("diversion", "Diversion"),
            ("clear", "No Diversion"),
            ("unknown", "Lot Not Delivered to a Dealer"),
        ],
        readonly=True,
        copy=False,
    )
    diversion_id = fields.Many2one("crm.channel.diversion", string="Diversion Case", readonly=True, copy=False)

    @api.depends("lot_id.name", "date")
    def _compute_name(self):
        for check in self:
            check.name = f"{check.lot_id.name or ''} {check.date or ''}".strip()

    @api.onchange("state_id")
    def _onchange_state_id(self):
        if self.state_id:
            self.country_id = self.state_id.country_id

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id:
            self.state_id = self.partner_id.state_id or self.state_id
            self.city = self.partner_id.city or self.city
            self.country_id = self.partner_id.country_id or self.country_id
            self.place = self.place or (self.partner_id.contact_address or "").replace("\n", " ").strip()

    def write(self, vals):
        if not self.env.su and any(check.state == "done" for check in self) and set(vals) - {"note", "photo"}:
            raise UserError(self.env._("A recorded field check cannot be changed; add a note instead."))
        return super().write(vals)

    def action_record(self):
        """Record the check: compare the place with the lot's dealer and territories, open a case if they differ."""
        for check in self:
            if check.state != "draft":
                raise UserError(self.env._("Field check %(check)s is already recorded.", check=check.display_name))
            if not (check.partner_id or check.state_id or check.city or check.country_id):
                raise UserError(self.env._("Say where the lot was found: a partner, a province or a city."))
        self.check_access("write")
        findings = [
            {
                "source": "field",
                "record": check,
                "lot": check.lot_id,
                "company": check.company_id,
                "partner": check.partner_id,
                "country": check.country_id,
                "state": check.state_id,
                "city": check.city,
                "place": check.place,
                "date": check.date,
                "user": check.user_id,
            }
            for check in self
        ]
        cases = self.env["crm.channel.diversion"]._crm_open_cases(findings)
        by_key = {case.finding_key: case for case in cases}
        origins = self.env["crm.channel.diversion"]._crm_lot_origins(
            [
                {
                    "lot_id": check.lot_id.id,
                    "company_id": check.company_id.id,
                    "partner_id": None,
                    "country_id": None,
                    "state_id": None,
                    "city": None,
                }
                for check in self
            ]
        )
        for index, check in enumerate(self):
            case = by_key.get(f"{check._name},{check.id}")
            result = "diversion" if case else ("clear" if origins.get(index) else "unknown")
            check.sudo().write({"state": "done", "result": result, "diversion_id": case.id if case else False})
            if case:
                case.message_post(
                    body=self.env._(
                        "Opened by field check %(check)s of %(inspector)s.",
                        check=check.display_name,
                        inspector=check.user_id.name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return True

    def action_view_diversion(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.channel.diversion",
            "res_id": self.diversion_id.id,
            "views": [(False, "form")],
        }
