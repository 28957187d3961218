import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import psycopg2
from markupsafe import Markup
from pytz import utc

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_list
from odoo.tools.mail import generate_tracking_message_id

from odoo.addons.crm_core_ext.tools.cron import run_isolated

_logger = logging.getLogger(__name__)

REQUEST_TYPES = [
    ("repair", "Repair"),
    ("complaint", "Complaint"),
    ("inquiry", "Inquiry"),
    ("suggestion", "Suggestion"),
    ("maintenance", "Maintenance"),
    ("installation", "Installation"),
]
PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]
STATES = [
    ("new", "New"),
    ("assigned", "Assigned"),
    ("in_progress", "In Progress"),
    ("waiting", "Waiting on Customer"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# Requests still to be worked on (waiting on the customer included).
OPEN_STATES = ["new", "assigned", "in_progress", "waiting"]
# Requests whose SLA clock runs (waiting on the customer pauses it).
RUNNING_STATES = ["new", "assigned", "in_progress"]
DONE_STATES = ["resolved", "closed"]
SEQUENCE_CODE = "crm.service.request"
# requests listed by name in an assignment notice for a batch
NOTICE_LINES = 50
# plan_hours looks for working hours two weeks at a time
PLAN_WINDOW = timedelta(days=14)
# Written by the SLA machinery only (create, the state actions, pauses, the escalation job) ...
SLA_FIELDS = frozenset(
    {
        "sla_id",
        "sla_start_date",
        "response_deadline",
        "resolution_deadline",
        "first_response_date",
        "resolved_date",
        "closed_date",
        "pause_start",
        "paused_hours",
        "response_breached",
        "resolution_breached",
    }
)
# ... of which a service manager may override these by hand: a deadline moved as agreed
# with the customer, a breach waived.
SLA_OVERRIDE_FIELDS = frozenset(
    {"response_deadline", "resolution_deadline", "response_breached", "resolution_breached"}
)
MANAGER_GROUP = "crm_service_desk.crm_service_desk_group_manager"
# fields of the back office only (portal users cannot read them)
INTERNAL = "base.group_user"
# context key of an _Assignment
ASSIGNMENT_KEY = "crm_service_assignment"


@dataclass(frozen=True)
class _Assignment:
    """How the server's own callers (claim, move, escalation) change the queue or assignee of requests.

    Passed to write() in the context under ASSIGNMENT_KEY: a Python object that
    a client cannot send over JSON-RPC, so that no client labels its own changes
    in the assignment history or keeps deadlines that a new queue or priority
    changes.
    """

    method: str = "manual"
    note: str | bool = False
    keep_sla: bool = False


MANUAL = _Assignment()


class CrmServiceRequest(models.Model):
    """A service request (服务请求) of a customer: a repair, a complaint, a question...

    Created from the back office, an e-mail to a queue's alias or the customer
    portal. On create, in one batch: a reference from the company's sequence,
    routing rules choose the queue, the queue's method chooses the assignee,
    and the queue's SLA for the priority gives the response and resolution
    deadlines in working hours of the queue's calendar.
    """

    _name = "crm.service.request"
    _description = "Service Request"
    _inherit = ["portal.mixin", "rating.mixin", "mail.activity.mixin"]
    _order = "priority desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    _rec_names_search = ["name", "reference"]

    reference = fields.Char(readonly=True, copy=False, index="trigram")
    name = fields.Char(string="Subject", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    active = fields.Boolean(default=True)
    request_type = fields.Selection(REQUEST_TYPES, string="Type", required=True, default="repair", tracking=True)
    priority = fields.Selection(PRIORITIES, required=True, default="1", tracking=True, index=True)
    source = fields.Selection(
        [("backoffice", "Back Office"), ("phone", "Phone"), ("email", "E-mail"), ("portal", "Portal")],
        required=True,
        default="backoffice",
    )
    state = fields.Selection(
        STATES,
        required=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_expand_states",
    )
    description = fields.Html()
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        "res.partner",
        string="Customer Company",
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        check_company=True,
        domain="[('id', 'child_of', commercial_partner_id)]",
        help="The person to talk to at the customer.",
    )
    email = fields.Char(related="partner_id.email", string="E-mail")
    phone = fields.Char(related="partner_id.phone", string="Phone")
    product_id = fields.Many2one("product.product", string="Product", check_company=True, index=True)
    product_categ_id = fields.Many2one(related="product_id.categ_id", store=True, string="Product Category")
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        check_company=True,
        index="btree_not_null",
        domain="[('product_id', '=?', product_id)]",
    )
    # What follows is the service desk's own business: the portal shows its customers
    # their requests through the controller, and they cannot read these fields over RPC.
    queue_id = fields.Many2one(
        "crm.service.queue",
        string="Queue",
        tracking=True,
        index=True,
        check_company=True,
        copy=False,
        groups=INTERNAL,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assignee",
        tracking=True,
        index=True,
        check_company=True,
        copy=False,
        domain="[('share', '=', False)]",
        groups=INTERNAL,
    )
    assign_date = fields.Datetime(string="Assigned On", readonly=True, copy=False, groups=INTERNAL)
    assignment_ids = fields.One2many(
        "crm.service.assignment", "request_id", string="Assignment History", groups=INTERNAL
    )
    escalation_log_ids = fields.One2many(
        "crm.service.escalation.log", "request_id", string="Escalations", groups=INTERNAL
    )
    # SLA (all datetimes in UTC; the durations are working hours of the queue's calendar)
    sla_id = fields.Many2one("crm.service.sla", string="SLA", readonly=True, copy=False, groups=INTERNAL)
    sla_start_date = fields.Datetime(string="SLA Start", readonly=True, copy=False, groups=INTERNAL)
    response_deadline = fields.Datetime(readonly=True, copy=False, groups=INTERNAL)
    resolution_deadline = fields.Datetime(readonly=True, copy=False, groups=INTERNAL)
    first_response_date = fields.Datetime(string="First Response", readonly=True, copy=False, groups=INTERNAL)
    resolved_date = fields.Datetime(string="Resolved On", readonly=True, copy=False, groups=INTERNAL)
    closed_date = fields.Datetime(string="Closed On", readonly=True, copy=False, groups=INTERNAL)
    pause_start = fields.Datetime(string="Waiting Since", readonly=True, copy=False, groups=INTERNAL)
    paused_hours = fields.Float(
        string="Paused Working Hours",
        readonly=True,
        copy=False,
        groups=INTERNAL,
        help="Working hours spent waiting on the customer; the deadlines move by as much.",
    )
    response_breached = fields.Boolean(readonly=True, copy=False, groups=INTERNAL)
    resolution_breached = fields.Boolean(readonly=True, copy=False, groups=INTERNAL)
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late", string="Late", groups=INTERNAL)
    can_claim = fields.Boolean(compute="_compute_can_claim", groups=INTERNAL)

    def init(self):
        res = super().init()
        # The escalation job's selections: open requests by company and deadline.
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS crm_service_request_open_response_deadline_idx
                   ON crm_service_request (company_id, response_deadline)
                WHERE state IN ('new', 'assigned', 'in_progress')"""
        )
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS crm_service_request_open_resolution_deadline_idx
                   ON crm_service_request (company_id, resolution_deadline)
                WHERE state IN ('new', 'assigned', 'in_progress')"""
        )
        return res

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for request in self:
            if request.reference:
                request.display_name = f"[{request.reference}] {request.name or ''}"
            else:
                request.display_name = request.name or ""

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/service_requests/{request.id}"
        return res

    @api.depends("state", "response_deadline", "resolution_deadline", "first_response_date")
    def _compute_is_late(self):
        now = fields.Datetime.now()
        for request in self:
            request.is_late = request.state in RUNNING_STATES and (
                (request.resolution_deadline and request.resolution_deadline < now)
                or (not request.first_response_date and request.response_deadline and request.response_deadline < now)
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Operation not supported"))
        now = fields.Datetime.now()
        domain = [
            ("state", "in", RUNNING_STATES),
            "|",
            ("resolution_deadline", "<", now),
            "&",
            ("first_response_date", "=", False),
            ("response_deadline", "<", now),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    @api.depends_context("uid")
    @api.depends("queue_id", "user_id", "state")
    def _compute_can_claim(self):
        is_manager = self.env.user.has_group("crm_service_desk.crm_service_desk_group_manager")
        for request in self:
            request.can_claim = (
                request.state in ("new", "assigned")
                and request.user_id != self.env.user
                and (is_manager or self.env.user in request.queue_id.member_ids)
            )

    def _expand_states(self, states, domain):
        return [key for key, _label in STATES]

    @api.constrains("lot_id", "partner_id", "product_id")
    def _check_lot(self):
        for request in self.filtered("lot_id"):
            lot = request.lot_id.sudo()
            if not self.env.user._is_internal():
                # a customer (portal) learns neither who has the serial nor that it exists
                if not request._is_customer_lot(lot) or (request.product_id and lot.product_id != request.product_id):
                    raise ValidationError(self._serial_not_found_message(lot.name))
                continue
            if request.product_id and lot.product_id != request.product_id:
                raise ValidationError(
                    _(
                        "Serial number %(lot)s of request %(request)s belongs to product %(lot_product)s, "
                        "not to %(product)s.",
                        lot=lot.name,
                        request=request.display_name,
                        lot_product=lot.product_id.display_name,
                        product=request.product_id.display_name,
                    )
                )
            owner = lot.last_delivery_partner_id.commercial_partner_id
            if owner and owner != request.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Serial number %(lot)s was delivered to %(owner)s, not to %(customer)s: "
                        "request %(request)s cannot use it.",
                        lot=lot.name,
                        owner=owner.display_name,
                        customer=request.commercial_partner_id.display_name,
                        request=request.display_name,
                    )
                )

    @api.constrains("contact_id", "partner_id")
    def _check_contact(self):
        """The contact is the customer or one of its company's people: the rating request goes to them."""
        for request in self.filtered("contact_id"):
            contact = request.contact_id.sudo()
            if contact.commercial_partner_id != request.commercial_partner_id.sudo():
                raise ValidationError(
                    _(
                        "%(contact)s is not a contact of customer %(customer)s: request %(request)s "
                        "can only name the customer or one of its contacts.",
                        contact=contact.display_name,
                        customer=request.commercial_partner_id.sudo().display_name,
                        request=request.display_name,
                    )
                )

    @api.model
    def _find_customer_lot(self, serial, partner, company):
        """The serial number named ``serial`` of ``company`` that ``partner``'s company received or has
        installed; an empty recordset for any other serial, known or not (the portal's lookup)."""
        lots = self.env["stock.lot"].sudo().search([("name", "=", serial), ("company_id", "in", [company.id, False])])
        customer = partner.commercial_partner_id
        return lots.filtered(lambda lot: self._is_customer_lot(lot, customer))[:1]

    def _is_customer_lot(self, lot, customer=None):
        """Whether ``lot`` is at ``customer`` (default: this request's customer company): delivered or
        installed (an asset in service) there, and neither delivered nor installed elsewhere."""
        customer = customer or self.commercial_partner_id
        asset = (
            self.env["crm.service.asset"]
            .sudo()
            .search([("lot_id", "=", lot.id), ("state", "=", "in_service")], limit=1)
        )
        owners = asset.partner_id.commercial_partner_id | lot.sudo().last_delivery_partner_id.commercial_partner_id
        return bool(owners) and owners == customer.sudo()

    @api.model
    def _serial_not_found_message(self, serial):
        """What a customer is told of a serial number that is not theirs: the same whether it exists or not."""
        return _(
            "Serial number %(serial)s is not among your company's products. Check the number on the "
            "product's label, or leave the field empty and describe the product.",
            serial=serial,
        )

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        if self.lot_id:
            self.product_id = self.lot_id.product_id

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.contact_id and self.contact_id.commercial_partner_id != self.partner_id.commercial_partner_id:
            self.contact_id = False

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        defaults = self.default_get(["company_id", "priority", "request_type", "state"])
        for vals in vals_list:
            self._check_sla_fields(vals)
            for key in ("company_id", "priority", "request_type", "state"):
                vals.setdefault(key, defaults.get(key))
            vals.setdefault("sla_start_date", now)
        history = self._prepare_routing(vals_list)
        self._prepare_sla(vals_list)
        self._prepare_references(vals_list)
        # mail.thread subscribes and notifies the assignee request by request: here the
        # batch is subscribed per assignee and each assignee told once (_notify_assignees).
        notify = self._assignment_notice_wanted()
        requests = super(
            CrmServiceRequest,
            self.with_context(mail_auto_subscribe_no_notify=True, crm_service_subscribe_later=True),
        ).create(vals_list)
        requests = requests.with_env(self.env)
        if not self.env.context.get("tracking_disable"):
            requests.with_context(mail_auto_subscribe_no_notify=True)._auto_subscribe_batch(vals_list)
        if notify:
            requests._notify_assignees()
        history_vals = []
        for request, methods in zip(requests, history, strict=True):
            if request.queue_id or request.user_id:
                history_vals.append(
                    {
                        "request_id": request.id,
                        "queue_id": request.queue_id.id,
                        "user_id": request.user_id.id,
                        "method": methods or "manual",
                    }
                )
        if history_vals:
            self.env["crm.service.assignment"].sudo().create(history_vals)
        return requests

    def write(self, vals):
        self._check_sla_fields(vals)
        if not ({"state", "user_id", "queue_id", "priority"} & vals.keys()):
            return super().write(vals)
        now = fields.Datetime.now()
        before = {request.id: (request.state, request.user_id, request.queue_id) for request in self}
        resuming = self.filtered(lambda r: r.state == "waiting" and vals.get("state", "waiting") != "waiting")
        paused = resuming._paused_hours_until(now)
        if vals.get("user_id") and len(self) > 1 and self._assignment_notice_wanted():
            # one notice per batch for the new assignee instead of one per request
            res = super(CrmServiceRequest, self.with_context(mail_auto_subscribe_no_notify=True)).write(vals)
            self._notify_assignees()
        else:
            res = super().write(vals)
        assignment = self.env.context.get(ASSIGNMENT_KEY)
        if not isinstance(assignment, _Assignment):
            assignment = MANUAL
        sla_changed = bool({"queue_id", "priority"} & vals.keys()) and not assignment.keep_sla
        self._after_write(before, paused, now, sla_changed=sla_changed, assignment=assignment)
        return res

    def _check_sla_fields(self, vals):
        """Refuse a change of the SLA's dates, flags and pause data by anyone but the SLA machinery.

        The machinery writes them through ``super(CrmServiceRequest, ...).write``
        (or SQL), which does not come here; a service manager may still move a
        deadline or clear a breach flag by hand.
        """
        fnames = SLA_FIELDS & vals.keys()
        if not fnames or self.env.su:
            return
        is_manager = self.env.user.has_group(MANAGER_GROUP)
        if is_manager:
            fnames -= SLA_OVERRIDE_FIELDS
            if not fnames:
                return
        labels = format_list(self.env, [self._fields[fname]._description_string(self.env) for fname in sorted(fnames)])
        if not is_manager and fnames <= SLA_OVERRIDE_FIELDS:
            raise AccessError(
                _(
                    "Only a service desk manager can move the deadlines or clear the breach flags of "
                    "service requests (%(fields)s).",
                    fields=labels,
                )
            )
        raise AccessError(
            _(
                "The service level agreement sets %(fields)s of service requests from the queue's targets, "
                "its working hours and the request's progress: they cannot be changed by hand.",
                fields=labels,
            )
        )

    def _after_write(self, before, paused, now, sla_changed, assignment=MANUAL):
        """Bookkeeping after a change of state, queue, assignee or priority."""
        method, note = assignment.method, assignment.note
        history_vals = []
        resync = self.browse()
        to_rate = self.browse()
        pending = defaultdict(list)  # the same updates for many requests are written at once
        for request in self:
            old_state, old_user, old_queue = before[request.id]
            updates = {}
            state = request.state
            if state == "new" and request.user_id:
                state = updates["state"] = "assigned"
            elif state == "assigned" and not request.user_id:
                state = updates["state"] = "new"
            if request.user_id and request.user_id != old_user:
                updates["assign_date"] = now
            if state == "waiting" and old_state != "waiting":
                updates["pause_start"] = now
            if request.id in paused:
                updates["paused_hours"] = request.paused_hours + paused[request.id]
                updates["pause_start"] = False
            if old_state in DONE_STATES and state not in DONE_STATES + ["cancelled"]:
                updates.update(resolved_date=False, closed_date=False, resolution_breached=False)
            if updates:
                pending[tuple(sorted(updates.items()))].append(request.id)
            if request.id in paused or sla_changed:
                resync |= request
            if state == "closed" and old_state != "closed":
                to_rate |= request
            if request.user_id != old_user or request.queue_id != old_queue:
                history_vals.append(
                    {
                        "request_id": request.id,
                        "queue_id": request.queue_id.id,
                        "user_id": request.user_id.id,
                        "previous_queue_id": old_queue.id,
                        "previous_user_id": old_user.id,
                        "method": method,
                        "note": note,
                    }
                )
        for updates, ids in pending.items():
            super(CrmServiceRequest, self.browse(ids)).write(dict(updates))
        if resync:
            resync._recompute_sla()
        self._stamp_milestones(now)
        if history_vals:
            self.env["crm.service.assignment"].sudo().create(history_vals)
        if to_rate:
            to_rate._send_rating_request()
        return True

    def _stamp_milestones(self, now):
        """Record the first response, the resolution and the closing, with their breach flags."""
        pending = defaultdict(list)
        for request in self:
            updates = {}
            if request.state in ("in_progress", *DONE_STATES) and not request.first_response_date:
                updates["first_response_date"] = now
                updates["response_breached"] = bool(request.response_deadline and now > request.response_deadline)
            if request.state in DONE_STATES and not request.resolved_date:
                updates["resolved_date"] = now
                updates["resolution_breached"] = bool(request.resolution_deadline and now > request.resolution_deadline)
            if request.state == "closed" and not request.closed_date:
                updates["closed_date"] = now
            if updates:
                pending[tuple(sorted(updates.items()))].append(request.id)
        for updates, ids in pending.items():
            super(CrmServiceRequest, self.browse(ids)).write(dict(updates))
        return True

    # ------------------------------------------------------------------ assignment notices
    def _assignment_notice_wanted(self):
        """Whether the host would notify new assignees in this context (mail.thread's conditions)."""
        context = self.env.context
        return not (
            context.get("tracking_disable")
            or context.get("mail_auto_subscribe_no_notify")
            or not self.env.registry.ready
        )

    def _message_auto_subscribe(self, updated_values, followers_existing_policy="skip"):
        if self.env.context.get("crm_service_subscribe_later"):
            return True  # create() does it for the whole batch
        return super()._message_auto_subscribe(updated_values, followers_existing_policy=followers_existing_policy)

    def _auto_subscribe_batch(self, vals_list):
        """mail.thread's auto-subscription of new requests, for each group with the same values.

        The same as mail.thread.create calling _message_auto_subscribe on each
        request, with a few statements per assignee instead of per request.
        """
        relation = self.env["mail.message.subtype"]._get_auto_subscription_subtypes(self._name)[4]
        fnames = sorted({"user_id", *(fname for fnames in relation.values() for fname in fnames)})
        context = self.env.context
        defaults = {fname: context[f"default_{fname}"] for fname in fnames if f"default_{fname}" in context}
        groups = defaultdict(list)
        for request, vals in zip(self, vals_list, strict=True):
            values = {**defaults, **{fname: vals[fname] for fname in fnames if fname in vals}}
            groups[tuple(sorted(values.items()))].append(request.id)
        for values, ids in groups.items():
            self.browse(ids)._message_auto_subscribe(dict(values), followers_existing_policy="update")

    def _notify_assignees(self):
        """Tell each assignee of these requests that they were given them, one notice per assignee.

        An assignee given a single request gets the host's usual notice
        (mail.message_user_assigned); one given several in the same batch (a
        bulk creation, an escalation, a mass edit) gets one notice listing
        them, instead of one e-mail per request. Nobody is notified of their
        own assignment, as in mail.thread.
        """
        for user, requests in self.grouped("user_id").items():
            user = user.sudo()
            if not user or user == self.env.user or not user.active:
                continue
            partner = user.partner_id
            requests = requests.with_context(lang=partner.lang)
            if len(requests) == 1:
                requests._message_auto_subscribe_notify(partner.ids, "mail.message_user_assigned")
                continue
            # names and links in the assignee's language, the first ones only for a big batch
            lines = Markup().join(
                Markup('<li><a href="%s">%s</a></li>') % (request._notify_get_action_link("view"), request.display_name)
                for request in requests[:NOTICE_LINES]
            )
            if len(requests) > NOTICE_LINES:
                lines += Markup("<li>%s</li>") % requests.env._(
                    "... and %(count)s more", count=len(requests) - NOTICE_LINES
                )
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                requests.env._("You have been assigned %(count)s service requests:", count=len(requests)),
                lines,
            )
            first = requests[0]
            first.message_notify(
                subject=requests.env._("You have been assigned %(count)s service requests", count=len(requests)),
                body=body,
                partner_ids=partner.ids,
                record_name=first.display_name,
                email_layout_xmlid="mail.mail_notification_layout",
                model_description=requests.env["ir.model"]._get(self._name).display_name,
            )

    # ------------------------------------------------------------------ routing and assignment
    def _prepare_routing(self, vals_list):
        """Fill queue_id and user_id in ``vals_list`` from routing rules and queue methods.

        Works on the whole batch: one search for the rules, one read of the
        customers and products, one pick per queue. Returns, per vals, how
        the request was assigned (a method of crm.service.assignment) or None.
        """
        methods = [None] * len(vals_list)
        to_route = [i for i, vals in enumerate(vals_list) if not vals.get("queue_id")]
        if to_route:
            self._route_by_rules(vals_list, to_route, methods)
        by_queue = defaultdict(list)
        for i, vals in enumerate(vals_list):
            if vals.get("queue_id") and not vals.get("user_id"):
                by_queue[vals["queue_id"]].append(i)
        for queue_id, indexes in by_queue.items():
            queue = self.env["crm.service.queue"].sudo().browse(queue_id)
            for i, user in zip(indexes, queue._pick_assignees(len(indexes)), strict=True):
                if user:
                    vals_list[i]["user_id"] = user.id
                    methods[i] = queue.assignment_method
        now = fields.Datetime.now()
        for vals in vals_list:
            if vals.get("user_id"):
                vals.setdefault("assign_date", now)
                if vals.get("state") == "new":
                    vals["state"] = "assigned"
        return methods

    def _route_by_rules(self, vals_list, indexes, methods):
        """Apply the first matching routing rule to each vals of ``indexes``."""
        company_ids = {vals_list[i]["company_id"] for i in indexes}
        rules = self.env["crm.service.routing.rule"].sudo().search([("company_id", "in", list(company_ids))])
        if not rules:
            return
        rules_by_company = defaultdict(list)
        for rule in rules:
            rules_by_company[rule.company_id.id].append(rule)
        Partner, Product = self.env["res.partner"], self.env["product.product"]
        partners = Partner.browse({vals_list[i].get("partner_id") for i in indexes} - {None, False})
        products = Product.browse({vals_list[i].get("product_id") for i in indexes} - {None, False})
        partners.commercial_partner_id.mapped("state_id")
        products.categ_id.mapped("parent_path")
        levels = {}
        for company_id in company_ids:
            if any(rule.value_level_ids for rule in rules_by_company[company_id]):
                commercial = partners.commercial_partner_id.with_company(company_id)
                levels[company_id] = {p.id: p.crm_value_level_id.id for p in commercial}
        for i in indexes:
            vals = vals_list[i]
            company_id = vals["company_id"]
            partner = Partner.browse(vals.get("partner_id")).commercial_partner_id
            product = Product.browse(vals.get("product_id") or [])
            facts = {
                "request_type": vals["request_type"],
                "priority": vals["priority"],
                "categ_path": product.categ_id.parent_path or "",
                "state_id": partner.state_id.id,
                "level_id": levels.get(company_id, {}).get(partner.id),
            }
            rule = next((r for r in rules_by_company[company_id] if r._match(facts)), None)
            if rule:
                vals["queue_id"] = rule.queue_id.id
                methods[i] = "routing"
                if rule.user_id and not vals.get("user_id"):
                    vals["user_id"] = rule.user_id.id

    def action_claim(self):
        """Claim (认领): the current agent takes the requests, unless another agent was faster.

        The rows are locked first, then the assignee is read again from the
        database: of two agents claiming at once, the second one is told who
        has the request instead of silently taking it over.
        """
        user = self.env.user
        is_manager = user.has_group("crm_service_desk.crm_service_desk_group_manager")
        for request in self:
            if request.state not in ("new", "assigned"):
                raise UserError(_("Request %(request)s is no longer open to claim.", request=request.display_name))
            if not is_manager and user not in request.queue_id.member_ids:
                raise UserError(
                    _(
                        "You are not a member of queue %(queue)s and cannot claim request %(request)s.",
                        queue=request.queue_id.display_name or _("(none)"),
                        request=request.display_name,
                    )
                )
        self.flush_recordset(["user_id"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id, user_id FROM crm_service_request WHERE id IN %s FOR UPDATE NOWAIT",
                    [tuple(self.ids)],
                    log_exceptions=False,
                )
                current = dict(self.env.cr.fetchall())
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                _("Another agent is claiming or changing these requests right now. Reload and try again.")
            ) from None
        for request in self:
            holder_id = current.get(request.id)
            if holder_id and holder_id != user.id:
                raise UserError(
                    _(
                        "Request %(request)s was already claimed by %(user)s.",
                        request=request.display_name,
                        user=self.env["res.users"].browse(holder_id).sudo().name,
                    )
                )
        self.invalidate_recordset(["user_id"])
        self.with_context(**{ASSIGNMENT_KEY: _Assignment("claim")}).write({"user_id": user.id})
        return True

    def _move_to_queue(self, queue, note=False, method="move", assign=True):
        """Move the requests to ``queue``; its method picks the new assignees."""
        picks = queue.sudo()._pick_assignees(len(self)) if assign else [self.env["res.users"]] * len(self)
        by_user = defaultdict(lambda: self.browse())
        for request, user in zip(self, picks, strict=True):
            by_user[user.id] |= request
        # An escalation keeps the deadlines promised to the customer; a move to
        # the right queue takes that queue's targets.
        assignment = _Assignment(method, note, keep_sla=method == "escalation")
        for user_id, requests in by_user.items():
            requests.with_context(**{ASSIGNMENT_KEY: assignment}).write(
                {"queue_id": queue.id, "user_id": user_id or False}
            )

    def action_open_move_wizard(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service_desk.crm_service_move_wizard_action")
        action["context"] = {"active_ids": self.ids, "active_model": self._name}
        return action

    # ------------------------------------------------------------------ state actions
    def _check_state(self, allowed):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for request in self:
            if request.state not in allowed:
                raise UserError(
                    _(
                        "Request %(request)s is in state %(state)s: this action is not possible.",
                        request=request.display_name,
                        state=labels[request.state],
                    )
                )

    def action_start(self):
        self._check_state(["new", "assigned", "waiting"])
        unassigned = self.filtered(lambda r: not r.user_id)
        if unassigned:
            unassigned.action_claim()
        self.write({"state": "in_progress"})
        return True

    def action_wait_customer(self):
        self._check_state(["assigned", "in_progress"])
        self.write({"state": "waiting"})
        return True

    def action_resolve(self):
        self._check_state(["new", "assigned", "in_progress", "waiting"])
        self.write({"state": "resolved"})
        return True

    def action_close(self):
        self._check_state(["new", "assigned", "in_progress", "waiting", "resolved"])
        self.write({"state": "closed"})
        return True

    def action_cancel(self):
        self._check_state(OPEN_STATES)
        self.write({"state": "cancelled"})
        return True

    def action_reopen(self):
        self._check_state(["resolved", "closed", "cancelled"])
        for request in self:
            request.write({"state": "in_progress" if request.user_id else "new"})
        return True

    # ------------------------------------------------------------------ SLA
    def _prepare_sla(self, vals_list):
        """Fill sla_id and the deadlines in ``vals_list`` (one search, one plan per distinct target)."""
        queue_ids = {vals["queue_id"] for vals in vals_list if vals.get("queue_id")}
        if not queue_ids:
            return
        slas = self.env["crm.service.sla"].sudo().search([("queue_id", "in", list(queue_ids))])
        sla_map = {(sla.queue_id.id, sla.priority): sla for sla in slas}
        cache = {}
        for vals in vals_list:
            sla = sla_map.get((vals.get("queue_id"), vals["priority"]))
            if sla:
                calendar = sla.queue_id._get_calendar()
                vals["sla_id"] = sla.id
                vals["response_deadline"] = _plan(calendar, vals["sla_start_date"], sla.response_hours, cache)
                vals["resolution_deadline"] = _plan(calendar, vals["sla_start_date"], sla.resolution_hours, cache)

    def _recompute_sla(self):
        """Deadlines again after a change of queue or priority, or after a pause."""
        slas = self.env["crm.service.sla"].sudo().search([("queue_id", "in", self.queue_id.ids)])
        sla_map = {(sla.queue_id.id, sla.priority): sla for sla in slas}
        cache = {}
        for request in self:
            if request.state in ("closed", "cancelled"):
                continue
            sla = sla_map.get((request.queue_id.id, request.priority))
            updates = {"sla_id": sla.id if sla else False}
            if not sla:
                updates.update(response_deadline=False, resolution_deadline=False)
            else:
                calendar = sla.queue_id._get_calendar()
                start = request.sla_start_date or request.create_date
                if not request.first_response_date:
                    updates["response_deadline"] = _plan(
                        calendar, start, sla.response_hours + request.paused_hours, cache
                    )
                if not request.resolved_date:
                    updates["resolution_deadline"] = _plan(
                        calendar, start, sla.resolution_hours + request.paused_hours, cache
                    )
            super(CrmServiceRequest, self.browse(request.id)).write(updates)
        return True

    def _paused_hours_until(self, now):
        """Working hours each request spent waiting on the customer, until ``now``."""
        result = {}
        for request in self.filtered("pause_start"):
            calendar = request.queue_id._get_calendar() if request.queue_id else request.company_id.resource_calendar_id
            if calendar:
                hours = calendar.get_work_hours_count(request.pause_start, now, compute_leaves=True)
            else:
                hours = (now - request.pause_start).total_seconds() / 3600
            result[request.id] = hours
        return result

    @api.model
    def _cron_escalate(self, batch_size=2000):
        """Flag breaches and apply the escalation levels that are due.

        Two UPDATE statements flag breached deadlines; then one SELECT per
        level (and batch) finds the open requests whose deadline plus the
        level's offset has passed and that the level has not handled yet; the
        level acts on them as a batch and is logged, so it never acts twice.

        A batch that fails is tried again request by request: a request that
        still fails is rolled back alone, logged and left for the next run,
        and the job goes on with the others.
        """
        now = fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE crm_service_request SET response_breached = TRUE
                WHERE state IN %(states)s AND first_response_date IS NULL
                  AND response_deadline < %(now)s AND response_breached IS NOT TRUE""",
            {"states": tuple(RUNNING_STATES), "now": now},
        )
        flagged = self.env.cr.rowcount
        self.env.cr.execute(
            """UPDATE crm_service_request SET resolution_breached = TRUE
                WHERE state IN %(states)s AND resolution_deadline < %(now)s
                  AND resolution_breached IS NOT TRUE""",
            {"states": tuple(RUNNING_STATES), "now": now},
        )
        flagged += self.env.cr.rowcount
        self.invalidate_model(["response_breached", "resolution_breached"])
        done = 0
        levels = self.env["crm.service.escalation.level"].sudo().search([])
        for level in levels:
            failed_ids = []  # not due again in this run
            while True:
                ids = self._escalation_due_ids(level, now, batch_size, skip_ids=failed_ids)
                if not ids:
                    break
                applied, failed = self.sudo().browse(ids)._apply_escalation_isolated(level, now)
                done += len(applied)
                failed_ids += failed.ids
                if len(ids) < batch_size:
                    break
        self.env["ir.cron"]._notify_progress(done=done + flagged, remaining=0)
        return done

    def _apply_escalation_isolated(self, level, now):
        """``_apply_escalation`` on the batch, or request by request when the batch fails.

        :return: ``(applied, failed)``, two recordsets
        """
        if len(self) > 1:
            try:
                with self.env.cr.savepoint():
                    self._apply_escalation(level, now)
            except Exception as exc:  # noqa: BLE001 -- any error of one request must not stop the job
                _logger.warning(
                    "Escalation %s: a batch of %s requests failed (%s); trying them one by one",
                    level.name,
                    len(self),
                    exc,
                )
            else:
                return self, self.browse()
        return run_isolated(self, lambda request: request._apply_escalation(level, now), f"Escalation {level.name}")

    def _escalation_due_ids(self, level, now, limit, skip_ids=()):
        column = "response_deadline" if level.deadline == "response" else "resolution_deadline"
        query = f"""
            SELECT r.id
              FROM crm_service_request r
             WHERE r.company_id = %(company)s
               AND r.state IN %(states)s
               AND r.active
               AND r.{column} <= %(due)s
               {"AND r.first_response_date IS NULL" if level.deadline == "response" else ""}
               {"AND r.queue_id = %(queue)s" if level.queue_id else ""}
               AND NOT EXISTS (SELECT 1 FROM crm_service_escalation_log l
                                WHERE l.request_id = r.id AND l.level_id = %(level)s)
               AND r.id != ALL(%(skip)s::int[])
          ORDER BY r.{column}, r.id
             LIMIT %(limit)s
        """
        self.env.cr.execute(
            query,
            {
                "company": level.company_id.id,
                "states": tuple(RUNNING_STATES),
                "due": now - timedelta(hours=level.offset_hours),
                "queue": level.queue_id.id,
                "level": level.id,
                "limit": limit,
                "skip": list(skip_ids),
            },
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _apply_escalation(self, level, now):
        """Apply one escalation level to a batch of requests (a few statements for the batch)."""
        self._log_escalation(level, now)
        deadline_label = dict(level._fields["deadline"]._description_selection(self.env))[level.deadline]
        summary = _("Escalation %(level)s: %(deadline)s", level=level.name, deadline=deadline_label)
        activity_targets = {}
        if level.action == "notify_assignee":
            activity_targets = {r.id: r.user_id for r in self if r.user_id}
        elif level.action == "notify_manager":
            activity_targets = {r.id: r.queue_id.manager_id for r in self if r.queue_id.manager_id}
        elif level.action == "reassign":
            if level.user_id:
                self.with_context(**{ASSIGNMENT_KEY: _Assignment("escalation", level.name)}).write(
                    {"user_id": level.user_id.id}
                )
                activity_targets = {r.id: level.user_id for r in self}
            else:
                for next_queue, requests in self.grouped(lambda r: r.queue_id.escalation_queue_id).items():
                    if next_queue:
                        requests._move_to_queue(next_queue, note=level.name, method="escalation")
                        activity_targets.update({r.id: r.user_id for r in requests if r.user_id})
        self.browse(list(activity_targets))._schedule_same_activity(
            {request_id: user.id for request_id, user in activity_targets.items()}, summary, level.note
        )
        body = Markup("<p>%s</p>") % summary
        if level.note:
            body += Markup("<p>%s</p>") % level.note
        self._log_same_note(body)

    def _log_escalation(self, level, now):
        """Record that ``level`` acted on these requests (crm.service.escalation.log), in one INSERT."""
        self.flush_recordset(["user_id", "company_id"])
        self.env.cr.execute(
            """INSERT INTO crm_service_escalation_log
                   (request_id, level_id, company_id, date, action, user_id,
                    create_uid, create_date, write_uid, write_date)
               SELECT r.id, %(level)s, r.company_id, %(date)s, %(action)s, r.user_id,
                      %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM crm_service_request r
                WHERE r.id = ANY(%(ids)s)""",
            {
                "level": level.id,
                "action": level.action,
                "date": now,
                "uid": self.env.uid,
                "now": self.env.cr.now(),
                "ids": self.ids,
            },
        )
        self.env["crm.service.escalation.log"].invalidate_model()
        self.invalidate_recordset(["escalation_log_ids"])

    def _schedule_same_activity(self, user_by_request, summary, note):
        """A to-do activity due today on each request for its user in ``user_by_request``.

        What ``mail.activity.create`` does for the batch (the activity, the
        assignee following the request, a refresh of their activity counter),
        in one statement: the escalation job schedules thousands of them.
        No e-mail, as with mail_activity_quick_update.
        """
        if not self:
            return
        Activity = self.env["mail.activity"]
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        subtypes = self.env["mail.message.subtype"].default_subtypes(self._name)[0]
        self.flush_model()
        self.env.cr.execute(
            """WITH src AS (
                   SELECT * FROM unnest(%(ids)s::int[], %(names)s::varchar[], %(users)s::int[])
                       AS s(res_id, res_name, user_id)
               ), activities AS (
                   INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id,
                                              summary, note, date_deadline, user_id, user_tz, automated, active,
                                              create_uid, create_date, write_uid, write_date)
                   SELECT %(model_id)s, %(model)s, s.res_id, s.res_name, %(activity_type)s,
                          %(summary)s, %(note)s, %(deadline)s, s.user_id, up.tz, FALSE, TRUE,
                          %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM src s
                     JOIN res_users u ON u.id = s.user_id
                     JOIN res_partner up ON up.id = u.partner_id
                RETURNING res_id, user_id
               ), followers AS (
                   INSERT INTO mail_followers (res_model, res_id, partner_id)
                   SELECT DISTINCT %(model)s, a.res_id, u.partner_id
                     FROM activities a
                     JOIN res_users u ON u.id = a.user_id
                       ON CONFLICT (res_model, res_id, partner_id) DO NOTHING
                RETURNING id
               ), follower_subtypes AS (
                   INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)
                   SELECT f.id, st.id FROM followers f, unnest(%(subtypes)s::int[]) AS st(id)
               )
               SELECT DISTINCT user_id FROM activities""",
            {
                "ids": self.ids,
                "names": [request.display_name for request in self],
                "users": [user_by_request[request.id] for request in self],
                "model_id": self.env["ir.model"]._get_id(self._name),
                "model": self._name,
                "activity_type": todo.id if todo else None,
                "summary": summary,
                "note": Activity._fields["note"].convert_to_column(note or False, Activity),
                "deadline": fields.Date.context_today(self),
                "uid": self.env.uid,
                "now": self.env.cr.now(),
                "subtypes": subtypes.ids,
            },
        )
        user_ids = [row[0] for row in self.env.cr.fetchall()]
        Activity.invalidate_model()
        self.env["mail.followers"].invalidate_model()
        self.invalidate_model()
        self.env["res.users"].browse(user_ids)._bus_send("mail.activity/updated", {"activity_created": True})

    def _log_same_note(self, body):
        """Log the note ``body`` on each request: what ``_message_log_batch`` writes, in one statement.

        The escalation job may escalate thousands of requests at once with the
        same text; creating the messages through the ORM costs a sanitising and
        a few Python steps per message, this a single INSERT. Only for internal
        notes with no recipient, attachment or tracking value.
        """
        if not self:
            return
        Message = self.env["mail.message"].sudo()
        author_id, email_from = self._message_compute_author(None, None, raise_on_email=False)
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
        self.env.cr.execute(
            """INSERT INTO mail_message
                   (model, res_id, body, subject, author_id, email_from, reply_to, message_id,
                    message_type, subtype_id, is_internal, email_add_signature, record_name,
                    date, create_uid, create_date, write_uid, write_date)
               SELECT %(model)s, res_id, %(body)s, NULL, %(author)s, %(email_from)s, %(reply_to)s, %(message_id)s,
                      'notification', %(subtype)s, TRUE, FALSE, NULL,
                      %(date)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM unnest(%(ids)s) AS res_id""",
            {
                "model": self._name,
                "body": Message._fields["body"].convert_to_column(body, Message),
                "author": author_id or None,
                "email_from": email_from or None,
                "reply_to": reply_to or None,
                "message_id": generate_tracking_message_id("message-notify"),
                "subtype": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                "date": fields.Datetime.now(),
                "now": self.env.cr.now(),
                "uid": self.env.uid,
                "ids": self.ids,
            },
        )
        Message.invalidate_model()
        self.invalidate_recordset(["message_ids"])

    # ------------------------------------------------------------------ references
    @api.model
    def _prepare_references(self, vals_list):
        """Give each new request its company's next reference, with one statement per company."""
        todo = defaultdict(list)
        for vals in vals_list:
            if not vals.get("reference"):
                todo[vals["company_id"]].append(vals)
        for company_id, company_vals in todo.items():
            references = self._next_references(self.env["res.company"].browse(company_id), len(company_vals))
            for vals, reference in zip(company_vals, references, strict=True):
                vals["reference"] = reference

    @api.model
    def _next_references(self, company, count):
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search([("code", "=", SEQUENCE_CODE), ("company_id", "=", company.id)], limit=1)
        if not sequence:
            template = Sequence.search([("code", "=", SEQUENCE_CODE), ("company_id", "=", False)], limit=1)
            values = {"company_id": company.id, "number_next": 1}
            if template:
                sequence = template.copy(values)
            else:
                sequence = Sequence.create(
                    {"name": "Service Request", "code": SEQUENCE_CODE, "prefix": "SR", "padding": 5, **values}
                )
        if sequence.implementation == "standard" and not sequence.use_date_range:
            self.env.cr.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)", [f"ir_sequence_{sequence.id:03d}", count]
            )
            return [sequence.get_next_char(number) for number in sorted(row[0] for row in self.env.cr.fetchall())]
        return [sequence.next_by_id() for _i in range(count)]

    # ------------------------------------------------------------------ mail, portal, rating
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A request from an e-mail to a queue's alias: the sender is the customer."""
        values = dict(custom_values or {})
        partner = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if not partner and msg_dict.get("email_from"):
            partner = self.env["res.partner"].create({"email": msg_dict["email_from"], "name": msg_dict["email_from"]})
        values.setdefault("name", msg_dict.get("subject") or _("No Subject"))
        values.setdefault("partner_id", partner.id)
        values.setdefault("source", "email")
        values.setdefault("description", msg_dict.get("body"))
        return super().message_new(msg_dict, custom_values=values)

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if message.message_type == "comment" and not message.subtype_id.internal:
            author = message.author_id
            now = fields.Datetime.now()
            if author.user_ids.filtered(lambda u: not u.share):
                for request in self.filtered(lambda r: not r.first_response_date and r.state in RUNNING_STATES):
                    super(CrmServiceRequest, request).write(
                        {
                            "first_response_date": now,
                            "response_breached": bool(request.response_deadline and now > request.response_deadline),
                        }
                    )
            elif author:
                # The customer answered: the clock runs again.
                waiting = self.filtered(
                    lambda r: r.state == "waiting" and author.commercial_partner_id == r.commercial_partner_id
                )
                if waiting:
                    waiting.sudo().write({"state": "in_progress"})
        return message

    def _rating_get_partner(self):
        return self.contact_id or self.partner_id

    def _rating_get_parent_field_name(self):
        return "queue_id"

    def _send_rating_request(self):
        template = self.env.ref("crm_service_desk.mail_template_service_rating_request", raise_if_not_found=False)
        if not template:
            return
        for request in self:
            partner = request._rating_get_partner()
            if partner and partner != self.env.user.partner_id:
                request.rating_send_request(template, lang=partner.lang, force_send=False)

    def _get_portal_rating_token(self):
        """The token of the request's pending rating, created when missing (closed requests only)."""
        self.ensure_one()
        if self.state != "closed":
            return False
        return self._rating_get_access_token()


