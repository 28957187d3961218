from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.crm_core_ext.tools.stock_indexes import ensure_lot_done_index

SOURCES = [
    ("sellthrough", "Sell-through Report"),
    ("return", "Customer Return"),
    ("field", "Field Check"),
    ("service", "Service Request"),
]


class CrmChannelDiversion(models.Model):
    """A diversion case (窜货): a lot delivered to a dealer for its territories
    was found elsewhere (at another dealer, or in a region outside the
    territories). One case per finding and lot: the key of the finding
    (``source``, ``finding_key``, ``lot_id``) is unique in a company.

    Cases are opened by ``_crm_open_cases`` only (sell-through lines, customer
    returns, field checks and other modules such as the service desk)."""

    _name = "crm.channel.diversion"
    _description = "Diversion Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_found desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name")
    state = fields.Selection(
        [("investigation", "Investigation"), ("confirmed", "Confirmed"), ("dismissed", "Dismissed")],
        default="investigation",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial", required=True, index=True, readonly=True, ondelete="restrict"
    )
    product_id = fields.Many2one("product.product", string="Product", required=True, index=True, readonly=True)
    authorized_partner_id = fields.Many2one(
        "res.partner",
        string="Authorised Dealer",
        required=True,
        index=True,
        readonly=True,
        help="The dealer the lot was delivered to.",
    )
    authorized_territory_ids = fields.Many2many(
        "crm.channel.territory",
        "crm_channel_diversion_territory_rel",
        "diversion_id",
        "territory_id",
        string="Authorised Territories",
        readonly=True,
        help="The authorised dealer's territories when the case opened.",
    )
    source = fields.Selection(SOURCES, required=True, readonly=True, index=True)
    source_model = fields.Char(readonly=True)
    source_res_id = fields.Many2oneReference(string="Source Record ID", model_field="source_model", readonly=True)
    source_ref = fields.Reference(selection="_selection_source_ref", compute="_compute_source_ref", string="Found In")
    finding_key = fields.Char(
        required=True, readonly=True, help="Identifies the finding: one case per finding and lot."
    )
    found_partner_id = fields.Many2one(
        "res.partner", string="Found At", index="btree_not_null", readonly=True, help="Dealer, shop or customer."
    )
    found_country_id = fields.Many2one("res.country", string="Country Found", readonly=True)
    found_state_id = fields.Many2one(
        "res.country.state", string="Province Found", index="btree_not_null", readonly=True
    )
    found_city = fields.Char(string="City Found", readonly=True)
    found_place = fields.Char(string="Place", readonly=True, help="Shop, hospital or address where the lot was found.")
    date_found = fields.Date(required=True, index=True, readonly=True)
    found_user_id = fields.Many2one("res.users", string="Found By", readonly=True)
    reason = fields.Selection(
        [("dealer", "Found at another dealer"), ("territory", "Found outside the territories")],
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="The channel manager who investigates; by default the authorised dealer's.",
    )
    note = fields.Html(string="Findings")
    offending_partner_id = fields.Many2one(
        "res.partner", string="Offending Dealer", readonly=True, tracking=True, index="btree_not_null"
    )
    penalty_mode = fields.Selection(
        [("debit_note", "Debit Note"), ("rebate", "Rebate Deduction")], readonly=True, tracking=True
    )
    penalty_amount = fields.Monetary(readonly=True, tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    penalty_move_id = fields.Many2one("account.move", string="Debit Note", readonly=True, copy=False)
    penalty_deduction_id = fields.Many2one(
        "crm.channel.rebate.deduction", string="Rebate Deduction", readonly=True, copy=False
    )
    dismiss_reason = fields.Text(readonly=True, tracking=True)

    _sql_constraints = [
        (
            "finding_unique",
            "UNIQUE(company_id, source, finding_key, lot_id)",
            "This finding already opened a diversion case for this lot.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        # cases are opened by _crm_open_cases (as superuser) only, never typed in
        if not self.env.su:
            raise AccessError(self.env._("Diversion cases are opened by the checks, not created by hand."))
        return super().create(vals_list)

    def write(self, vals):
        # the investigation's fields; the outcome goes through the confirm and dismiss wizards
        protected = {
            name for name in vals if name not in ("user_id", "note") and not name.startswith(("message_", "activity_"))
        }
        if protected and not self.env.su:
            raise AccessError(
                self.env._("Confirm or dismiss a diversion case with its buttons; its evidence cannot be changed.")
            )
        return super().write(vals)

    def init(self):
        # on stock_move_line, which this module does not own: the lots' origins are read by lot among done
        # move lines (_crm_lot_origins below, the channel stock's lot holders); created on install and update
        ensure_lot_done_index(self.env.cr, "crm_channel_diversion_sml_lot_done_index")

    @api.depends("lot_id.name", "authorized_partner_id.name")
    def _compute_name(self):
        for case in self:
            case.name = f"{case.lot_id.name or ''} / {case.authorized_partner_id.name or ''}"

    @api.model
    def _selection_source_ref(self):
        return [
            ("crm.channel.sellthrough.line", self.env._("Sell-through Line")),
            ("stock.move.line", self.env._("Stock Move Line")),
            ("crm.channel.diversion.check", self.env._("Field Check")),
        ]

    @api.depends("source_model", "source_res_id")
    def _compute_source_ref(self):
        models_ok = {model for model, _label in self._selection_source_ref()}
        for case in self:
            record = None
            if case.source_model in models_ok and case.source_model in self.env and case.source_res_id:
                record = self.env[case.source_model].browse(case.source_res_id).exists()
            case.source_ref = f"{record._name},{record.id}" if record else False

    # ------------------------------------------------------------------
    # Detection (private API, see readme/CONTEXT.md)
    # ------------------------------------------------------------------

    @api.model
    def _crm_lot_origins(self, findings, exclude_move_line_ids=()):
        """The dealers holding each finding's lot, in one query.

        A lot's dealers are the commercial partners (flagged dealers) of done
        deliveries from an internal to a customer location, less their returns,
        that still hold a positive quantity. For each, whether the finding's
        partner is that dealer or a dealer it supplies (directly or not), its
        territories, and whether the finding's place is inside one of them.

        :param findings: normalised findings (see ``_crm_open_cases``)
        :param exclude_move_line_ids: move lines that do not count (the returns being checked)
        :return: {index in findings: [dict(dealer_id, qty, in_chain, territory_ids, in_territory)]}
        """
        if not findings:
            return {}
        for model in ("stock.move.line", "stock.picking", "res.partner", "crm.channel.territory"):
            self.env[model].flush_model()
        values = SQL(", ").join(
            SQL(
                "(%s::int, %s::int, %s::int, %s::int, %s::int, %s::int, %s::varchar)",
                index,
                finding["lot_id"],
                finding["company_id"],
                finding["partner_id"] or None,
                finding["country_id"] or None,
                finding["state_id"] or None,
                finding["city"] or None,
            )
            for index, finding in enumerate(findings)
        )
        self.env.cr.execute(
            SQL(
                """
                WITH RECURSIVE f(idx, lot_id, company_id, partner_id, country_id, state_id, city) AS (
                    VALUES %(values)s
                ),
                chain(idx, dealer_id, depth) AS (
                    SELECT f.idx, f.partner_id, 0 FROM f WHERE f.partner_id IS NOT NULL
                    UNION
                    SELECT c.idx, p.crm_channel_parent_id, c.depth + 1
                      FROM chain c
                      JOIN res_partner p ON p.id = c.dealer_id
                     WHERE p.crm_channel_parent_id IS NOT NULL AND c.depth < 32
                ),
                lot AS MATERIALIZED (
                    SELECT DISTINCT lot_id, company_id FROM f
                ),
                origin AS MATERIALIZED (
                    -- each lot's dealers once, however many findings name it (a report repeats its
                    -- lots): a lateral per lot reads its done move lines through the lot index
                    SELECT lot.lot_id, lot.company_id, o.dealer_id, o.qty
                      FROM lot
                     CROSS JOIN LATERAL (
                        SELECT rp.commercial_partner_id AS dealer_id,
                               SUM(CASE WHEN dest.usage = 'customer' THEN sml.quantity_product_uom
                                        ELSE -sml.quantity_product_uom END) AS qty
                          FROM stock_move_line sml
                          JOIN stock_picking sp ON sp.id = sml.picking_id
                          JOIN res_partner rp ON rp.id = sp.partner_id
                          JOIN res_partner dealer
                            ON dealer.id = rp.commercial_partner_id AND dealer.crm_channel_is_dealer
                          JOIN stock_location src ON src.id = sml.location_id
                          JOIN stock_location dest ON dest.id = sml.location_dest_id
                         WHERE sml.lot_id = lot.lot_id AND sml.state = 'done' AND sml.company_id = lot.company_id
                           AND ((src.usage = 'internal' AND dest.usage = 'customer')
                             OR (src.usage = 'customer' AND dest.usage = 'internal'))
                           AND NOT sml.id = ANY(%(exclude)s)
                         GROUP BY rp.commercial_partner_id
                        HAVING SUM(CASE WHEN dest.usage = 'customer' THEN sml.quantity_product_uom
                                        ELSE -sml.quantity_product_uom END) > 0
                     ) o
                )
                SELECT f.idx, o.dealer_id, o.qty,
                       EXISTS (SELECT 1 FROM chain c WHERE c.idx = f.idx AND c.dealer_id = o.dealer_id),
                       ARRAY(SELECT t.id
                               FROM res_partner_crm_channel_territory_rel r
                               JOIN crm_channel_territory t ON t.id = r.territory_id
                              WHERE r.partner_id = o.dealer_id AND t.active
                                AND (t.company_id IS NULL OR t.company_id = f.company_id)
                              ORDER BY t.id),
                       EXISTS (
                           SELECT 1
                             FROM res_partner_crm_channel_territory_rel r
                             JOIN crm_channel_territory t ON t.id = r.territory_id
                             JOIN crm_channel_territory d ON d.parent_path LIKE t.parent_path || %(any)s
                            WHERE r.partner_id = o.dealer_id AND t.active AND d.active
                              AND (t.company_id IS NULL OR t.company_id = f.company_id)
                              AND (d.country_id IS NOT NULL OR d.state_id IS NOT NULL OR d.city IS NOT NULL)
                              AND (d.country_id IS NULL OR d.country_id = f.country_id)
                              AND (d.state_id IS NULL OR d.state_id = f.state_id)
                              AND (d.city IS NULL OR lower(trim(d.city)) = lower(trim(f.city)))
                       )
                  FROM f
                  JOIN origin o ON o.lot_id = f.lot_id AND o.company_id = f.company_id
                 ORDER BY f.idx, o.qty DESC, o.dealer_id
                """,
                values=values,
                exclude=list(exclude_move_line_ids),
                any="%",
            )
        )
        origins = {}
        for index, dealer_id, qty, in_chain, territory_ids, in_territory in self.env.cr.fetchall():
            origins.setdefault(index, []).append(
                {
                    "dealer_id": dealer_id,
                    "qty": qty,
                    "in_chain": in_chain,
                    "territory_ids": territory_ids,
                    "in_territory": in_territory,
                }
            )
        return origins

    @api.model
    def _crm_judge(self, finding, origins):
        """Whether ``finding`` is a diversion given its lot's ``origins``.

        :return: None, or (origin the lot was diverted from, reason)
        """
        if not origins:
            return None  # not a lot of the channel
        region = finding["country_id"] or finding["state_id"] or finding["city"]
        chained = [origin for origin in origins if origin["in_chain"]]
        if chained:
            # found at its dealer (or a dealer it supplies): diverted only when sold outside its territories
            origin = chained[0]
            if region and origin["territory_ids"] and not origin["in_territory"]:
                return origin, "territory"
            return None
        if finding["partner_is_dealer"]:
            return origins[0], "dealer"
        if not region:
            return None
        if any(not origin["territory_ids"] or origin["in_territory"] for origin in origins):
            return None
        return origins[0], "territory"

    @api.model
    def _crm_open_cases(self, findings, exclude_move_line_ids=()):
        """Open the diversion cases of ``findings``, set-based: one query
        resolves the lots' origins, one reads the cases already opened for the
        same findings, one batch creates the new ones. Private: callers are
        server code that built the findings from records it trusts.

        :param findings: list of dicts with
            - source: 'sellthrough', 'return', 'field' or 'service'
            - lot: stock.lot (required; findings without a lot are skipped)
            - key: identifies the finding (with source and lot, unique per company);
              defaults to "model,id" of ``record``
            - record: the source record (optional)
            - company: res.company (default: the lot's company, else the current one)
            - partner: res.partner where the lot was found (dealer, shop, customer; optional)
            - state: res.country.state, city, country: where (default: the partner's address)
            - place: free text (shop, hospital, address)
            - date: date found (default today)
            - user: res.users who found it (default: the current user)
        :param exclude_move_line_ids: move lines left out of the lots' origins
        :return: crm.channel.diversion (sudo) of every finding that is a diversion,
            already opened or new, in the order of ``findings``
        """
        Case = self.sudo()
        normalised = self._crm_normalise_findings(findings)
        if not normalised:
            return Case
        origins = self._crm_lot_origins(normalised, exclude_move_line_ids)
        verdicts = {}
        for index, finding in enumerate(normalised):
            verdict = self._crm_judge(finding, origins.get(index))
            if verdict:
                verdicts[index] = verdict
        if not verdicts:
            return Case
        existing = self._crm_existing(normalised[index] for index in verdicts)
        vals_list, order = [], []
        for index, (origin, reason) in verdicts.items():
            finding = normalised[index]
            identity = (finding["company_id"], finding["source"], finding["key"], finding["lot_id"])
            order.append(identity)
            if identity in existing:
                continue
            existing[identity] = None  # the same finding twice in one batch opens one case
            dealer = self.env["res.partner"].browse(origin["dealer_id"])
            vals_list.append(
                {
                    "company_id": finding["company_id"],
                    "lot_id": finding["lot_id"],
                    "product_id": finding["product_id"],
                    "authorized_partner_id": dealer.id,
                    "authorized_territory_ids": [Command.set(origin["territory_ids"])],
                    "source": finding["source"],
                    "source_model": finding["record"]._name if finding["record"] else False,
                    "source_res_id": finding["record"].id if finding["record"] else False,
                    "finding_key": finding["key"],
                    "found_partner_id": finding["found_partner_id"] or False,
                    "found_country_id": finding["country_id"] or False,
                    "found_state_id": finding["state_id"] or False,
                    "found_city": finding["city"],
                    "found_place": finding["place"],
                    "date_found": finding["date"],
                    "found_user_id": finding["user_id"],
                    "reason": reason,
                    "user_id": dealer.crm_channel_manager_id.id or False,
                }
            )
        if vals_list:
            new_cases = Case.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(vals_list)
            for case in new_cases:
                existing[(case.company_id.id, case.source, case.finding_key, case.lot_id.id)] = case.id
        return Case.browse(dict.fromkeys(existing[identity] for identity in order))

    @api.model
    def _crm_normalise_findings(self, findings):
        """The values of ``findings`` (see :meth:`_crm_open_cases`) as plain
        ids and values, the lot's company and the partner's address filling
        what a finding leaves out; findings without a lot are left out."""
        Partner = self.env["res.partner"].sudo()
        today = fields.Date.context_today(self)
        current_user_id = self.env.user.id
        # a report's thousands of lines name a few partners, lots and
        # provinces: read each one's values once, not once per finding
        lots, partners, countries = {}, {}, {}
        # and read them in bulk: records a caller browsed one by one do not prefetch each other
        self.env["stock.lot"].sudo().browse({f["lot"].id for f in findings if f.get("lot")}).fetch(
            ["product_id", "company_id"]
        )
        found_at = Partner.browse({f["partner"].id for f in findings if f.get("partner")})
        found_at.fetch(["state_id", "city", "country_id", "commercial_partner_id"])
        found_at.commercial_partner_id.fetch(["crm_channel_is_dealer"])
        self.env["res.country.state"].sudo().browse(
            {f["state"].id for f in findings if f.get("state") and not f.get("country")}
        ).fetch(["country_id"])

        def lot_values(lot):
            if lot.id not in lots:
                lot = lot.sudo()
                lots[lot.id] = (lot.product_id.id, lot.company_id)
            return lots[lot.id]

        def partner_values(partner):
            if partner.id not in partners:
                partner = partner.sudo()
                commercial = partner.commercial_partner_id
                partners[partner.id] = {
                    "state": partner.state_id,
                    "city": partner.city,
                    "country": partner.country_id,
                    "commercial_id": commercial.id,
                    "is_dealer": commercial.crm_channel_is_dealer,
                }
            return partners[partner.id]

        def state_country(state):
            if state.id not in countries:
                countries[state.id] = state.country_id
            return countries[state.id]

        normalised = []
        for finding in findings:
            lot = finding.get("lot")
            if not lot:
                continue
            record = finding.get("record")
            partner = finding.get("partner") or Partner
            address = partner_values(partner) if partner else {}
            state = finding.get("state") or (address.get("state") if not finding.get("city") else False)
            city = finding.get("city") or (address.get("city") if not finding.get("state") else False)
            country = finding.get("country") or (state and state_country(state)) or address.get("country")
            product_id, lot_company = lot_values(lot)
            company = finding.get("company") or lot_company or self.env.company
            user = finding.get("user")
            normalised.append(
                {
                    "source": finding["source"],
                    "key": finding.get("key") or (record and f"{record._name},{record.id}"),
                    "record": record,
                    "lot_id": lot.id,
                    "product_id": product_id,
                    "company_id": company.id,
                    "partner_id": address.get("commercial_id") or False,
                    "found_partner_id": partner.id or False,
                    "partner_is_dealer": address.get("is_dealer", False),
                    "country_id": country and country.id,
                    "state_id": state and state.id,
                    "city": city and city.strip() or False,
                    "place": finding.get("place") or False,
                    "date": finding.get("date") or today,
                    "user_id": user.id if user else current_user_id,
                }
            )
        return normalised

    @api.model
    def _crm_existing(self, findings):
        """{(company, source, key, lot): case id} of the cases already opened for ``findings`` (one query)."""
        findings = list(findings)
        self.flush_model(["company_id", "source", "finding_key", "lot_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT c.company_id, c.source, c.finding_key, c.lot_id, c.id
                  FROM crm_channel_diversion c
                  JOIN (VALUES %(values)s) f(company_id, source, finding_key, lot_id)
                    ON c.company_id = f.company_id AND c.source = f.source
                   AND c.finding_key = f.finding_key AND c.lot_id = f.lot_id
                """,
                values=SQL(", ").join(
                    SQL(
                        "(%s::int, %s::varchar, %s::varchar, %s::int)",
                        f["company_id"],
                        f["source"],
                        f["key"],
                        f["lot_id"],
                    )
                    for f in findings
                ),
            )
        )
        return {tuple(row[:4]): row[4] for row in self.env.cr.fetchall()}

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group("crm_channel_mgmt.crm_channel_mgmt_group_manager"):
            raise AccessError(self.env._("Only a channel manager can confirm or dismiss a diversion case."))

    def _check_investigation(self):
        for case in self:
            if case.state != "investigation":
                raise UserError(
                    self.env._("Diversion case %(case)s is no longer under investigation.", case=case.display_name)
                )

    def action_confirm(self):
        """Open the wizard that confirms the case with its penalty."""
        self.ensure_one()
        self._check_manager()
        self._check_investigation()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Confirm Diversion"),
            "res_model": "crm.channel.diversion.confirm",
            "view_mode": "form",
            "target": "new",
            "context": {"default_diversion_id": self.id},
        }

    def action_dismiss(self):
        self.ensure_one()
        self._check_manager()
        self._check_investigation()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dismiss Diversion Case"),
            "res_model": "crm.channel.diversion.dismiss",
            "view_mode": "form",
            "target": "new",
            "context": {"default_diversion_id": self.id},
        }

    def _crm_dismiss(self, reason):
        self.ensure_one()
        self._check_manager()
        self._check_investigation()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the case is dismissed."))
        self.sudo().write({"state": "dismissed", "dismiss_reason": reason})

    def _crm_confirm(self, offender, mode, amount, agreement=None, note=None):
        """Confirm the case and apply its penalty to ``offender``: a customer
        invoice (debit note) or a deduction from its next rebate settlement."""
        self.ensure_one()
        self._check_manager()
        self._check_investigation()
        if not offender.crm_channel_is_dealer:
            raise UserError(
                self.env._("%(partner)s is not a dealer: choose the offending dealer.", partner=offender.display_name)
            )
        if mode and self.currency_id.compare_amounts(amount, 0) <= 0:
            raise UserError(self.env._("The penalty must be a positive amount."))
        case = self.sudo()
        vals = {"state": "confirmed", "offending_partner_id": offender.id, "penalty_mode": mode or False}
        if mode == "debit_note":
            vals["penalty_move_id"] = case._crm_create_debit_note(offender, amount, note).id
        elif mode == "rebate":
            if not agreement:
                raise UserError(self.env._("Choose the rebate agreement the penalty is deducted from."))
            if offender not in agreement.dealer_ids or agreement.company_id != case.company_id:
                raise UserError(
                    self.env._(
                        "Dealer %(dealer)s is not in rebate agreement %(agreement)s of this company.",
                        dealer=offender.display_name,
                        agreement=agreement.display_name,
                    )
                )
            vals["penalty_deduction_id"] = (
                self.env["crm.channel.rebate.deduction"]
                .sudo()
                .create(
                    {
                        "agreement_id": agreement.id,
                        "dealer_id": offender.id,
                        "amount": amount,
                        "diversion_id": case.id,
                        "name": note or self.env._("Diversion penalty: lot %(lot)s", lot=case.lot_id.name),
                    }
                )
                .id
            )
        if mode:
            vals["penalty_amount"] = amount
        case.write(vals)

    def _crm_create_debit_note(self, offender, amount, note):
        company = self.company_id
        journal = self.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        if not journal:
            raise UserError(
                self.env._("Company %(company)s has no sales journal for the debit note.", company=company.name)
            )
        product = company.crm_channel_diversion_product_id
        line = {
            "name": note
            or self.env._(
                "Diversion penalty: lot %(lot)s of %(product)s found outside its territory",
                lot=self.lot_id.name,
                product=self.product_id.display_name,
            ),
            "quantity": 1,
            "price_unit": amount,
            "tax_ids": [Command.clear()],
        }
        if product:
            line["product_id"] = product.id
        elif not journal.default_account_id:
            raise UserError(
                self.env._(
                    "Set the diversion penalty product in the settings, or a default account on journal %(journal)s.",
                    journal=journal.name,
                )
            )
        else:
            line["account_id"] = journal.default_account_id.id
        return (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": offender.id,
                    "journal_id": journal.id,
                    "invoice_date": fields.Date.context_today(self),
                    "ref": self.env._("Diversion %(case)s", case=self.display_name),
                    "invoice_line_ids": [Command.create(line)],
                }
            )
        )

    def action_view_penalty(self):
        self.ensure_one()
        if self.penalty_move_id:
            return {
                "type": "ir.actions.act_window",
                "res_model": "account.move",
                "res_id": self.penalty_move_id.id,
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.channel.rebate.deduction",
            "res_id": self.penalty_deduction_id.id,
            "views": [(False, "form")],
        }
