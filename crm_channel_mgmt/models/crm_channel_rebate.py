"""Rebate agreements (返利协议) with dealers, settled by credit notes.

An agreement pays a dealer a rate of what it bought in the agreement's year
(invoiced or paid, credit notes subtracted, in amount or quantity, on all
products or some products and categories), the rate set by tiers that the
year's cumulative figure reaches. The year is cut into periods; settling a
period pays the rate reached on the year so far minus what earlier
settlements paid, so a dealer who reaches a higher tier late in the year gets
the difference on its earlier purchases too, and one whose credit notes take
it back under a tier gives the difference back.

The figures come from one grouped statement over the invoice lines
(``_rebate_base_query``), shared by the settlement and the accrual report.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_is_zero, formatLang

PERIODICITIES = [
    ("month", "Monthly"),
    ("quarter", "Quarterly"),
    ("half", "Half-Yearly"),
    ("year", "Yearly"),
]
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def rebate_base_query(date_bound, where):
    """SELECT agreement_id, dealer_id, amount, quantity for the agreements and dealers ``where`` selects.

    What the dealer bought from the agreement's start to ``date_bound`` (an SQL expression over
    ``a``, the agreement): the untaxed amount in the company currency and the quantity of the
    posted customer invoice lines of the agreement's products, credit notes subtracted; on a
    "paid" agreement each invoice counts for its paid share.
    """
    return SQL(
        """
        SELECT a.id AS agreement_id,
               d.partner_id AS dealer_id,
               COALESCE(SUM(-l.balance * %(share)s) FILTER (WHERE %(in_scope)s), 0) AS amount,
               COALESCE(SUM(
                   CASE WHEN m.move_type = 'out_refund' THEN -l.quantity ELSE l.quantity END * %(share)s
               ) FILTER (WHERE %(in_scope)s), 0) AS quantity
          FROM crm_channel_rebate_agreement a
          JOIN crm_channel_rebate_agreement_dealer_rel d ON d.agreement_id = a.id
     LEFT JOIN account_move m
            ON m.commercial_partner_id = d.partner_id
           AND m.company_id = a.company_id
           AND m.state = 'posted'
           AND m.move_type IN ('out_invoice', 'out_refund')
           AND m.invoice_date >= a.date_start
           AND m.invoice_date <= %(date_bound)s
     LEFT JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'product'
     LEFT JOIN product_product pp ON pp.id = l.product_id
     LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
     LEFT JOIN product_category pc ON pc.id = pt.categ_id
         WHERE %(where)s
      GROUP BY a.id, d.partner_id
        """,
        date_bound=date_bound,
        where=where,
        share=SQL(
            """CASE WHEN a.basis = 'paid'
                    THEN CASE WHEN m.amount_total_signed = 0 THEN 0
                              ELSE 1 - m.amount_residual_signed / m.amount_total_signed END
                    ELSE 1 END"""
        ),
        in_scope=SQL(
            """l.id IS NOT NULL
               AND (
                    (NOT EXISTS (SELECT 1 FROM crm_channel_rebate_agreement_product_rel r WHERE r.agreement_id = a.id)
                     AND NOT EXISTS (SELECT 1 FROM crm_channel_rebate_agreement_categ_rel r
                                      WHERE r.agreement_id = a.id))
                 OR l.product_id IN (SELECT r.product_id FROM crm_channel_rebate_agreement_product_rel r
                                      WHERE r.agreement_id = a.id)
                 OR EXISTS (SELECT 1
                              FROM crm_channel_rebate_agreement_categ_rel r
                              JOIN product_category c ON c.id = r.categ_id
                             WHERE r.agreement_id = a.id AND pc.parent_path LIKE c.parent_path || '%%')
               )"""
        ),
    )


class CrmChannelRebateAgreement(models.Model):
    _name = "crm.channel.rebate.agreement"
    _description = "Rebate Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("closed", "Closed")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    dealer_ids = fields.Many2many(
        "res.partner",
        "crm_channel_rebate_agreement_dealer_rel",
        "agreement_id",
        "partner_id",
        string="Dealers",
        domain="[('crm_channel_is_dealer', '=', True)]",
        help="Each dealer earns on its own purchases, at the tiers of the agreement.",
    )
    date_start = fields.Date(string="Start Date", required=True, tracking=True)
    date_end = fields.Date(string="End Date", required=True, tracking=True)
    periodicity = fields.Selection(
        PERIODICITIES,
        string="Settlement Period",
        required=True,
        default="quarter",
        help="The agreement's dates are cut into periods of this length; each is settled once.",
    )
    basis = fields.Selection(
        [("invoiced", "Invoiced"), ("paid", "Paid")],
        required=True,
        default="invoiced",
        tracking=True,
        help="Invoiced: posted invoices count in full. Paid: each invoice counts for its paid share. "
        "Credit notes are subtracted in both cases.",
    )
    measure = fields.Selection(
        [("amount", "Amount"), ("quantity", "Quantity")],
        string="Tiers On",
        required=True,
        default="amount",
        help="Tiers on the untaxed amount (company currency) or on the quantity bought.",
    )
    product_ids = fields.Many2many(
        "product.product",
        "crm_channel_rebate_agreement_product_rel",
        "agreement_id",
        "product_id",
        string="Products",
        check_company=True,
    )
    categ_ids = fields.Many2many(
        "product.category",
        "crm_channel_rebate_agreement_categ_rel",
        "agreement_id",
        "categ_id",
        string="Product Categories",
        help="Products of these categories and their sub-categories. Neither products nor categories: all products.",
    )
    tier_ids = fields.One2many("crm.channel.rebate.tier", "agreement_id", string="Tiers", copy=True)
    settle_mode = fields.Selection(
        [("credit_note", "Credit Note"), ("next_invoice", "Discount on the Next Invoice")],
        string="Settle By",
        required=True,
        default="credit_note",
        help="Credit Note: each settlement creates a customer credit note. Discount on the Next Invoice: "
        "a rebate line is added to the dealer's oldest draft invoice.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
        help="Sales journal of the credit notes; empty: the company's first sales journal.",
    )
    account_id = fields.Many2one(
        "account.account",
        string="Rebate Account",
        check_company=True,
        help="Account of the rebate lines; empty: the journal's default account.",
    )
    period_ids = fields.One2many("crm.channel.rebate.period", "agreement_id", string="Periods", readonly=True)
    settlement_ids = fields.One2many("crm.channel.rebate.settlement", "agreement_id", string="Settlements")
    move_count = fields.Integer(compute="_compute_move_count", string="Credit Notes")
    note = fields.Html()

    # ------------------------------------------------------------------ checks
    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for agreement in self:
            if agreement.date_end < agreement.date_start:
                raise ValidationError(
                    self.env._(
                        "Rebate agreement %(agreement)s: the end date %(end)s is before the start date %(start)s.",
                        agreement=agreement.display_name,
                        end=agreement.date_end,
                        start=agreement.date_start,
                    )
                )
            if agreement.date_end > agreement.date_start + relativedelta(years=1, days=-1):
                raise ValidationError(
                    self.env._(
                        "Rebate agreement %(agreement)s: an agreement covers one year at most "
                        "(its rebates are cumulative over its dates).",
                        agreement=agreement.display_name,
                    )
                )

    @api.constrains("tier_ids")
    def _check_tiers(self):
        for agreement in self:
            previous = None
            for tier in agreement.tier_ids.sorted(lambda t: (t.threshold, t.id)):
                if previous and (tier.threshold <= previous.threshold or tier.rate <= previous.rate):
                    raise ValidationError(
                        self.env._(
                            "Rebate agreement %(agreement)s: tiers must be in order, each from a higher figure "
                            "with a higher rate (%(rate_a)s%% from %(from_a)s, then %(rate_b)s%% from %(from_b)s).",
                            agreement=agreement.display_name,
                            rate_a=previous.rate,
                            from_a=previous.threshold,
                            rate_b=tier.rate,
                            from_b=tier.threshold,
                        )
                    )
                previous = tier

    @api.constrains("dealer_ids", "date_start", "date_end", "product_ids", "categ_ids", "company_id")
    def _check_overlap(self):
        """Two agreements of one company may not pay the same dealer twice for the same products and dates."""
        self.env["crm.channel.rebate.agreement"].flush_model()
        for agreement in self:
            others = (
                self.sudo()
                .with_context(active_test=False)
                .search(
                    [
                        ("id", "!=", agreement.id),
                        ("company_id", "=", agreement.company_id.id),
                        ("dealer_ids", "in", agreement.dealer_ids.ids),
                        ("date_start", "<=", agreement.date_end),
                        ("date_end", ">=", agreement.date_start),
                    ]
                )
            )
            for other in others:
                if agreement._products_overlap(other):
                    dealers = agreement.dealer_ids & other.dealer_ids
                    raise ValidationError(
                        self.env._(
                            "Rebate agreement %(agreement)s overlaps agreement %(other)s: both pay %(dealers)s "
                            "for the same products between %(start)s and %(end)s. Change the dates, the dealers "
                            "or the products of one of them.",
                            agreement=agreement.display_name,
                            other=other.display_name,
                            dealers=", ".join(dealers.mapped("display_name")),
                            start=max(agreement.date_start, other.date_start),
                            end=min(agreement.date_end, other.date_end),
                        )
                    )

    def _products_overlap(self, other):
        """Whether the products of agreements ``self`` and ``other`` have a product in common."""
        self.ensure_one()
        mine, theirs = self.sudo(), other.sudo()
        if not (mine.product_ids or mine.categ_ids) or not (theirs.product_ids or theirs.categ_ids):
            return True
        if mine.product_ids & theirs.product_ids:
            return True

        def within(categ, categs):
            return any(categ.parent_path.startswith(c.parent_path) for c in categs)

        if any(within(c, theirs.categ_ids) or within(t, c) for c in mine.categ_ids for t in theirs.categ_ids):
            return True
        if any(within(p.categ_id, theirs.categ_ids) for p in mine.product_ids):
            return True
        return any(within(p.categ_id, mine.categ_ids) for p in theirs.product_ids)

    # ------------------------------------------------------------------ computes
    def _compute_move_count(self):
        counts = dict(
            self.env["crm.channel.rebate.settlement"]._read_group(
                [("agreement_id", "in", self.ids), ("move_id", "!=", False)],
                ["agreement_id"],
                ["move_id:count_distinct"],
            )
        )
        for agreement in self:
            agreement.move_count = counts.get(agreement, 0)

    def _rate_for(self, base):
        """The rate (%) of the highest tier that ``base`` reaches, and that tier."""
        self.ensure_one()
        reached = self.tier_ids.filtered(lambda t: t.threshold <= base + 1e-9).sorted("threshold")[-1:]
        return (reached.rate if reached else 0.0), reached

    def _bases(self, date_to, dealers=None):
        """{(agreement, dealer): (amount, quantity)} up to ``date_to``, for the agreements ``self`` (one statement)."""
        where = SQL("a.id = ANY(%s)", list(self.ids))
        if dealers is not None:
            where = SQL("%s AND d.partner_id = ANY(%s)", where, list(dealers.ids))
        self.env.flush_all()
        self.env.cr.execute(rebate_base_query(SQL("%s", date_to), where))
        Dealer = self.env["res.partner"]
        return {(self.browse(a), Dealer.browse(d)): (amount, qty) for a, d, amount, qty in self.env.cr.fetchall()}

    # ------------------------------------------------------------------ actions
    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group("crm_channel_mgmt.crm_channel_mgmt_group_manager"):
            raise UserError(self.env._("Only channel administrators can confirm, close or settle rebate agreements."))

    def action_confirm(self):
        self._check_manager()
        for agreement in self:
            if agreement.state != "draft":
                raise UserError(
                    self.env._("Rebate agreement %(agreement)s is not a draft.", agreement=agreement.display_name)
                )
            if not agreement.dealer_ids:
                raise UserError(
                    self.env._("Rebate agreement %(agreement)s has no dealer.", agreement=agreement.display_name)
                )
            if not agreement.tier_ids:
                raise UserError(
                    self.env._("Rebate agreement %(agreement)s has no tier.", agreement=agreement.display_name)
                )
            agreement.sudo().period_ids = [Command.create(vals) for vals in agreement._period_vals()]
        self.write({"state": "running"})
        return True

    def _period_vals(self):
        self.ensure_one()
        months = PERIOD_MONTHS[self.periodicity]
        vals, start, number = [], self.date_start, 1
        while start <= self.date_end:
            end = min(start + relativedelta(months=months, days=-1), self.date_end)
            vals.append(
                {
                    "sequence": number,
                    "name": self.env._(
                        "%(agreement)s / %(start)s – %(end)s", agreement=self.name, start=start, end=end
                    ),
                    "date_from": start,
                    "date_to": end,
                }
            )
            start, number = end + timedelta(days=1), number + 1
        return vals

    def action_close(self):
        self._check_manager()
        self.filtered(lambda a: a.state == "running").write({"state": "closed"})
        return True

    def action_draft(self):
        self._check_manager()
        for agreement in self:
            if agreement.settlement_ids:
                raise UserError(
                    self.env._(
                        "Rebate agreement %(agreement)s has settlements: it cannot go back to draft.",
                        agreement=agreement.display_name,
                    )
                )
        self.sudo().period_ids.unlink()
        self.write({"state": "draft"})
        return True

    def action_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_refund_type")
        action["domain"] = [("id", "in", self.settlement_ids.move_id.ids)]
        action["context"] = {"create": False}
        moves = self.settlement_ids.move_id
        if len(moves) == 1:
            action.update({"views": [(False, "form")], "res_id": moves.id, "view_mode": "form"})
        return action

    def action_view_accruals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_channel_mgmt.crm_channel_rebate_accrual_action")
        action["domain"] = [("agreement_id", "=", self.id)]
        return action


class CrmChannelRebateTier(models.Model):
    _name = "crm.channel.rebate.tier"
    _description = "Rebate Tier"
    _order = "agreement_id, threshold"

    agreement_id = fields.Many2one("crm.channel.rebate.agreement", required=True, ondelete="cascade", index=True)
    threshold = fields.Float(
        string="Tier Starts At",
        required=True,
        help="Cumulative amount or quantity of the year from which the rate applies.",
    )
    rate = fields.Float(string="Rate (%)", required=True, digits=(5, 2))

    @api.constrains("threshold", "rate")
    def _check_values(self):
        for tier in self:
            if tier.threshold < 0 or tier.rate <= 0 or tier.rate > 100:
                raise ValidationError(
                    self.env._(
                        "Rebate agreement %(agreement)s: a tier starts at 0 or more and pays a rate above 0%% "
                        "and at most 100%% (got %(rate)s%% from %(threshold)s).",
                        agreement=tier.agreement_id.display_name,
                        rate=tier.rate,
                        threshold=tier.threshold,
                    )
                )


class CrmChannelRebatePeriod(models.Model):
    _name = "crm.channel.rebate.period"
    _description = "Rebate Period"
    _order = "agreement_id, sequence"

    agreement_id = fields.Many2one("crm.channel.rebate.agreement", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    sequence = fields.Integer(required=True)
    name = fields.Char(required=True)
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    settlement_ids = fields.One2many("crm.channel.rebate.settlement", "period_id", string="Settlements")
    settled = fields.Boolean(
        compute="_compute_settled", help="Every dealer of the agreement is settled for the period."
    )

    @api.depends("settlement_ids.state", "agreement_id.dealer_ids")
    def _compute_settled(self):
        for period in self:
            done = period.settlement_ids.filtered(lambda s: s.state == "settled").dealer_id
            period.settled = bool(period.agreement_id.dealer_ids) and not (period.agreement_id.dealer_ids - done)

    def action_settle(self):
        """Settle the period for the agreement's dealers not settled yet for it."""
        self.ensure_one()
        self.agreement_id._check_manager()
        return self.sudo()._settle(self.env.user)

    def _settle(self, user):
        """Compute and settle every dealer of the agreement that has no valid settlement for the period.

        One statement computes the year-to-date bases of all dealers, one reads what earlier
        settlements paid; the credit notes and settlements are created in batches. A dealer whose
        earlier period is not settled, or whose later period is, stops the whole settlement.
        """
        self.ensure_one()
        agreement = self.agreement_id
        today = fields.Date.context_today(self)
        if agreement.state != "running":
            raise UserError(
                self.env._("Rebate agreement %(agreement)s is not running.", agreement=agreement.display_name)
            )
        if self.date_to > today:
            raise UserError(
                self.env._(
                    "Period %(period)s ends on %(end)s: it can be settled from that day on.",
                    period=self.name,
                    end=self.date_to,
                )
            )
        Settlement = self.env["crm.channel.rebate.settlement"]
        # lock the agreement's settlements: two users settling at once cannot both pass the checks
        self.env.cr.execute("SELECT id FROM crm_channel_rebate_agreement WHERE id = %s FOR UPDATE", [agreement.id])
        valid = Settlement.search([("agreement_id", "=", agreement.id), ("state", "=", "settled")])
        done = valid.filtered(lambda s: s.period_id == self).dealer_id
        dealers = agreement.dealer_ids - done
        if not dealers:
            raise UserError(self.env._("Period %(period)s is already settled.", period=self.name))
        for dealer in dealers:
            settled_periods = valid.filtered(lambda s, dealer=dealer: s.dealer_id == dealer).period_id
            missing = agreement.period_ids.filtered(lambda p: p.sequence < self.sequence) - settled_periods
            later = settled_periods.filtered(lambda p: p.sequence > self.sequence)
            if missing or later:
                raise UserError(
                    self.env._(
                        "Dealer %(dealer)s: settle the periods of agreement %(agreement)s in order " "(%(detail)s).",
                        dealer=dealer.display_name,
                        agreement=agreement.display_name,
                        detail=self.env._("period %(period)s is not settled yet", period=missing[0].name)
                        if missing
                        else self.env._(
                            "period %(period)s is already settled: cancel its credit note first", period=later[0].name
                        ),
                    )
                )
        bases = agreement._bases(self.date_to, dealers)
        paid = {}
        for settlement in valid.filtered(lambda s: s.dealer_id in dealers):
            # a deduction counts as paid: later periods do not give it back
            paid[settlement.dealer_id] = (
                paid.get(settlement.dealer_id, 0.0) + settlement.amount + settlement.deduction_amount
            )
        deductions = self.env["crm.channel.rebate.deduction"].search(
            [("agreement_id", "=", agreement.id), ("dealer_id", "in", dealers.ids), ("state", "=", "pending")]
        )
        deducted = {}
        for deduction in deductions:
            deducted[deduction.dealer_id] = deducted.get(deduction.dealer_id, 0.0) + deduction.amount
        currency = agreement.currency_id
        vals_list = []
        for dealer in dealers:
            amount, quantity = bases.get((agreement, dealer), (0.0, 0.0))
            base = quantity if agreement.measure == "quantity" else amount
            rate, tier = agreement._rate_for(base)
            cumulative = currency.round(amount * rate / 100)
            vals_list.append(
                {
                    "agreement_id": agreement.id,
                    "period_id": self.id,
                    "dealer_id": dealer.id,
                    "base": base,
                    "rate": rate,
                    "tier_id": tier.id,
                    "cumulative_amount": cumulative,
                    "previous_amount": paid.get(dealer, 0.0),
                    "deduction_amount": currency.round(deducted.get(dealer, 0.0)),
                    "amount": currency.round(cumulative - paid.get(dealer, 0.0) - deducted.get(dealer, 0.0)),
                    "date": today,
                    "user_id": user.id,
                }
            )
        settlements = Settlement.create(vals_list)
        for settlement in settlements.filtered("deduction_amount"):
            deductions.filtered(lambda d, s=settlement: d.dealer_id == s.dealer_id).settlement_id = settlement
        settlements._create_moves()
        return settlements