def _plan(calendar, start, hours, cache):
    """``start`` plus ``hours`` working hours of ``calendar`` (clock hours without a calendar).

    Same result as ``calendar.plan_hours(hours, start, compute_leaves=True)``,
    but the calendar's work intervals (leaves included) of the first two weeks
    after ``start`` are computed once per calendar and start in ``cache``, and
    each duration walks them: a batch of requests created together costs one
    interval computation per calendar, whatever its size and priorities.
    """
    key = (calendar.id, start, hours)
    if key not in cache:
        deadline = _plan_from_intervals(calendar, start, hours, cache) if calendar and hours >= 0 else None
        if deadline is None and calendar:
            deadline = calendar.plan_hours(hours, start, compute_leaves=True)
        cache[key] = deadline or start + timedelta(hours=hours)
    return cache[key]


def _plan_from_intervals(calendar, start, hours, cache):
    """The deadline from the cached intervals of ``calendar`` after ``start``; None beyond them."""
    intervals_key = (calendar.id, start, "intervals")
    if intervals_key not in cache:
        # plan_hours' first window, with the same arguments (no resource, default leave domain)
        aware = start.replace(tzinfo=utc)
        cache[intervals_key] = list(calendar._work_intervals_batch(aware, aware + PLAN_WINDOW)[False])
    for begin, stop, _meta in cache[intervals_key]:
        interval_hours = (stop - begin).total_seconds() / 3600
        if hours <= interval_hours:
            return (begin + timedelta(hours=hours)).astimezone(utc).replace(tzinfo=None)
        hours -= interval_hours
    return None
