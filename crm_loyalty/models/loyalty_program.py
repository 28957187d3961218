from datetime import date as date_type

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round

from .crm_loyalty_ledger import POINTS_DIGITS


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    crm_ledger = fields.Boolean(
        string="Points Ledger",
        help="Keep the points of this loyalty program in a ledger of batches: points expire, tiers, "
        "rules by customer, earning on invoice or payment, reversal on credit notes and returns, "
        "statements. Without it the program works as in standard Odoo.",
    )
    crm_accrual_moment = fields.Selection(
        [
            ("confirm", "Order confirmation"),
            ("invoice", "Invoice posting"),
            ("payment", "Payment"),
        ],
        string="Earn Points On",
        default="confirm",
        required=True,
        help="Order confirmation: points of the sales order, as soon as it is confirmed.\n"
        "Invoice posting: points of each customer invoice when it is posted.\n"
        "Payment: points of each customer invoice for what the customer has paid of it, "
        "partial payments pro rata.",
    )
    crm_rule_combination = fields.Selection(
        [("sum", "Add up all matching rules"), ("best", "Best matching rule only")],
        string="Several Rules Match",
        default="sum",
        required=True,
    )
    crm_expiry_policy = fields.Selection(
        [
            ("never", "Never"),
            ("months", "Months after earning"),
            ("year_end", "End of the year of earning"),
        ],
        string="Points Expire",
        default="never",
        required=True,
    )
    crm_expiry_months = fields.Integer(string="Expire After (Months)", default=12)
    crm_expiry_notice_days = fields.Integer(
        string="Warn Days Before Expiry",
        default=30,
        help="Customers receive an e-mail this many days before points expire; 0 sends none.",
    )
    crm_expiry_mail_template_id = fields.Many2one(
        "mail.template",
        string="Expiry Warning Template",
        domain=[("model", "=", "loyalty.card")],
        help="Leave empty to use the standard expiry warning.",
    )
    crm_reversal_policy = fields.Selection(
        [
            ("cap", "Take back what is left (balance stays at zero or above)"),
            ("negative", "Take back everything (balance may go negative)"),
            ("block", "Refuse the credit note or return"),
        ],
        string="Reversal Beyond Balance",
        default="cap",
        required=True,
        help="What happens when a credit note or return takes back points that the customer has already used.",
    )
    crm_tier_ids = fields.One2many("crm.loyalty.tier", "program_id", string="Tiers", copy=True)
    crm_tier_basis = fields.Selection(
        [("points", "Points earned"), ("spend", "Amount spent")],
        string="Tiers Qualified By",
        default="points",
        required=True,
    )
    crm_tier_window_months = fields.Integer(string="Tier Window (Months)", default=12)

    @api.constrains("crm_expiry_policy", "crm_expiry_months", "crm_expiry_notice_days", "crm_tier_window_months")
    def _check_crm_loyalty_settings(self):
        for program in self:
            if program.crm_expiry_policy == "months" and program.crm_expiry_months <= 0:
                raise ValidationError(
                    _("Program %(program)s: points must expire after at least one month.", program=program.name)
                )
            if program.crm_expiry_notice_days < 0:
                raise ValidationError(
                    _(
                        "Program %(program)s: the days of warning before expiry cannot be negative.",
                        program=program.name,
                    )
                )
            if program.crm_tier_window_months <= 0:
                raise ValidationError(
                    _("Program %(program)s: the tier window must be at least one month.", program=program.name)
                )

    @api.constrains("crm_expiry_mail_template_id")
    def _check_crm_expiry_mail_template(self):
        # the expiry job renders it as superuser for loyalty cards
        for program in self:
            template = program.crm_expiry_mail_template_id
            if template and template.model != "loyalty.card":
                raise ValidationError(
                    _(
                        "Program %(program)s: the expiry warning template %(template)s is a template of "
                        "%(model)s, not of loyalty cards.",
                        program=program.name,
                        template=template.name,
                        model=template.model_id.name or template.model,
                    )
                )

    @api.constrains("crm_ledger", "program_type")
    def _check_crm_ledger_type(self):
        for program in self:
            if program.crm_ledger and program.program_type != "loyalty":
                raise ValidationError(
                    _("Program %(program)s: only loyalty programs can keep a points ledger.", program=program.name)
                )

    def _crm_loyalty_is_ledger(self):
        """Programs whose cards keep their points in the ledger."""
        self.ensure_one()
        return self.crm_ledger and self.program_type == "loyalty"

    def write(self, vals):
        if "crm_ledger" not in vals:
            return super().write(vals)
        turned_on = self.filtered(lambda program: not program.crm_ledger) if vals["crm_ledger"] else self.browse()
        turned_off = self.filtered("crm_ledger") if not vals["crm_ledger"] else self.browse()
        if turned_off and self.env["crm.loyalty.ledger"].sudo().search_count(
            [("program_id", "in", turned_off.ids)], limit=1
        ):
            raise UserError(
                _(
                    "Program %(program)s already has points in its ledger: the ledger cannot be switched off. "
                    "Archive the program and start a new one instead.",
                    program=turned_off[0].name,
                )
            )
        res = super().write(vals)
        if turned_on:
            turned_on._crm_loyalty_open_ledger()
        return res

    def _crm_loyalty_open_ledger(self):
        """A program switched to the ledger: the points its cards already hold
        become an opening batch each, so that the card balance stays the sum
        of its ledger."""
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .with_context(active_test=False)
            .search([("program_id", "in", self.ids), ("points", "!=", 0)])
        )
        if not cards:
            return
        description = self.env._("Opening balance")
        entries = [
            {"card": card, "points": card.points, "entry_type": "adjustment", "description": description}
            for card in cards
        ]
        cards._crm_loyalty_clear_points()
        self.env["crm.loyalty.ledger"].with_context(loyalty_no_mail=True)._post(entries, history=False)

    def _crm_loyalty_expiry_date(self, date):
        self.ensure_one()
        if self.crm_expiry_policy == "months":
            return date + relativedelta(months=self.crm_expiry_months)
        if self.crm_expiry_policy == "year_end":
            return date_type(date.year, 12, 31)
        return False

    def _crm_loyalty_compute_points(self, docs):
        """Points each program gives each document (an order or an invoice).

        ``docs`` is a list of dicts: ``partner``, ``company``, ``date``,
        ``currency`` (of the amounts; the rules' minimum amounts, in the
        program's currency, are converted into it), ``lines`` (dicts with
        ``product``, ``qty``, ``untaxed``, ``total``, amounts positive for
        what is sold, and ``reward``: the ``loyalty.reward`` of a reward line,
        whose amounts are negative) and optionally ``code_rules`` (the rules
        triggered by a code).

        Reward lines count as in ``sale.order._program_check_compute_points``:
        the discounts of other programs triggered by a code lower the minimum
        to reach, and every reward line except e-wallet, gift card and loyalty
        ones lowers the amount that earns points.

        Returns ``{(program_id, doc_index): points}`` before the tier
        multiplier. Matching products are found once per rule for all
        documents: no query per document.
        """
        products = self.env["product.product"].union(*[line["product"] for doc in docs for line in doc["lines"]])
        rules_products = {}
        for program in self:
            rules_products.update(program._get_valid_products(products))
        result = {}
        for program in self:
            for index, doc in enumerate(docs):
                partner = doc["partner"].commercial_partner_id
                points = []
                for rule in program.rule_ids:
                    if rule.mode == "with_code" and rule not in doc.get("code_rules", rule.browse()):
                        continue
                    if not rule._crm_loyalty_applies(partner, doc["company"], doc["date"]):
                        continue
                    rule_products = rules_products.get(rule)
                    if not rule_products:
                        continue
                    lines = [line for line in doc["lines"] if line["product"] in rule_products]
                    if not any(not line.get("reward") for line in lines):
                        continue
                    qty = sum(line["qty"] for line in lines)
                    threshold_lines = [
                        line for line in lines if not program._crm_loyalty_skip_for_threshold(line.get("reward"))
                    ]
                    untaxed = sum(line["untaxed"] for line in threshold_lines)
                    total = sum(line["total"] for line in threshold_lines)
                    paid = sum(
                        line["total"]
                        for line in lines
                        if not line.get("reward")
                        or line["reward"].program_id.program_type not in ("ewallet", "gift_card", program.program_type)
                    )
                    reached = total if rule.minimum_amount_tax_mode == "incl" else untaxed
                    minimum = rule.minimum_amount
                    currency = doc.get("currency")
                    if minimum and currency and program.currency_id and currency != program.currency_id:
                        # the rule's minimum is in the program's currency
                        minimum = program.currency_id._convert(minimum, currency, doc["company"], doc["date"])
                    if reached < minimum or qty < rule.minimum_qty:
                        continue
                    if rule.reward_point_mode == "order":
                        rule_points = rule.reward_point_amount
                    elif rule.reward_point_mode == "money":
                        rule_points = rule.reward_point_amount * paid
                    else:
                        rule_points = rule.reward_point_amount * qty
                    points.append(float_round(rule_points, precision_digits=POINTS_DIGITS, rounding_method="DOWN"))
                if program.crm_rule_combination == "best":
                    result[program.id, index] = max(points, default=0.0)
                else:
                    result[program.id, index] = sum(points)
        return result

    def _crm_loyalty_skip_for_threshold(self, reward):
        """Whether a reward line does not count toward this program's minimum
        amount: its own discounts and automatic discounts (as the host)."""
        self.ensure_one()
        if not reward or reward.reward_type != "discount":
            return False
        return reward.program_id == self or reward.program_id.trigger == "auto"

    @api.model
    def _crm_loyalty_demo_batches(self, program_ids, batches):
        """Demo data: earn ``points`` for ``partner_id`` ``days_ago`` days ago
        (batches near expiry included), through the ledger."""
        program = self.browse(program_ids)
        Card = self.env["loyalty.card"].with_context(loyalty_no_mail=True)
        entries = []
        for partner_id, points, days_ago in batches:
            card = Card.search([("program_id", "=", program.id), ("partner_id", "=", partner_id)], limit=1)
            card = card or Card.create({"program_id": program.id, "partner_id": partner_id})
            entries.append(
                {
                    "card": card,
                    "points": points,
                    "entry_type": "accrual",
                    "amount": points,
                    "date": fields.Date.context_today(self) - relativedelta(days=days_ago),
                    "description": self.env._("Opening balance (demo)"),
                }
            )
        self.env["crm.loyalty.ledger"]._post(entries)
