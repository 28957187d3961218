import calendar
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# Fields of a plan that fix what its lines measure: they can only change while
# the plan is a draft.
_LOCKED_FIELDS = {"company_id", "period_type", "year", "quarter", "month", "date_from", "date_to"}


class CrmSalesTarget(models.Model):
    """Sales plan (销售计划) of a company for a period.

    The plan gives the period (a year, a quarter, a month, or custom dates);
    its lines break the target down by sales team, salesperson, product
    category and customer, in amount (company currency) and quantity. A line
    may narrow the period (for example the months of a yearly plan).

    Rules:

    * a draft plan is freely edited by sales managers; a confirmed plan is the
      official target and only its name, responsible, notes and achievement
      basis may change (reset it to draft to change anything else); closed
      plans are kept for history;
    * two lines of the same plan cannot have the same dimensions (team,
      salesperson, category, customer: empty counts as a value) over
      overlapping periods;
    * two plans that are not drafts (confirmed or closed) of the same company
      cannot hold lines with the same dimensions over overlapping periods:
      each target counts once. Lines at different levels (a team and one of
      its salespeople, a category and its sub-category) may coexist, in one
      plan or in several.
    """

    _name = "crm.sales.target"
    _description = "Sales Target Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Plan", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        check_company=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    period_type = fields.Selection(
        [
            ("year", "Annual"),
            ("quarter", "Quarterly"),
            ("month", "Monthly"),
            ("custom", "Custom Dates"),
        ],
        string="Period",
        required=True,
        default="year",
        tracking=True,
    )
    year = fields.Integer(default=lambda self: fields.Date.context_today(self).year, tracking=True)
    quarter = fields.Selection([("1", "Q1"), ("2", "Q2"), ("3", "Q3"), ("4", "Q4")])
    month = fields.Selection(
        [
            ("1", "January"),
            ("2", "February"),
            ("3", "March"),
            ("4", "April"),
            ("5", "May"),
            ("6", "June"),
            ("7", "July"),
            ("8", "August"),
            ("9", "September"),
            ("10", "October"),
            ("11", "November"),
            ("12", "December"),
        ]
    )
    date_from = fields.Date(
        string="Start Date",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        help="First day of the plan; computed from the year, quarter or month unless the period is custom.",
    )
    date_to = fields.Date(
        string="End Date",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        help="Last day of the plan (included).",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("closed", "Closed")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    achievement_basis = fields.Selection(
        [("order", "Confirmed Orders"), ("invoice", "Posted Invoices")],
        string="Achievement Based On",
        required=True,
        default="order",
        tracking=True,
        help="Which actual amount the achievement percentage compares with the target: the untaxed amount "
        "of confirmed sales orders, or of posted customer invoices net of credit notes.",
    )
    line_ids = fields.One2many("crm.sales.target.line", "target_id", string="Targets", copy=True)
    line_count = fields.Integer(compute="_compute_line_count", string="Target Lines")
    note = fields.Html(string="Notes")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("period_type", "year", "quarter", "month")
    def _compute_dates(self):
        for target in self:
            bounds = target._period_bounds()
            if bounds:
                target.date_from, target.date_to = bounds
            else:  # custom dates, or a period still being entered: keep what is there
                target.date_from, target.date_to = target.date_from, target.date_to

    def _period_bounds(self):
        """(first day, last day) of the period given by type, year, quarter and
        month, or None for custom dates or an incomplete period."""
        self.ensure_one()
        if self.period_type == "custom" or not 1 <= (self.year or 0) <= 9999:
            return None
        year = self.year
        if self.period_type == "year":
            return date(year, 1, 1), date(year, 12, 31)
        if self.period_type == "quarter" and self.quarter:
            first = 3 * int(self.quarter) - 2
            return date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1])
        if self.period_type == "month" and self.month:
            month = int(self.month)
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return None

    def _compute_line_count(self):
        counts = dict(
            self.env["crm.sales.target.line"]._read_group([("target_id", "in", self.ids)], ["target_id"], ["__count"])
        )
        for target in self:
            target.line_count = counts.get(target._origin, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("period_type", "year", "quarter", "month", "date_from", "date_to")
    def _check_period(self):
        for target in self:
            if target.period_type != "custom":
                if not 1900 <= (target.year or 0) <= 9999:
                    raise ValidationError(_("Sales plan %s: enter a year between 1900 and 9999.", target.name))
                if target.period_type == "quarter" and not target.quarter:
                    raise ValidationError(_("Sales plan %s: choose the quarter.", target.name))
                if target.period_type == "month" and not target.month:
                    raise ValidationError(_("Sales plan %s: choose the month.", target.name))
            if not target.date_from or not target.date_to:
                raise ValidationError(_("Sales plan %s: enter the first and the last day.", target.name))
            if target.date_from > target.date_to:
                raise ValidationError(
                    _(
                        "Sales plan %(plan)s: the period cannot end (%(last)s) before it starts (%(first)s).",
                        plan=target.name,
                        first=target.date_from,
                        last=target.date_to,
                    )
                )
            bounds = target._period_bounds()
            if bounds and bounds != (target.date_from, target.date_to):
                raise ValidationError(
                    _(
                        "Sales plan %(plan)s: the dates %(first)s - %(last)s do not match its period "
                        "(%(period)s: %(start)s - %(end)s). Choose custom dates for another period.",
                        plan=target.name,
                        first=target.date_from,
                        last=target.date_to,
                        period=dict(target._fields["period_type"]._description_selection(self.env))[target.period_type],
                        start=bounds[0],
                        end=bounds[1],
                    )
                )

    @api.constrains("state", "date_from", "date_to", "company_id")
    def _check_lines_against_plan(self):
        self.line_ids._check_company()
        self.line_ids._check_dates()
        self.line_ids._check_overlaps()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        if _LOCKED_FIELDS.intersection(vals):
            locked = self.filtered(lambda target: target.state != "draft")
            if locked:
                raise UserError(
                    _(
                        "Sales plan %s is not a draft: reset it to draft to change its company or period.",
                        locked[0].name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        for target in self:
            if target.state != "draft":
                raise UserError(_("Sales plan %s is not a draft: reset it to draft before deleting it.", target.name))

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if not (default or {}).get("name"):
            for target, vals in zip(self, vals_list, strict=True):
                vals["name"] = _("%s (copy)", target.name)
        return vals_list

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_confirm(self):
        for target in self:
            if target.state != "draft":
                raise UserError(_("Sales plan %s is not a draft.", target.name))
            if not target.line_ids:
                raise UserError(_("Sales plan %s has no target line to confirm.", target.name))
        # Two managers confirming overlapping plans at the same time: the
        # second one waits for the first and then sees its lines.
        for company_id in sorted(set(self.company_id.ids)):
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)", 7465, company_id))
        self.write({"state": "confirmed"})
        return True

    def action_close(self):
        for target in self:
            if target.state != "confirmed":
                raise UserError(_("Only a confirmed sales plan can be closed (%s).", target.name))
        self.write({"state": "closed"})
        return True

    def action_draft(self):
        self.write({"state": "draft"})
        return True

    def action_open_split(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(_("Sales plan %s is not a draft: reset it to draft to split its lines.", self.name))
        return {
            "type": "ir.actions.act_window",
            "name": _("Generate Monthly Lines"),
            "res_model": "crm.sales.target.split",
            "view_mode": "form",
            "target": "new",
            "context": {"default_target_id": self.id},
        }

    def action_view_analysis(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_sales_target_report_action")
        action["domain"] = [("target_id", "=", self.id)]
        action["context"] = {"search_default_group_by_line": 1}
        action["display_name"] = _("Analysis: %s", self.name)
        return action

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_sales_target_line_action")
        action["domain"] = [("target_id", "=", self.id)]
        action["context"] = {}
        return action
