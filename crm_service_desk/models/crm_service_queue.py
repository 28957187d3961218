import ast

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_service_request import OPEN_STATES


class CrmServiceQueue(models.Model):
    """A service desk queue (受理队列): the team that takes a kind of request.

    An e-mail to the queue's alias creates a request in the queue. Requests that
    arrive without an assignee are given to a member by the queue's method:
    round robin keeps a pointer (the last member served) on the queue, least
    loaded counts the open requests of each member in one query.
    """

    _name = "crm.service.queue"
    _description = "Service Queue"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    manager_id = fields.Many2one(
        "res.users",
        string="Manager",
        check_company=True,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Notified by the escalation levels that notify the manager.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "crm_service_queue_member_rel",
        "queue_id",
        "user_id",
        string="Members",
        check_company=True,
        domain="[('share', '=', False)]",
        help="Agents who take the queue's requests: they may claim them, and automatic assignment chooses among them.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        help="SLA targets are counted in the working hours of this calendar (the company's calendar when empty).",
    )
    assignment_method = fields.Selection(
        [
            ("manual", "Manual (members claim)"),
            ("round_robin", "Round Robin"),
            ("least_loaded", "Least Loaded"),
        ],
        required=True,
        default="manual",
        tracking=True,
        help="Manual: requests wait in the queue until a member claims them or a manager assigns them.\n"
        "Round robin: each new request goes to the next member in turn.\n"
        "Least loaded: each new request goes to the member with the fewest open requests.",
    )
    last_assigned_user_id = fields.Many2one(
        "res.users",
        string="Last Assigned Member",
        readonly=True,
        copy=False,
        help="Round robin pointer: the next request goes to the member after this one.",
    )
    escalation_queue_id = fields.Many2one(
        "crm.service.queue",
        string="Next-Level Queue",
        check_company=True,
        help="Escalation levels that reassign without a named user move the request to this queue.",
    )
    sla_ids = fields.One2many("crm.service.sla", "queue_id", string="SLA Targets")
    request_ids = fields.One2many("crm.service.request", "queue_id", string="Requests")
    open_request_count = fields.Integer(string="Open Requests", compute="_compute_request_counts")
    unassigned_request_count = fields.Integer(string="Unassigned", compute="_compute_request_counts")
    late_request_count = fields.Integer(string="Late", compute="_compute_request_counts")

    def _compute_request_counts(self):
        Request = self.env["crm.service.request"]
        now = fields.Datetime.now()
        domain = [("queue_id", "in", self.ids), ("state", "in", OPEN_STATES)]
        open_counts = dict(Request._read_group(domain, ["queue_id"], ["__count"]))
        unassigned = dict(Request._read_group(domain + [("user_id", "=", False)], ["queue_id"], ["__count"]))
        late = dict(Request._read_group(domain + [("resolution_deadline", "<", now)], ["queue_id"], ["__count"]))
        for queue in self:
            queue.open_request_count = open_counts.get(queue, 0)
            queue.unassigned_request_count = unassigned.get(queue, 0)
            queue.late_request_count = late.get(queue, 0)

    @api.constrains("escalation_queue_id")
    def _check_escalation_queue(self):
        if self._has_cycle("escalation_queue_id"):
            raise ValidationError(_("The next-level queues must not form a loop."))

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("crm.service.request").id
        if self.id:
            values["alias_defaults"] = defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["queue_id"] = self.id
            defaults["company_id"] = self.company_id.id
        return values

    def _get_calendar(self):
        self.ensure_one()
        return self.calendar_id or self.company_id.resource_calendar_id

    def _pick_assignees(self, count):
        """Choose the members who take ``count`` new requests of this queue, in order.

        Returns a list of ``count`` users (empty users when the queue is manual or
        has no member). Round robin moves the pointer once for the batch, under a
        row lock on the queue so that two workers cannot hand out the same turn;
        least loaded counts the open requests of all members in one query and
        adds the batch's own requests as it goes.
        """
        self.ensure_one()
        Users = self.env["res.users"]
        members = self.member_ids.filtered("active").sorted("id")
        if self.assignment_method == "manual" or not members or count <= 0:
            return [Users] * count
        if self.assignment_method == "round_robin":
            self.env.cr.execute(
                "SELECT last_assigned_user_id FROM crm_service_queue WHERE id = %s FOR UPDATE", [self.id]
            )
            last_id = self.env.cr.fetchone()[0]
            member_ids = members.ids
            start = member_ids.index(last_id) + 1 if last_id in member_ids else 0
            picked = [members[(start + i) % len(members)] for i in range(count)]
            self.sudo().last_assigned_user_id = picked[-1]
            return picked
        load = dict(
            self.env["crm.service.request"]
            .sudo()
            ._read_group(
                [("user_id", "in", members.ids), ("state", "in", OPEN_STATES)],
                ["user_id"],
                ["__count"],
            )
        )
        counts = {member.id: load.get(member, 0) for member in members}
        picked = []
        for _i in range(count):
            member_id = min(counts, key=lambda uid: (counts[uid], uid))
            counts[member_id] += 1
            picked.append(Users.browse(member_id))
        return picked

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service_desk.crm_service_request_action")
        action["domain"] = [("queue_id", "=", self.id)]
        action["context"] = {"default_queue_id": self.id, "search_default_filter_open": 1}
        return action
