"""Adverse drug reaction reports (药品不良反应报告) and counterfeit reports (假冒举报).

An adverse event names the drug and its lot, the severity, the outcome and
the causality assessed; the patient's data are kept to the minimum and only
the pharmacovigilance group (药物警戒) can read or write them. The report is
due at the authority within a number of days from the day the company learned
of the event, set per company by severity (15 days for serious events and
deaths, 30 for the others by default); a daily job gives the responsible an
activity when a report is overdue. A counterfeit report records where a fake
was found and the lot printed on it, and says whether that lot exists.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.crm_core_ext.tools.cron import run_isolated

PV_GROUP = "crm_industry_pharma.crm_industry_pharma_group_pharmacovigilance"
SEVERITIES = [("general", "General"), ("serious", "Serious"), ("death", "Death")]


class CrmPharmaAdverseEvent(models.Model):
    _name = "crm.pharma.adverse.event"
    _description = "Adverse Drug Reaction Report"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "awareness_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True, check_company=True
    )
    state = fields.Selection(
        [("draft", "Draft"), ("reported", "Reported to Authority"), ("closed", "Closed")],
        required=True,
        default="draft",
        tracking=True,
        readonly=True,
        index=True,
    )
    reporter_id = fields.Many2one(
        "res.partner", string="Reported By", tracking=True, help="The hospital, pharmacy or person who reported it."
    )
    product_id = fields.Many2one("product.product", string="Drug", required=True, tracking=True, check_company=True)
    lot_id = fields.Many2one(
        "stock.lot", string="Lot", tracking=True, check_company=True, domain="[('product_id', '=', product_id)]"
    )
    event_date = fields.Date(string="Onset Date", required=True, tracking=True)
    awareness_date = fields.Date(
        string="Known Since",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The day the company learned of the event: the reporting deadline counts from it.",
    )
    severity = fields.Selection(SEVERITIES, required=True, default="general", tracking=True)
    outcome = fields.Selection(
        [
            ("recovered", "Recovered"),
            ("improved", "Improved"),
            ("not_recovered", "Not Recovered"),
            ("sequelae", "Recovered with Sequelae"),
            ("death", "Death"),
            ("unknown", "Unknown"),
        ],
        default="unknown",
        tracking=True,
    )
    causality = fields.Selection(
        [
            ("certain", "Certain"),
            ("probable", "Probable"),
            ("possible", "Possible"),
            ("unlikely", "Unlikely"),
            ("conditional", "Conditional"),
            ("unassessable", "Unassessable"),
        ],
        tracking=True,
    )
    description = fields.Html(string="Reaction")
    # the patient, minimised, for the pharmacovigilance group only
    patient_initials = fields.Char(groups=PV_GROUP)
    patient_gender = fields.Selection([("male", "Male"), ("female", "Female")], groups=PV_GROUP)
    patient_age = fields.Integer(groups=PV_GROUP)
    patient_weight = fields.Float(string="Patient Weight (kg)", groups=PV_GROUP)
    patient_history = fields.Text(string="Relevant History", groups=PV_GROUP)
    deadline = fields.Date(
        compute="_compute_deadline", store=True, index=True, help="Last day to report the event to the authority."
    )
    report_date = fields.Date(string="Reported On", readonly=True, tracking=True)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue")
    follow_up_ids = fields.One2many("crm.pharma.adverse.event.follow.up", "event_id", string="Follow-ups")

    @api.depends(
        "awareness_date", "severity", "company_id.crm_pharma_adr_days_serious", "company_id.crm_pharma_adr_days_general"
    )
    def _compute_deadline(self):
        for event in self:
            if not event.awareness_date:
                event.deadline = False
                continue
            company = event.company_id
            days = (
                company.crm_pharma_adr_days_general
                if event.severity == "general"
                else company.crm_pharma_adr_days_serious
            )
            event.deadline = event.awareness_date + timedelta(days=days)

    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for event in self:
            event.is_overdue = event.state == "draft" and bool(event.deadline) and event.deadline < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue adverse events."))
        domain = [("state", "=", "draft"), ("deadline", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    @api.constrains("event_date", "awareness_date")
    def _check_dates(self):
        today = fields.Date.context_today(self)
        for event in self:
            if event.event_date > today or event.awareness_date > today:
                raise ValidationError(
                    self.env._("Adverse event %(event)s: its dates cannot be in the future.", event=event.name)
                )
            if event.awareness_date < event.event_date:
                raise ValidationError(
                    self.env._(
                        "Adverse event %(event)s: the company cannot have learned of it (%(known)s) "
                        "before it happened (%(onset)s).",
                        event=event.name,
                        known=event.awareness_date,
                        onset=event.event_date,
                    )
                )

    @api.constrains("patient_age", "patient_weight")
    def _check_patient(self):
        for event in self.sudo():
            if event.patient_age < 0 or event.patient_age > 150 or event.patient_weight < 0:
                raise ValidationError(
                    self.env._(
                        "Adverse event %(event)s: the patient's age or weight is not possible.", event=event.name
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].sudo().with_company(company).next_by_code("crm.pharma.adverse.event")
                )
        return super().create(vals_list)

    def action_report(self):
        for event in self:
            if event.state != "draft":
                raise UserError(self.env._("Adverse event %(event)s is already reported.", event=event.name))
            if not event.causality:
                raise UserError(
                    self.env._("Adverse event %(event)s: assess the causality before reporting it.", event=event.name)
                )
        self.write({"state": "reported", "report_date": fields.Date.context_today(self)})
        self.activity_unlink(["crm_industry_pharma.mail_activity_type_adr_overdue"])
        return True

    def action_close(self):
        self.filtered(lambda e: e.state == "reported").write({"state": "closed"})
        return True

    def action_view_lot(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.lot",
            "res_id": self.lot_id.id,
            "views": [(False, "form")],
        }

    @api.model
    def _cron_overdue_activities(self):
        """Daily: an activity for the responsible of each overdue report, once per report."""
        activity_type = self.env.ref("crm_industry_pharma.mail_activity_type_adr_overdue")
        overdue = self.search([("is_overdue", "=", True)])
        flagged = self.env["mail.activity"].search(
            [("res_model", "=", self._name), ("res_id", "in", overdue.ids), ("activity_type_id", "=", activity_type.id)]
        )
        todo = overdue.filtered(lambda e: e.id not in set(flagged.mapped("res_id")))

        def flag(event):
            event.activity_schedule(
                "crm_industry_pharma.mail_activity_type_adr_overdue",
                date_deadline=fields.Date.context_today(event),
                summary=self.env._(
                    "Report %(event)s to the authority: due %(deadline)s", event=event.name, deadline=event.deadline
                ),
                user_id=(event.user_id or self.env.user).id,
            )

        run_isolated(todo, flag, "Adverse events")
        return todo


class CrmPharmaAdverseEventFollowUp(models.Model):
    _name = "crm.pharma.adverse.event.follow.up"
    _description = "Adverse Event Follow-up"
    _order = "date desc, id desc"

    event_id = fields.Many2one("crm.pharma.adverse.event", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="event_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user)
    note = fields.Text(required=True)


class CrmPharmaCounterfeitReport(models.Model):
    _name = "crm.pharma.counterfeit.report"
    _description = "Counterfeit Report"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "report_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    report_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    reporter_id = fields.Many2one("res.partner", string="Reported By", tracking=True)
    product_id = fields.Many2one("product.product", string="Drug", required=True, tracking=True, check_company=True)
    lot_name = fields.Char(
        string="Lot on the Package", tracking=True, help="The lot number printed on the suspected fake."
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Matching Lot",
        compute="_compute_lot_id",
        store=True,
        help="Our lot of that number for the drug; empty: the lot does not exist, a sign of a fake.",
    )
    place = fields.Char(string="Where Found", required=True, tracking=True)
    state_id = fields.Many2one("res.country.state", string="Province", domain="[('country_id.code', '=', 'CN')]")
    description = fields.Html()
    state = fields.Selection(
        [
            ("new", "New"),
            ("investigating", "Investigating"),
            ("confirmed", "Confirmed Fake"),
            ("dismissed", "Dismissed"),
        ],
        required=True,
        default="new",
        tracking=True,
        index=True,
    )

    @api.depends("product_id", "lot_name")
    def _compute_lot_id(self):
        for report in self:
            lot = self.env["stock.lot"]
            if report.product_id and report.lot_name:
                lot = lot.sudo().search(
                    [("product_id", "=", report.product_id.id), ("name", "=", report.lot_name.strip())], limit=1
                )
            report.lot_id = lot

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].sudo().with_company(company).next_by_code("crm.pharma.counterfeit.report")
                )
        return super().create(vals_list)

    def action_investigate(self):
        self.filtered(lambda r: r.state == "new").write({"state": "investigating"})
        return True

    def action_confirm_fake(self):
        self.write({"state": "confirmed"})
        return True

    def action_dismiss(self):
        self.write({"state": "dismissed"})
        return True
