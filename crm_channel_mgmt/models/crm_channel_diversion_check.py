import base64

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

    @api.model
    def _crm_portal_record(self, user, company, values):
        """Record the field check that the portal inspector ``user`` (the
        logged-in user, never one sent by the client) entered in the portal
        form, in ``company`` (the request's): look the lot number up among the
        company's lots, check the values, create the check as ``user``'s and
        record it as the back office does. Runs as superuser; private.

        :param values: dict of the form's strings: lot, product_code, date,
            state_id, city, place, note, and photo (bytes or None)
        :return: the recorded check (sudo)
        :raise UserError: bad input, with the message to show; nothing is written
        """
        lot_name = (values.get("lot") or "").strip()
        if not lot_name:
            raise UserError(self.env._("Type the lot number printed on the package."))
        domain = [("name", "=", lot_name), ("company_id", "in", [company.id, False])]
        product_code = (values.get("product_code") or "").strip()
        if product_code:
            domain += ["|", ("product_id.default_code", "=", product_code), ("product_id.barcode", "=", product_code)]
        lots = self.env["stock.lot"].sudo().search(domain, limit=2)
        if not lots:
            raise UserError(
                self.env._("Lot %(lot)s is not one of ours: check the number on the package.", lot=lot_name)
            )
        if len(lots) > 1:
            raise UserError(
                self.env._(
                    "Several products carry lot %(lot)s: type the product code printed on the package too.",
                    lot=lot_name,
                )
            )
        today = fields.Date.context_today(self.with_user(user))
        try:
            date = fields.Date.to_date(values.get("date")) or today
        except ValueError:
            date = None
        if not date:
            raise UserError(self.env._("Enter the date as year-month-day."))
        if date > today:
            raise UserError(self.env._("The date of the check cannot be in the future."))
        china = self.env.ref("base.cn")
        state_id = values.get("state_id") or ""
        state = self.env["res.country.state"].browse(int(state_id)) if state_id.isdigit() else None
        if not state or not state.exists() or state.country_id != china:
            raise UserError(self.env._("Choose the province where you found the lot."))
        check = (
            self.sudo()
            .with_company(company)
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "company_id": company.id,
                    "lot_id": lots.id,
                    "date": date,
                    "user_id": user.id,
                    "country_id": china.id,
                    "state_id": state.id,
                    "city": (values.get("city") or "").strip(),
                    "place": (values.get("place") or "").strip(),
                    "note": (values.get("note") or "").strip(),
                    "photo": base64.b64encode(values["photo"]) if values.get("photo") else False,
                }
            )
        )
        check.action_record()
        check.message_post(
            body=self.env._("Recorded in the portal by %(inspector)s.", inspector=user.partner_id.display_name),
            subtype_xmlid="mail.mt_note",
        )
        return check

    def action_view_diversion(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.channel.diversion",
            "res_id": self.diversion_id.id,
            "views": [(False, "form")],
        }
