import base64
import contextvars
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_compare

# Ids of the reports whose lines ``_crm_create_checked`` is creating, after the
# import checked every row of them at once. A context variable of the running
# request, set and reset around that one ``create``: nothing a client sends (a
# context key, an RPC argument) can set it.
_CHECKED_REPORTS = contextvars.ContextVar("crm_channel_sellthrough_checked_reports", default=frozenset())

# Fields of a sell-through line whose change is a new finding for the anti-diversion checks.
DIVERSION_FIELDS = {"lot_id", "state_id", "city", "date", "customer_name", "report_id"}


class CrmChannelSellthrough(models.Model):
    """A dealer's sell-through report (商业流向) for one period: what it sold
    to whom. Reports of one dealer never overlap: a new report for a period
    replaces the old one or is refused (see the import wizard)."""

    _name = "crm.channel.sellthrough"
    _description = "Dealer Sell-through Report"
    _inherit = ["mail.thread"]
    _order = "date_to desc, partner_id, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        required=True,
        index=True,
        ondelete="restrict",
        domain="[('crm_channel_is_dealer', '=', True)]",
        tracking=True,
    )
    date_from = fields.Date(string="Period Start", required=True, tracking=True)
    date_to = fields.Date(string="Period End", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company
    )
    source = fields.Selection(
        [("manual", "Back Office"), ("import", "Spreadsheet Import"), ("portal", "Dealer Portal")],
        required=True,
        default="manual",
        readonly=True,
    )
    filename = fields.Char(string="File Name", readonly=True)
    line_ids = fields.One2many("crm.channel.sellthrough.line", "report_id", string="Lines", copy=True)
    line_count = fields.Integer(compute="_compute_totals")
    quantity = fields.Float(compute="_compute_totals", string="Quantity Sold", digits="Product Unit of Measure")
    note = fields.Text()

    @api.depends("partner_id.name", "date_from", "date_to")
    def _compute_name(self):
        for report in self:
            report.name = f"{report.partner_id.name or ''} {report.date_from or ''} ~ {report.date_to or ''}".strip()

    def _compute_totals(self):
        totals = {
            report.id: (count, quantity)
            for report, count, quantity in self.env["crm.channel.sellthrough.line"]._read_group(
                [("report_id", "in", self.ids)], ["report_id"], ["__count", "quantity:sum"]
            )
        }
        for report in self:
            report.line_count, report.quantity = totals.get(report.id, (0, 0.0))

    @api.constrains("date_from", "date_to", "partner_id", "company_id")
    def _check_period(self):
        for report in self:
            if report.date_from > report.date_to:
                raise ValidationError(_("A report's period cannot end before it starts."))
            if not report.partner_id.commercial_partner_id.crm_channel_is_dealer:
                raise ValidationError(
                    _("%(partner)s is not a dealer.", partner=report.partner_id.commercial_partner_id.display_name)
                )
        overlaps = self._crm_overlapping()
        if overlaps:
            other = overlaps[0]
            raise ValidationError(
                _(
                    "Dealer %(dealer)s already has a report for %(start)s to %(end)s, which overlaps this period.",
                    dealer=other.partner_id.display_name,
                    start=other.date_from,
                    end=other.date_to,
                )
            )

    def _crm_overlapping(self):
        """Other reports of the same dealers and companies whose period overlaps these reports' (one query)."""
        if not self:
            return self.browse()
        self.flush_model(["partner_id", "company_id", "date_from", "date_to"])
        self.env.cr.execute(
            SQL(
                """
                SELECT o.id
                  FROM crm_channel_sellthrough r
                  JOIN crm_channel_sellthrough o
                    ON o.partner_id = r.partner_id AND o.company_id = r.company_id AND o.id != r.id
                   AND o.date_from <= r.date_to AND o.date_to >= r.date_from
                 WHERE r.id IN %(ids)s
                """,
                ids=tuple(self.ids),
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall()).sudo()

    def write(self, vals):
        dealers = self.partner_id if {"partner_id", "company_id"} & vals.keys() else None
        result = super().write(vals)
        if dealers is not None:  # the lines follow their report: the stored channel stock of both dealers
            self.env["crm.channel.stock"]._crm_refresh(dealers | self.partner_id)
        return result

    def unlink(self):
        dealers = self.partner_id
        result = super().unlink()  # the lines go with their report (ON DELETE CASCADE)
        self.env["crm.channel.stock"]._crm_refresh(dealers)
        return result

    @api.model
    def _crm_find_overlapping(self, dealer, company, date_from, date_to):
        return self.search(
            [
                ("partner_id", "=", dealer.id),
                ("company_id", "=", company.id),
                ("date_from", "<=", date_to),
                ("date_to", ">=", date_from),
            ]
        )


class CrmChannelSellthroughLine(models.Model):
    """One line of a sell-through report: the dealer sold ``quantity`` of a
    product (and lot) to a terminal customer of a region on a date. Each line
    keeps its lot, dealer and region, so that diversion checks can build on them."""

    _name = "crm.channel.sellthrough.line"
    _description = "Dealer Sell-through Line"
    _order = "report_id, date, id"
    _check_company_auto = True

    report_id = fields.Many2one(
        "crm.channel.sellthrough", string="Report", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="report_id.partner_id", string="Dealer", store=True, index=True)
    company_id = fields.Many2one(related="report_id.company_id", store=True, index=True)
    date = fields.Date(required=True, index=True)
    product_id = fields.Many2one(
        "product.product", string="Product", required=True, index=True, ondelete="restrict", check_company=True
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    quantity = fields.Float(required=True, digits="Product Unit of Measure")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    price_unit = fields.Float(string="Unit Price", digits="Product Price")
    amount = fields.Float(compute="_compute_amount", store=True, digits="Product Price")
    customer_name = fields.Char(string="Terminal Customer", required=True, index="trigram")
    state_id = fields.Many2one("res.country.state", string="Province", index="btree_not_null")
    city = fields.Char()
    channel_level_id = fields.Many2one(
        related="partner_id.crm_channel_level_id", string="Channel Level", store=True, index="btree_not_null"
    )
    source_dealer_id = fields.Many2one(
        "res.partner",
        string="Received From",
        compute="_compute_source_dealer",
        store=True,
        precompute=True,
        index="btree_not_null",
        help="The dealer the lot was delivered to, when we never delivered it to this report's dealer: "
        "the dealer that supplies it, or another dealer (a diverted lot, which opens a diversion case). "
        "Such lines do not count in channel stock, which follows our own deliveries.",
    )

    @api.depends("report_id.partner_id", "report_id.company_id", "lot_id")
    def _compute_source_dealer(self):
        """Before the lines are inserted (precomputed: a value given to create is ignored), one
        query per dealer and company of these lines (an import batch is one)."""
        groups = defaultdict(lambda: self.browse())
        for line in self:
            line.source_dealer_id = False
            if line.lot_id and line.report_id:
                groups[(line.report_id.partner_id.commercial_partner_id, line.report_id.company_id)] |= line
        Stock = self.env["crm.channel.stock"]
        for (dealer, company), lines in groups.items():
            holders = Stock._crm_lot_holders(dealer, company, lines.lot_id)
            for line in lines:
                found = holders.get(line.lot_id.id, [])
                if found and dealer.id not in {holder["dealer_id"] for holder in found}:
                    line.source_dealer_id = found[0]["dealer_id"]

    @api.depends("quantity", "price_unit")
    def _compute_amount(self):
        for line in self:
            line.amount = line.quantity * line.price_unit

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        self.env["crm.channel.stock"]._crm_refresh(lines.partner_id)
        lines._crm_check_diversion()
        return lines

    def write(self, vals):
        stock_fields = {"report_id", "date", "product_id", "lot_id", "quantity"}
        dealers = self.partner_id if stock_fields & vals.keys() else None
        result = super().write(vals)
        if dealers is not None:
            self.env["crm.channel.stock"]._crm_refresh(dealers | self.partner_id)
        if DIVERSION_FIELDS.intersection(vals):
            self._crm_check_diversion()
        return result

    def unlink(self):
        dealers = self.partner_id
        result = super().unlink()
        self.env["crm.channel.stock"]._crm_refresh(dealers)
        return result

    def _crm_check_diversion(self):
        """Lines selling a lot outside the territories of the dealer it was
        delivered to open diversion cases: one per lot, dealer, date, customer
        and place, so that a report imported again does not open them twice.
        A constant number of queries, whatever the number of lines: the lines'
        values are read in one query rather than field by field (an import
        checks 5,000 lines at a time)."""
        if not self:
            return
        self.flush_recordset(["partner_id", "date", "customer_name", "state_id", "city", "lot_id", "company_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id, l.partner_id, l.date, l.customer_name, l.state_id, s.country_id, l.city,
                       l.lot_id, l.company_id
                  FROM crm_channel_sellthrough_line l
             LEFT JOIN res_country_state s ON s.id = l.state_id
                 WHERE l.id = ANY(%s) AND l.lot_id IS NOT NULL
              ORDER BY l.id
                """,
                self.ids,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        Partner, State, Country = self.env["res.partner"], self.env["res.country.state"], self.env["res.country"]
        Lot, Company = self.env["stock.lot"], self.env["res.company"]
        self.env["crm.channel.diversion"].sudo()._crm_open_cases(
            [
                {
                    "source": "sellthrough",
                    "record": self.browse(line_id),
                    "key": "|".join(
                        str(part) for part in (partner_id, date, customer_name, state_id or "", (city or "").strip())
                    ),
                    "lot": Lot.browse(lot_id),
                    "company": Company.browse(company_id),
                    "partner": Partner.browse(partner_id),
                    "state": State.browse(state_id),
                    "city": city,
                    "country": Country.browse(country_id),
                    "place": customer_name,
                    "date": date,
                }
                for line_id, partner_id, date, customer_name, state_id, country_id, city, lot_id, company_id in rows
            ]
        )

    @api.constrains("date", "product_id", "lot_id", "quantity", "report_id")
    def _check_line(self):
        # lines that _crm_create_checked is creating were checked with all their report's rows already
        checked = _CHECKED_REPORTS.get()
        lines = self.filtered(lambda line: line.report_id.id not in checked) if checked else self
        errors = lines._crm_validate()
        if errors:
            line, message = errors[0]
            raise ValidationError(
                _(
                    "Line %(product)s of %(date)s: %(message)s",
                    product=line.product_id.display_name,
                    date=line.date,
                    message=message,
                )
            )

    def _check_company(self, fnames=None):
        # the import found the products and lots of _crm_create_checked's lines in the report's company
        checked = _CHECKED_REPORTS.get()
        lines = self.filtered(lambda line: line.report_id.id not in checked) if checked else self
        return super(CrmChannelSellthroughLine, lines)._check_company(fnames)

    @api.model
    def _crm_create_checked(self, report, vals_list):
        """Create lines of ``report`` from ``vals_list`` that the caller checked
        set-based beforehand, as the import does (``_crm_check_rows`` on all the
        rows at once, with the period, the dealer's channel stock and the report
        replaced; products and lots found in the report's company): the lines
        skip only these checks (``_check_line``, the company check), which would
        run them all again, and their related and computed values are inserted
        with them rather than recomputed and updated afterwards. Everything else
        of ``create`` runs (access rights, record rules, other modules'
        overrides). Private: not callable over RPC.

        :param vals_list: values without ``report_id``, ``partner_id``,
            ``company_id``, ``channel_level_id`` and ``amount``
        """
        report.ensure_one()
        dealer = report.partner_id
        common = {
            "report_id": report.id,
            "partner_id": dealer.id,
            "company_id": report.company_id.id,
            "channel_level_id": dealer.crm_channel_level_id.id,
        }
        token = _CHECKED_REPORTS.set(_CHECKED_REPORTS.get() | {report.id})
        try:
            lines = self.create(
                [dict(vals, amount=vals["quantity"] * (vals.get("price_unit") or 0.0), **common) for vals in vals_list]
            )
        finally:
            _CHECKED_REPORTS.reset(token)
        # the values given above went into the INSERT: no recompute, no UPDATE of every line at the next flush
        for fname in common.keys() - {"report_id"} | {"amount"}:
            self.env.remove_to_compute(self._fields[fname], lines)
        return lines

    def _crm_validate(self):
        """Check these lines against their report's period and the dealer's
        channel stock; return [(line, message)]. A few queries for the whole set."""
        errors = []
        # the report's other lines count as sold: a few queries per report, whatever its size
        for report in self.report_id:
            lines = self.filtered(lambda line, report=report: line.report_id == report)
            rows = [
                {
                    "key": line,
                    "date": line.date,
                    "product": line.product_id,
                    "lot": line.lot_id,
                    "quantity": line.quantity,
                }
                for line in lines
            ]
            errors += [
                (line, message)
                for line, _field, message in self._crm_check_rows(
                    report.partner_id.commercial_partner_id,
                    report.company_id,
                    report.date_from,
                    report.date_to,
                    rows,
                    exclude_lines=lines,
                )
            ]
        return errors

    @api.model
    def _crm_check_rows(self, dealer, company, date_from, date_to, rows, exclude_reports=None, exclude_lines=None):
        """The checks of a report's lines, shared by the back office, the import and the portal.

        :param rows: dicts with key (returned with each error), date, product
            (product.product), lot (stock.lot or empty) and quantity
        :param exclude_reports: reports whose lines do not count as already sold
            (the one the checked rows replace)
        :param exclude_lines: lines that do not count as already sold (the lines checked)
        :return: [(key, field, message)] with field in date, product, lot, quantity
        """
        errors = []
        Stock = self.env["crm.channel.stock"]
        products = self.env["product.product"].browse({row["product"].id for row in rows})
        stock = Stock._crm_available(dealer, company, products, exclude_reports, exclude_lines)
        # lots we never delivered to the dealer: the dealers we did deliver them to (one query)
        elsewhere = self.env["stock.lot"].browse(
            {
                row["lot"].id
                for row in rows
                if row["lot"] and not stock.get((row["product"].id, row["lot"].id), (0.0, 0.0))[0]
            }
        )
        holders = Stock._crm_lot_holders(dealer, company, elsewhere) if elsewhere else {}
        wanted = defaultdict(float)
        for row in rows:
            product, lot = row["product"], row["lot"]
            if row["date"] and date_from and not date_from <= row["date"] <= date_to:
                errors.append(
                    (
                        row["key"],
                        "date",
                        _(
                            "The date is outside the report's period %(start)s to %(end)s.",
                            start=date_from,
                            end=date_to,
                        ),
                    )
                )
            if float_compare(row["quantity"], 0.0, precision_rounding=product.uom_id.rounding or 0.01) <= 0:
                errors.append((row["key"], "quantity", _("The quantity must be positive.")))
                continue
            if lot and lot.product_id != product:
                errors.append(
                    (
                        row["key"],
                        "lot",
                        _("Lot %(lot)s is not a lot of %(product)s.", lot=lot.name, product=product.display_name),
                    )
                )
                continue
            if not lot and product.tracking in ("lot", "serial"):
                errors.append(
                    (
                        row["key"],
                        "lot",
                        _("%(product)s is tracked by lot: the lot is required.", product=product.display_name),
                    )
                )
                continue
            key = (product.id, lot.id or None)
            received, available = stock.get(key, (0.0, 0.0))
            wanted[key] += row["quantity"]
            lot_label = f" ({lot.name})" if lot else ""
            if lot and not received:
                # a lot of another dealer: its supplier's (legitimate) or diverted (a case opens); the
                # line is accepted up to what we delivered of the lot to dealers, and stays out of stock
                found = holders.get(lot.id)
                if not found:
                    errors.append(
                        (
                            row["key"],
                            "lot",
                            _(
                                "Dealer %(dealer)s never received lot %(lot)s of %(product)s, and we delivered it "
                                "to no other dealer either.",
                                dealer=dealer.display_name,
                                lot=lot.name,
                                product=product.display_name,
                            ),
                        )
                    )
                    continue
                delivered = sum(holder["qty"] for holder in found)
                if float_compare(wanted[key], delivered, precision_rounding=product.uom_id.rounding or 0.01) > 0:
                    errors.append(
                        (
                            row["key"],
                            "quantity",
                            _(
                                "The quantities sold of %(product)s%(lot)s up to this line (%(wanted)s) exceed what "
                                "we delivered of the lot to dealers (%(delivered)s); dealer %(dealer)s received "
                                "none of it from us.",
                                product=product.display_name,
                                lot=lot_label,
                                wanted=round(wanted[key], 4),
                                delivered=round(delivered, 4),
                                dealer=dealer.display_name,
                            ),
                        )
                    )
                continue
            if float_compare(wanted[key], available, precision_rounding=product.uom_id.rounding or 0.01) > 0:
                errors.append(
                    (
                        row["key"],
                        "quantity",
                        _(
                            "The quantities sold of %(product)s%(lot)s up to this line (%(wanted)s) exceed what "
                            "dealer %(dealer)s could have had (%(available)s: received, less returns, sales "
                            "already reported, plus adjustments).",
                            product=product.display_name,
                            lot=lot_label,
                            wanted=round(wanted[key], 4),
                            dealer=dealer.display_name,
                            available=round(available, 4),
                        ),
                    )
                )
        return errors


class CrmChannelSellthroughPortal(models.AbstractModel):
    """The dealer portal's upload of a sell-through report."""

    _name = "crm.channel.sellthrough.portal"
    _description = "Dealer Portal Sell-through Upload"

    @api.model
    def _crm_portal_upload(self, partner, company, content, filename, date_from, date_to, replace=False):
        """Check and import the file of ``partner`` (the logged-in portal
        user's partner, never one sent by the client) for its dealer, as the
        import wizard does: all or nothing. Runs as superuser; private.

        :return: (report or None, problems as dicts with row, column, value, message, severity)
        """
        dealer = partner.commercial_partner_id
        wizard = (
            self.env["crm.channel.sellthrough.import"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": dealer.id,
                    "company_id": company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "duplicate_policy": "replace" if replace else "refuse",
                    "file": base64.b64encode(content),
                    "filename": filename,
                }
            )
        )
        plan = wizard._crm_analyse()
        errors = [problem for problem in plan["problems"] if problem["severity"] == "error"]
        if errors:
            return None, sorted(plan["problems"], key=lambda p: (p["severity"], p["row"]))
        with self.env.cr.savepoint():
            report = wizard._crm_execute(plan, "portal")
        report.message_post(
            body=_("Uploaded in the portal by %(user)s.", user=partner.display_name),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return report, plan["problems"]