class CrmChannelRebateSettlement(models.Model):
    _name = "crm.channel.rebate.settlement"
    _description = "Rebate Settlement"
    _order = "date desc, id desc"
    _check_company_auto = True

    agreement_id = fields.Many2one(
        "crm.channel.rebate.agreement", required=True, ondelete="restrict", index=True, readonly=True
    )
    period_id = fields.Many2one(
        "crm.channel.rebate.period", required=True, ondelete="restrict", index=True, readonly=True
    )
    dealer_id = fields.Many2one("res.partner", string="Dealer", required=True, index=True, readonly=True)
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    date = fields.Date(required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Settled By", readonly=True)
    base = fields.Float(
        string="Year to Date",
        readonly=True,
        help="Amount or quantity bought from the agreement's start to the period's end.",
    )
    rate = fields.Float(string="Rate (%)", readonly=True, digits=(5, 2))
    tier_id = fields.Many2one("crm.channel.rebate.tier", string="Tier Reached", readonly=True, ondelete="set null")
    cumulative_amount = fields.Monetary(string="Rebate to Date", readonly=True)
    previous_amount = fields.Monetary(string="Paid Before", readonly=True)
    deduction_amount = fields.Monetary(
        string="Deductions",
        readonly=True,
        help="Penalties (diversion, for example) taken off this settlement.",
    )
    amount = fields.Monetary(
        string="Rebate",
        readonly=True,
        help="Rebate to date minus what earlier settlements paid (and deducted) and this settlement's deductions.",
    )
    deduction_ids = fields.One2many("crm.channel.rebate.deduction", "settlement_id", string="Deduction Details")
    move_line_id = fields.Many2one(
        "account.move.line", string="Rebate Line", readonly=True, ondelete="set null", index="btree_not_null"
    )
    move_id = fields.Many2one(
        "account.move", string="Credit Note", related="move_line_id.move_id", store=True, index="btree_not_null"
    )
    state = fields.Selection(
        [("settled", "Settled"), ("cancelled", "Cancelled")],
        compute="_compute_state",
        store=True,
        index=True,
        help="A settlement whose credit note (or invoice line) is cancelled or deleted is cancelled: "
        "its period can be settled again.",
    )

    def init(self):
        super().init()
        if not tools.sql.table_exists(self.env.cr, self._table):
            return  # code newer than the database: Odoo calls init() before the module is updated
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS crm_channel_rebate_settlement_once
                   ON crm_channel_rebate_settlement (period_id, dealer_id) WHERE state = 'settled'"""
        )

    @api.depends("move_line_id", "move_line_id.parent_state", "amount")
    def _compute_state(self):
        for settlement in self:
            if settlement.move_line_id:
                settled = settlement.move_line_id.parent_state != "cancel"
            else:
                # nothing to pay needs no credit note; a rebate whose line was deleted is cancelled
                settled = float_is_zero(settlement.amount, precision_digits=2)
            settlement.state = "settled" if settled else "cancelled"

    def _create_moves(self):
        """The credit notes (or rebate lines on the dealers' next invoices) of settlements ``self``."""
        to_pay = self.filtered(lambda s: not s.currency_id.is_zero(s.amount))
        if not to_pay:
            return
        agreement = to_pay.agreement_id
        agreement.ensure_one()
        Move = self.env["account.move"].with_company(agreement.company_id)
        journal = agreement.journal_id or self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", agreement.company_id.id)], limit=1
        )
        account = agreement.account_id or journal.default_account_id
        if not journal or not account:
            raise UserError(
                self.env._(
                    "Rebate agreement %(agreement)s: no sales journal with a default account to settle on.",
                    agreement=agreement.display_name,
                )
            )

        def line_vals(settlement, sign):
            name = self.env._(
                "Rebate %(period)s: %(rate)s%% of %(base)s bought this year",
                period=settlement.period_id.name,
                rate=formatLang(self.env, settlement.rate),
                base=formatLang(self.env, settlement.base),
            )
            if settlement.deduction_amount:
                name = self.env._(
                    "%(rebate)s, less %(deduction)s of penalties",
                    rebate=name,
                    deduction=formatLang(self.env, settlement.deduction_amount),
                )
            return {
                "name": name,
                "account_id": account.id,
                "quantity": 1,
                "price_unit": sign * abs(settlement.amount),
                "tax_ids": [Command.clear()],
                "crm_rebate_settlement_id": settlement.id,
            }

        if agreement.settle_mode == "next_invoice":
            invoices = Move.search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "draft"),
                    ("company_id", "=", agreement.company_id.id),
                    ("commercial_partner_id", "in", to_pay.dealer_id.ids),
                ],
                order="id",
            )
            by_dealer = {}
            for invoice in invoices:
                by_dealer.setdefault(invoice.commercial_partner_id, invoice)
            for settlement in to_pay:
                invoice = by_dealer.get(settlement.dealer_id)
                if not invoice:
                    raise UserError(
                        self.env._(
                            "Dealer %(dealer)s has no draft invoice to carry its rebate of %(amount)s: "
                            "create its next invoice first, or settle this agreement by credit note.",
                            dealer=settlement.dealer_id.display_name,
                            amount=settlement.amount,
                        )
                    )
                invoice.write(
                    {"invoice_line_ids": [Command.create(line_vals(settlement, -1 if settlement.amount > 0 else 1))]}
                )
        else:
            Move.create(
                [
                    {
                        "move_type": "out_refund" if settlement.amount > 0 else "out_invoice",
                        "partner_id": settlement.dealer_id.id,
                        "journal_id": journal.id,
                        "invoice_date": settlement.date,
                        "ref": self.env._("Rebate %(period)s", period=settlement.period_id.name),
                        "invoice_line_ids": [Command.create(line_vals(settlement, 1))],
                    }
                    for settlement in to_pay
                ]
            )
        lines = self.env["account.move.line"].search([("crm_rebate_settlement_id", "in", to_pay.ids)])
        for line in lines:
            line.crm_rebate_settlement_id.move_line_id = line

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "views": [(False, "form")],
        }


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # channel users only: accountants, buyers and others read invoices without the channel's models
    crm_rebate_settlement_id = fields.Many2one(
        "crm.channel.rebate.settlement",
        string="Rebate Settlement",
        index="btree_not_null",
        copy=False,
        readonly=True,
        groups="crm_channel_mgmt.crm_channel_mgmt_group_user",
    )


class AccountMove(models.Model):
    _inherit = "account.move"

    crm_rebate_settlement_ids = fields.One2many(
        "crm.channel.rebate.settlement",
        "move_id",
        string="Rebate Settlements",
        groups="crm_channel_mgmt.crm_channel_mgmt_group_user",
    )

    def action_crm_view_rebate_agreement(self):
        self.ensure_one()
        agreement = self.crm_rebate_settlement_ids.agreement_id[:1]
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.channel.rebate.agreement",
            "res_id": agreement.id,
            "views": [(False, "form")],
        }
