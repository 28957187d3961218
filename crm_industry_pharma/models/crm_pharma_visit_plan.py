"""Monthly visit plans (拜访计划): the doctors a representative will call on in
a month and how often (from the doctor's class), against the visits done."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crm_pharma_medrep_mixin import MEDREP_MANAGER_GROUP


def _month_start(day):
    return fields.Date.to_date(day).replace(day=1) if day else day


class CrmPharmaVisitPlan(models.Model):
    _name = "crm.pharma.visit.plan"
    _description = "Visit Plan"
    _inherit = ["mail.thread", "crm.pharma.medrep.mixin"]
    _order = "date_start desc, representative_id, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    representative_id = fields.Many2one(required=True)
    date_start = fields.Date(
        string="Month",
        required=True,
        default=lambda self: _month_start(fields.Date.context_today(self)),
        tracking=True,
        help="The plan covers the calendar month of this day.",
    )
    date_end = fields.Date(compute="_compute_date_end", store=True, string="Until")
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")], required=True, default="draft", tracking=True, readonly=True
    )
    line_ids = fields.One2many("crm.pharma.visit.plan.line", "plan_id", string="Doctors", copy=True)
    target_total = fields.Integer(compute="_compute_totals", string="Target Visits")
    done_total = fields.Integer(compute="_compute_totals", string="Visits Done")
    planned_total = fields.Integer(compute="_compute_totals", string="Visits Scheduled")
    compliance = fields.Float(
        compute="_compute_totals", string="Compliance (%)", digits=(16, 1), help="Visits done / target visits."
    )

    @api.depends("representative_id.name", "date_start")
    def _compute_name(self):
        for plan in self:
            month = plan.date_start.strftime("%Y-%m") if plan.date_start else ""
            plan.name = f"{plan.representative_id.name or ''} {month}".strip()

    @api.depends("date_start")
    def _compute_date_end(self):
        for plan in self:
            plan.date_end = plan.date_start and plan.date_start + relativedelta(day=31)

    @api.depends("line_ids.target_visits", "line_ids.done_visits", "line_ids.planned_visits")
    def _compute_totals(self):
        """Saved plans: one grouped query on the compliance view for all of
        them (a list of plans does not compute their lines one by one); plans
        being edited in a form: the sum of their lines."""
        saved = self.filtered(lambda plan: isinstance(plan.id, int))
        sums = {}
        if saved:
            for model in ("crm.pharma.visit", "crm.pharma.visit.plan.line", "crm.pharma.doctor"):
                self.env[model].flush_model()
            self.flush_model()
            sums = {
                plan.id: (target, done, planned)
                for plan, target, done, planned in self.env["crm.pharma.visit.compliance"]
                .sudo()
                ._read_group(
                    [("plan_id", "in", saved.ids)],
                    ["plan_id"],
                    ["target_visits:sum", "done_visits:sum", "planned_visits:sum"],
                )
            }
        for plan in self:
            if isinstance(plan.id, int):
                target, done, planned = sums.get(plan.id, (0, 0, 0))
            else:
                target = sum(plan.line_ids.mapped("target_visits"))
                done = sum(plan.line_ids.mapped("done_visits"))
                planned = sum(plan.line_ids.mapped("planned_visits"))
            plan.target_total, plan.done_total, plan.planned_total = target, done, planned
            plan.compliance = 100.0 * done / target if target else 0.0

    @api.constrains("representative_id", "date_start", "company_id")
    def _check_one_plan_per_month(self):
        for plan in self:
            other = self.sudo().search(
                [
                    ("id", "!=", plan.id),
                    ("representative_id", "=", plan.representative_id.id),
                    ("company_id", "=", plan.company_id.id),
                    ("date_start", "=", plan.date_start),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "%(rep)s already has a visit plan for %(month)s.",
                        rep=plan.representative_id.name,
                        month=plan.date_start.strftime("%Y-%m"),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_start"):
                vals["date_start"] = _month_start(vals["date_start"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("date_start"):
            vals["date_start"] = _month_start(vals["date_start"])
        if {"date_start", "representative_id"} & set(vals):
            self._check_editable()
        return super().write(vals)

    def _check_editable(self):
        if self.env.su or self.env.user.has_group(MEDREP_MANAGER_GROUP):
            return
        for plan in self:
            if plan.state == "confirmed":
                raise UserError(
                    self.env._(
                        "Visit plan %(plan)s is confirmed: only a medical affairs manager can change it.",
                        plan=plan.name,
                    )
                )

    def action_fill_lines(self):
        """Add every active doctor of the representative not in the plan yet."""
        for plan in self:
            plan._check_editable()
            doctors = self.env["crm.pharma.doctor"].search(
                [
                    ("representative_id", "=", plan.representative_id.id),
                    ("company_id", "=", plan.company_id.id),
                    ("id", "not in", plan.line_ids.doctor_id.ids),
                ]
            )
            plan.line_ids = [fields.Command.create({"doctor_id": doctor.id}) for doctor in doctors]
        return True

    def action_confirm(self):
        if not self.env.user.has_group(MEDREP_MANAGER_GROUP):
            raise UserError(self.env._("Only a medical affairs manager can confirm visit plans."))
        for plan in self:
            if not plan.line_ids:
                raise UserError(self.env._("Visit plan %(plan)s has no doctors to visit.", plan=plan.name))
        self.write({"state": "confirmed"})
        return True

    def action_draft(self):
        if not self.env.user.has_group(MEDREP_MANAGER_GROUP):
            raise UserError(self.env._("Only a medical affairs manager can reopen visit plans."))
        self.write({"state": "draft"})
        return True

    def action_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_industry_pharma.crm_pharma_visit_action")
        action["domain"] = [
            ("representative_id", "=", self.representative_id.id),
            ("company_id", "=", self.company_id.id),
            ("visit_date", ">=", self.date_start),
            ("visit_date", "<=", self.date_end),
        ]
        action["context"] = {}
        return action


class CrmPharmaVisitPlanLine(models.Model):
    _name = "crm.pharma.visit.plan.line"
    _description = "Visit Plan Line"
    _order = "plan_id, class_id, doctor_id, id"
    _check_company_auto = True

    plan_id = fields.Many2one("crm.pharma.visit.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    representative_id = fields.Many2one(related="plan_id.representative_id", store=True, index=True)
    date_start = fields.Date(related="plan_id.date_start", store=True, string="Month")
    doctor_id = fields.Many2one("crm.pharma.doctor", string="Doctor", required=True, index=True, check_company=True)
    hospital_id = fields.Many2one(related="doctor_id.hospital_id", string="Institution")
    class_id = fields.Many2one(
        "crm.pharma.doctor.class",
        string="Class",
        compute="_compute_class_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="The doctor's class when planned.",
    )
    target_visits = fields.Integer(
        compute="_compute_target_visits",
        store=True,
        readonly=False,
        precompute=True,
        help="From the doctor's class; change it for this month if needed.",
    )
    done_visits = fields.Integer(compute="_compute_visits", string="Done")
    planned_visits = fields.Integer(compute="_compute_visits", string="Scheduled")
    compliance = fields.Float(compute="_compute_visits", string="Compliance (%)", digits=(16, 1))

    @api.depends("doctor_id")
    def _compute_class_id(self):
        for line in self:
            line.class_id = line.doctor_id.class_id

    @api.depends("class_id")
    def _compute_target_visits(self):
        for line in self:
            line.target_visits = line.class_id.visits_per_month

    @api.depends("doctor_id", "plan_id.representative_id", "plan_id.date_start")
    def _compute_visits(self):
        """One grouped query for all the lines: a plan's numbers are the same
        for the representative and the manager (hence sudo, within the plan's
        company)."""
        plans = self.plan_id
        counts = {}
        if plans and self.doctor_id:
            groups = (
                self.env["crm.pharma.visit"]
                .sudo()
                ._read_group(
                    [
                        ("doctor_id", "in", self.doctor_id.ids),
                        ("representative_id", "in", plans.representative_id.ids),
                        ("company_id", "in", plans.company_id.ids),
                        ("visit_date", ">=", min(plans.mapped("date_start"))),
                        ("visit_date", "<=", max(plans.mapped("date_end"))),
                        ("state", "!=", "cancelled"),  # the partial index of the visits
                    ],
                    ["doctor_id", "representative_id", "company_id", "visit_date:month", "state"],
                    ["__count"],
                )
            )
            for doctor, rep, company, month, state, count in groups:
                counts[doctor.id, rep.id, company.id, fields.Date.to_date(month), state] = count
        for line in self:
            key = (line.doctor_id.id, line.plan_id.representative_id.id, line.plan_id.company_id.id)
            month = line.plan_id.date_start
            line.done_visits = counts.get((*key, month, "done"), 0)
            line.planned_visits = counts.get((*key, month, "planned"), 0)
            line.compliance = 100.0 * line.done_visits / line.target_visits if line.target_visits else 0.0

    @api.constrains("doctor_id", "target_visits")
    def _check_line(self):
        duplicates = self.sudo()._read_group(
            [("plan_id", "in", self.plan_id.ids)], ["plan_id", "doctor_id"], having=[("__count", ">", 1)]
        )
        for plan, doctor in duplicates:
            raise ValidationError(
                self.env._("Visit plan %(plan)s lists %(doctor)s twice.", plan=plan.name, doctor=doctor.name)
            )
        for line in self:
            if line.target_visits < 0:
                raise ValidationError(
                    self.env._(
                        "Visit plan %(plan)s: the target visits of %(doctor)s cannot be negative.",
                        plan=line.plan_id.name,
                        doctor=line.doctor_id.name,
                    )
                )
            if line.doctor_id.sudo().representative_id != line.plan_id.representative_id:
                raise ValidationError(
                    self.env._(
                        "Visit plan %(plan)s: %(doctor)s is not a doctor of %(rep)s.",
                        plan=line.plan_id.name,
                        doctor=line.doctor_id.name,
                        rep=line.plan_id.representative_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["crm.pharma.visit.plan"].browse(
            {vals["plan_id"] for vals in vals_list if vals.get("plan_id")}
        )._check_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.plan_id._check_editable()
        return super().write(vals)

    def unlink(self):
        self.plan_id._check_editable()
        return super().unlink()
