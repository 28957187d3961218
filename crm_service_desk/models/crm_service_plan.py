import logging
from datetime import timedelta

import psycopg2.errors
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from odoo.addons.crm_core_ext.tools.cron import run_isolated

from .crm_service_request import PRIORITIES, REQUEST_TYPES

_logger = logging.getLogger(__name__)

INTERVAL_TYPES = [("days", "Every N Days"), ("months", "Every N Months"), ("usage", "By Usage")]


class CrmServicePlan(models.Model):
    """A service plan (服务计划): periodic maintenance of a customer's asset.

    A plan repeats every N days, every N months (the day of the start date is
    kept: a plan started on 31 January falls on 28/29 February, then on
    31 March), or by usage: meter readings are recorded on the plan and a
    request is due when the counter has grown by N units since the last
    request. The daily job creates the service request of each due date
    ``lead_days`` ahead; a due date gets at most one request, which a unique
    (plan, due date) occurrence row guarantees in the database.
    """

    _name = "crm.service.plan"
    _description = "Service Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "next_due_date, id"
    _check_company_auto = True

    def _default_lead_days(self):
        return self.env.company.service_plan_lead_days

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    active = fields.Boolean(default=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The customer company whose asset is maintained.",
    )
    contract_ref = fields.Char(string="Contract Reference", tracking=True)
    product_id = fields.Many2one("product.product", string="Product", check_company=True, index=True, tracking=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        check_company=True,
        index="btree_not_null",
        tracking=True,
        domain="[('product_id', '=?', product_id)]",
        help="The asset maintained by this plan.",
    )
    queue_id = fields.Many2one(
        "crm.service.queue",
        string="Queue",
        check_company=True,
        tracking=True,
        help="Queue of the requests created by the plan; empty: the routing rules choose it.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        check_company=True,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Assignee of the requests created by the plan; empty: the queue's method chooses one.",
    )
    request_type = fields.Selection(REQUEST_TYPES, required=True, default="maintenance")
    priority = fields.Selection(PRIORITIES, required=True, default="1")
    description = fields.Html(help="Copied into each request: the work to do at every maintenance.")
    interval_type = fields.Selection(INTERVAL_TYPES, string="Repeat", required=True, default="months", tracking=True)
    interval_number = fields.Integer(string="Interval", default=1, tracking=True, help="Number of days or months.")
    usage_interval = fields.Float(tracking=True, help="A request is due each time the counter grows by this much.")
    usage_uom = fields.Char(string="Usage Unit", help="e.g. hours, km, copies.")
    usage_baseline = fields.Float(
        string="Counter at Last Request",
        help="Counter reading when the last request was created (the initial reading for a new plan).",
    )
    lead_days = fields.Integer(
        string="Lead Time (Days)",
        default=_default_lead_days,
        tracking=True,
        help="The request is created this many days before the due date.",
    )
    start_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    last_due_date = fields.Date(readonly=True, copy=False, help="Due date of the last scheduled maintenance.")
    next_due_date = fields.Date(
        compute="_compute_next_due_date", store=True, index=True, help="Due date of the next maintenance."
    )
    generate_date = fields.Date(
        string="Request On",
        compute="_compute_next_due_date",
        store=True,
        help="Date the daily job creates the next request: the due date minus the lead time.",
    )
    reading_ids = fields.One2many("crm.service.plan.reading", "plan_id", string="Meter Readings")
    current_usage = fields.Float(string="Current Counter", compute="_compute_current_usage")
    occurrence_ids = fields.One2many("crm.service.plan.occurrence", "plan_id", string="Occurrences")
    request_ids = fields.One2many("crm.service.request", "service_plan_id", string="Generated Requests")
    request_count = fields.Integer(compute="_compute_request_count", string="Requests")

    def init(self):
        res = super().init()
        # The daily job's selection: active plans by the date their request is due to be created.
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS crm_service_plan_generate_date_idx
                   ON crm_service_plan (generate_date, id) WHERE active AND generate_date IS NOT NULL"""
        )
        return res

    @api.depends(
        "interval_type",
        "interval_number",
        "usage_interval",
        "usage_baseline",
        "start_date",
        "last_due_date",
        "lead_days",
        "reading_ids.value",
        "reading_ids.date",
    )
    def _compute_next_due_date(self):
        for plan in self:
            if plan.interval_type == "usage":
                due = plan._usage_due_date()
                plan.next_due_date = due
                plan.generate_date = due
            else:
                due = plan._next_date(plan.last_due_date) if plan.last_due_date else plan.start_date
                plan.next_due_date = due
                plan.generate_date = due and due - timedelta(days=max(plan.lead_days, 0))

    def _next_date(self, date):
        """The due date that follows ``date`` (months keep the start date's day, clamped to the month's end)."""
        self.ensure_one()
        step = max(self.interval_number, 1)
        if self.interval_type == "months":
            return date + relativedelta(months=step, day=(self.start_date or date).day)
        return date + timedelta(days=step)

    def _usage_due_date(self):
        """Date of the first reading at which the counter reached the baseline plus the interval."""
        self.ensure_one()
        if self.usage_interval <= 0:
            return False
        threshold = self.usage_baseline + self.usage_interval
        for reading in self.reading_ids.sorted(lambda r: (r.date, r.id)):
            if reading.value >= threshold and (not self.last_due_date or reading.date >= self.last_due_date):
                return reading.date
        return False

    @api.depends("reading_ids.value", "reading_ids.date")
    def _compute_current_usage(self):
        for plan in self:
            last = plan.reading_ids.sorted(lambda r: (r.date, r.id))[-1:]
            plan.current_usage = last.value if last else plan.usage_baseline

    def _compute_request_count(self):
        counts = dict(
            self.env["crm.service.request"]._read_group(
                [("service_plan_id", "in", self.ids)], ["service_plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.request_count = counts.get(plan, 0)

    @api.constrains("interval_type", "interval_number", "usage_interval", "lead_days")
    def _check_intervals(self):
        for plan in self:
            if plan.interval_type in ("days", "months") and plan.interval_number <= 0:
                raise ValidationError(
                    _(
                        "Service plan %(plan)s: the interval must be at least 1 (got %(value)s).",
                        plan=plan.display_name,
                        value=plan.interval_number,
                    )
                )
            if plan.interval_type == "usage" and plan.usage_interval <= 0:
                raise ValidationError(
                    _(
                        "Service plan %(plan)s: the usage interval must be greater than 0 (got %(value)s).",
                        plan=plan.display_name,
                        value=plan.usage_interval,
                    )
                )
            if plan.lead_days < 0:
                raise ValidationError(
                    _(
                        "Service plan %(plan)s: the lead time cannot be negative (got %(value)s days).",
                        plan=plan.display_name,
                        value=plan.lead_days,
                    )
                )

    @api.constrains("partner_id")
    def _check_partner(self):
        for plan in self:
            if plan.partner_id != plan.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Service plan %(plan)s: the customer must be a company, not the contact %(contact)s "
                        "(choose %(company)s).",
                        plan=plan.display_name,
                        contact=plan.partner_id.display_name,
                        company=plan.partner_id.commercial_partner_id.display_name,
                    )
                )

    @api.constrains("lot_id", "product_id", "partner_id")
    def _check_lot(self):
        for plan in self.filtered("lot_id"):
            lot = plan.lot_id.sudo()
            if plan.product_id and lot.product_id != plan.product_id:
                raise ValidationError(
                    _(
                        "Service plan %(plan)s: serial number %(lot)s belongs to product %(lot_product)s, "
                        "not to %(product)s.",
                        plan=plan.display_name,
                        lot=lot.name,
                        lot_product=lot.product_id.display_name,
                        product=plan.product_id.display_name,
                    )
                )
            owner = lot.last_delivery_partner_id.commercial_partner_id
            if owner and owner != plan.partner_id:
                raise ValidationError(
                    _(
                        "Service plan %(plan)s: serial number %(lot)s was delivered to %(owner)s, "
                        "not to %(customer)s.",
                        plan=plan.display_name,
                        lot=lot.name,
                        owner=owner.display_name,
                        customer=plan.partner_id.display_name,
                    )
                )

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        if self.lot_id:
            self.product_id = self.lot_id.sudo().product_id

    @api.onchange("company_id")
    def _onchange_company_id(self):
        if self.company_id and not self._origin.id:
            self.lead_days = self.company_id.service_plan_lead_days

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "lead_days" not in vals and vals.get("company_id"):
                vals["lead_days"] = self.env["res.company"].browse(vals["company_id"]).service_plan_lead_days
        return super().create(vals_list)

    # ------------------------------------------------------------------ actions
    def action_generate_now(self):
        """Create the request of the next due date now, whatever the lead time (managers)."""
        if not self.env.user.has_group("crm_service_desk.crm_service_desk_group_manager"):
            raise UserError(_("Only service desk managers can generate plan requests by hand."))
        today = fields.Date.context_today(self)
        inactive = self.filtered(lambda p: not p.active)
        if inactive:
            raise UserError(_("Service plan %s is archived: it creates no request.", inactive[0].display_name))
        requests = self._generate_requests(today, force=True)
        if len(requests) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "crm.service.request",
                "res_id": requests.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return True

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service_desk.crm_service_request_action")
        action["domain"] = [("service_plan_id", "=", self.id)]
        action["context"] = {"default_service_plan_id": self.id, "active_test": False}
        return action

    # ------------------------------------------------------------------ job
    @api.model
    def _cron_generate_requests(self, batch_size=500):
        """Daily job: create the requests of the plans due within their lead time.

        Run by the scheduler, one call handles one batch and reports its progress, so that the scheduler
        commits each batch and calls the job again at once while due plans remain. Called elsewhere
        (tests, a server action), it loops until no plan is due.
        """
        today = fields.Date.context_today(self)
        return self._generate_due_requests(
            today, batch_size=batch_size, one_batch=bool(self.env.context.get("ir_cron_progress_id"))
        )

    @api.model
    def _generate_due_requests(self, today, batch_size=500, one_batch=False):
        """Create the requests of every active plan whose request date (due date minus lead time) is ``today``
        or earlier. One SELECT per batch picks the plans (locked, skipping plans another run holds), so a
        concurrent run works on other plans; the occurrence rows make a second request for the same plan
        and due date impossible. A batch that fails is run again plan by plan: a plan that still fails is
        rolled back alone, logged, skipped for the rest of the run and tried again on the next one.
        Returns the created requests."""
        Request = self.env["crm.service.request"]
        created = Request.browse()
        done = 0
        failed_ids = []  # not picked again in this run
        while True:
            self.env.flush_all()
            try:
                # A run that started before another one committed the same plans fails to lock or to
                # insert them (serialization failure): it stops quietly, the plans are done anyway.
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    self.env.cr.execute(
                        """SELECT id FROM crm_service_plan
                            WHERE active AND generate_date <= %s AND id != ALL(%s::int[])
                         ORDER BY generate_date, id
                            LIMIT %s
                       FOR UPDATE SKIP LOCKED""",
                        [today, failed_ids, batch_size],
                    )
                    ids = [row[0] for row in self.env.cr.fetchall()]
                    batch, failed = self.sudo().browse(ids)._generate_requests_isolated(today)
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
                self.env.invalidate_all(flush=False)
                _logger.info("Service plans: another run is handling the due plans; this run stops.")
                self.env["ir.cron"]._notify_progress(done=done, remaining=0)
                return created
            created |= batch
            done += len(ids) - len(failed)
            failed_ids += failed.ids
            if not ids or one_batch:
                break
        remaining = self._count_due(today) if one_batch and ids else 0
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if done:
            _logger.info(
                "Service plans: %s plans handled, %s requests created, %s remaining", done, len(created), remaining
            )
        return created

    @api.model
    def _count_due(self, today):
        self.env.cr.execute("SELECT count(*) FROM crm_service_plan WHERE active AND generate_date <= %s", [today])
        return self.env.cr.fetchone()[0]

    def _generate_requests_isolated(self, today):
        """``_generate_requests`` for the batch, or plan by plan when the batch fails.

        :return: ``(requests, failed)``: the created requests and the plans that failed
        """
        if len(self) > 1:
            try:
                with self.env.cr.savepoint():
                    return self._generate_requests(today), self.browse()
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
                raise  # another run is on these plans
            except Exception as exc:  # noqa: BLE001 -- one plan's error must not stop the others
                _logger.warning(
                    "Service plans: a batch of %s plans failed (%s); trying them one by one", len(self), exc
                )
        created_ids = []
        _done, failed = run_isolated(
            self, lambda plan: created_ids.extend(plan._generate_requests(today).ids), "Service plans"
        )
        return self.env["crm.service.request"].browse(created_ids), failed

    def _generate_requests(self, today, force=False):
        """Create one request per plan of ``self`` for its next due date, then advance the plans.

        Occurrence rows are inserted with ON CONFLICT DO NOTHING: a plan whose due date already has one
        (another run got there first) creates no request but still advances. ``force`` (Generate now)
        uses today for a usage plan that is not due yet.
        """
        due_by_plan = {}
        for plan in self:
            due = plan.next_due_date or (force and today)
            if due:
                due_by_plan[plan.id] = due
        if not due_by_plan:
            return self.env["crm.service.request"]
        uid = self.env.uid
        self.env.cr.execute(
            """INSERT INTO crm_service_plan_occurrence
                      (plan_id, due_date, company_id, create_uid, write_uid, create_date, write_date)
               SELECT p.id, v.due_date, p.company_id, %(uid)s, %(uid)s,
                      now() at time zone 'utc', now() at time zone 'utc'
                 FROM unnest(%(plan_ids)s::int[], %(dates)s::date[]) AS v(plan_id, due_date)
                 JOIN crm_service_plan p ON p.id = v.plan_id
          ON CONFLICT (plan_id, due_date) DO NOTHING
            RETURNING id, plan_id""",
            {"uid": uid, "plan_ids": list(due_by_plan), "dates": list(due_by_plan.values())},
        )
        occurrence_by_plan = {plan_id: occurrence_id for occurrence_id, plan_id in self.env.cr.fetchall()}
        new_plans = self.filtered(lambda p: p.id in occurrence_by_plan)
        vals_list = [plan._prepare_request_vals(due_by_plan[plan.id]) for plan in new_plans]
        requests = self.env["crm.service.request"].create(vals_list)
        if requests:
            self.env.cr.execute(
                """UPDATE crm_service_plan_occurrence o SET request_id = v.request_id
                     FROM unnest(%s::int[], %s::int[]) AS v(occurrence_id, request_id)
                    WHERE o.id = v.occurrence_id""",
                [[occurrence_by_plan[plan.id] for plan in new_plans], requests.ids],
            )
        self.env["crm.service.plan.occurrence"].invalidate_model(["request_id"])
        self._advance({plan: due_by_plan[plan.id] for plan in self if plan.id in due_by_plan}, today)
        return requests

    def _prepare_request_vals(self, due_date):
        self.ensure_one()
        return {
            "name": _("%(plan)s: maintenance due %(date)s", plan=self.name, date=due_date),
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "product_id": self.product_id.id or self.lot_id.product_id.id,
            "lot_id": self.lot_id.id,
            "queue_id": self.queue_id.id,
            "user_id": self.user_id.id,
            "request_type": self.request_type,
            "priority": self.priority,
            "description": self.description,
            "service_plan_id": self.id,
            "service_plan_due_date": due_date,
        }

    def _advance(self, due_by_plan, today):
        """Move each plan past the due date just handled. A date plan that fell behind skips the
        missed dates: its next due date is the first one on or after today."""
        for plan, due in due_by_plan.items():
            if plan.interval_type == "usage":
                reached = plan.reading_ids.filtered(lambda r, due=due: r.date <= due)
                counter = max(reached.mapped("value"), default=plan.usage_baseline)
                plan.write({"last_due_date": due, "usage_baseline": max(counter, plan.usage_baseline)})
                continue
            last = due
            following = plan._next_date(due)
            while following < today:
                last, following = following, plan._next_date(following)
            plan.last_due_date = last
