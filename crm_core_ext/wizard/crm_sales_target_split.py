import calendar
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

_MONTHS = range(1, 13)


class CrmSalesTargetSplit(models.TransientModel):
    """Split target lines that span several months into one line per month.

    Each month's share is its weight divided by the sum of the weights of the
    months the line covers; the weight is 1 (evenly) or the month's
    seasonality percentage, times the share of the month's days that the line
    covers (a line starting mid-month gets a part of that month). Amounts are
    rounded to the currency and quantities to the unit-of-measure precision;
    the last month takes the rounding difference, so the months add up to the
    original line exactly.
    """

    _name = "crm.sales.target.split"
    _description = "Generate Monthly Target Lines"

    target_id = fields.Many2one("crm.sales.target", string="Plan", required=True, ondelete="cascade")
    line_ids = fields.Many2many(
        "crm.sales.target.line",
        string="Lines to Split",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        domain="[('target_id', '=', target_id)]",
        help="Lines covering more than one month; each is replaced by one line per month.",
    )
    method = fields.Selection(
        [("even", "Evenly"), ("seasonal", "By Seasonality (%)")],
        string="Split",
        required=True,
        default="even",
    )
    month_1 = fields.Float(string="January (%)", digits=(16, 2))
    month_2 = fields.Float(string="February (%)", digits=(16, 2))
    month_3 = fields.Float(string="March (%)", digits=(16, 2))
    month_4 = fields.Float(string="April (%)", digits=(16, 2))
    month_5 = fields.Float(string="May (%)", digits=(16, 2))
    month_6 = fields.Float(string="June (%)", digits=(16, 2))
    month_7 = fields.Float(string="July (%)", digits=(16, 2))
    month_8 = fields.Float(string="August (%)", digits=(16, 2))
    month_9 = fields.Float(string="September (%)", digits=(16, 2))
    month_10 = fields.Float(string="October (%)", digits=(16, 2))
    month_11 = fields.Float(string="November (%)", digits=(16, 2))
    month_12 = fields.Float(string="December (%)", digits=(16, 2))
    seasonality_total = fields.Float(string="Total (%)", compute="_compute_seasonality_total", digits=(16, 2))

    @api.depends("target_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = wizard.target_id.line_ids.filtered(lambda line: len(self._months(line)) > 1)

    @api.depends(*(f"month_{m}" for m in _MONTHS))
    def _compute_seasonality_total(self):
        for wizard in self:
            wizard.seasonality_total = sum(wizard[f"month_{m}"] for m in _MONTHS)

    @staticmethod
    def _months(line):
        """[(first day, last day, covered share of the month)] of the months
        that the line's period touches."""
        start = line.date_from or line.target_id.date_from
        end = line.date_to or line.target_id.date_to
        if not start or not end or start > end:
            return []
        pieces = []
        year, month = start.year, start.month
        while date(year, month, 1) <= end:
            days = calendar.monthrange(year, month)[1]
            first = max(start, date(year, month, 1))
            last = min(end, date(year, month, days))
            pieces.append((first, last, ((last - first).days + 1) / days))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return pieces

    def _split_values(self, line):
        """Values of the monthly lines that replace ``line``."""
        pieces = self._months(line)
        weights = [
            share * (1.0 if self.method == "even" else self[f"month_{first.month}"]) for first, __, share in pieces
        ]
        total = sum(weights)
        if total <= 0:
            raise UserError(
                _(
                    "Sales plan %(plan)s, line %(line)s: the seasonality of the months it covers adds up to 0%%.",
                    plan=line.target_id.name,
                    line=line.display_name,
                )
            )
        currency = line.currency_id
        qty_digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        values = []
        amount_left, qty_left = line.target_amount, line.target_qty
        for index, ((first, last, __), weight) in enumerate(zip(pieces, weights, strict=True)):
            if index == len(pieces) - 1:
                amount, qty = currency.round(amount_left), float_round(qty_left, precision_digits=qty_digits)
            else:
                amount = currency.round(line.target_amount * weight / total)
                qty = float_round(line.target_qty * weight / total, precision_digits=qty_digits)
                amount_left -= amount
                qty_left -= qty
            values.append(
                {
                    "target_id": line.target_id.id,
                    "team_id": line.team_id.id,
                    "user_id": line.user_id.id,
                    "categ_id": line.categ_id.id,
                    "partner_id": line.partner_id.id,
                    "date_from": first,
                    "date_to": last,
                    "target_amount": amount,
                    "target_qty": qty,
                }
            )
        return values

    def action_split(self):
        self.ensure_one()
        plan = self.target_id
        if plan.state != "draft":
            raise UserError(_("Sales plan %s is not a draft: reset it to draft to split its lines.", plan.name))
        lines = self.line_ids.filtered(lambda line: line.target_id == plan and len(self._months(line)) > 1)
        if not lines:
            raise UserError(_("Sales plan %s has no line covering more than one month to split.", plan.name))
        if self.method == "seasonal":
            if any(self[f"month_{m}"] < 0 for m in _MONTHS):
                raise UserError(_("The seasonality percentages cannot be negative."))
            if abs(self.seasonality_total - 100.0) > 0.01:
                raise UserError(
                    _(
                        "The seasonality percentages must add up to 100%% (now %s%%).",
                        round(self.seasonality_total, 2),
                    )
                )
        values = [vals for line in lines for vals in self._split_values(line)]
        # Remove the long lines first: their months would overlap them.
        lines.unlink()
        self.env["crm.sales.target.line"].create(values)
        return {"type": "ir.actions.act_window_close"}
