from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from ..models import crm_service_request
from .common import ServiceCommon, cst

# mail.thread logs the tracking message of a reassigned request: the message, its tracking values
TRACKING_QUERIES = 3


@tagged("post_install", "-at_install")
class TestServiceSpeed(ServiceCommon):
    """Creation and the escalation job cost the same number of queries for 10 or 30 requests,
    and assignees are told once per batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["crm.service.routing.rule"]
        Rule.create(
            [
                {"name": "Urgent", "sequence": 1, "priority": "3", "queue_id": cls.queue_ll.id},
                {"name": "Repairs", "sequence": 2, "request_type": "repair", "queue_id": cls.queue_rr.id},
                {"name": "Rest", "sequence": 3, "queue_id": cls.queue_manual.id},
            ]
        )
        Level = cls.env["crm.service.escalation.level"]
        Level.create(
            [
                {
                    "name": "warn",
                    "sequence": 1,
                    "deadline": "response",
                    "offset_hours": -1,
                    "action": "notify_assignee",
                },
                {
                    "name": "reassign",
                    "sequence": 2,
                    "deadline": "resolution",
                    "action": "reassign",
                    "user_id": cls.senior.id,
                },
                {
                    "name": "manager",
                    "sequence": 3,
                    "deadline": "resolution",
                    "offset_hours": 1,
                    "action": "notify_manager",
                },
            ]
        )
        cls.env["crm.service.sla"].create(
            {"queue_id": cls.queue_rr.id, "priority": "0", "response_hours": 3, "resolution_hours": 12}
        )

    def _vals(self, count, tag):
        # round robin (priorities 0 and 1 with their own SLA), least loaded (urgent) and manual (inquiries)
        types_priorities = [("repair", "1"), ("repair", "0"), ("inquiry", "3"), ("inquiry", "1")]
        return [
            {
                "name": f"{tag}{i}",
                "partner_id": self.customer_a.id,
                "request_type": types_priorities[i % 4][0],
                "priority": types_priorities[i % 4][1],
            }
            for i in range(count)
        ]

    def _queries(self, function, *args):
        """The queries of ``function(*args)``, counted like assertQueryCount counts them."""
        with patch("random.random", lambda: 1):  # no random bus garbage collection
            self.env.flush_all()
            self.env.cr.flush()
            queries_before = self.cr.sql_log_count
            result = function(*args)
            self.env.flush_all()
            self.env.cr.flush()  # precommit hooks: the tracking messages
            return result, self.cr.sql_log_count - queries_before

    def _create(self, count, tag):
        requests = self.env["crm.service.request"].with_user(self.manager).create(self._vals(count, tag))
        self.env.flush_all()
        return requests

    def test_create_batch_constant_queries(self):
        with freeze_time(cst(2026, 11, 23, 9, 0)):
            self._create(10, "warm")
            self._create(10, "warm")
            small, queries = self._queries(self._create, 10, "small")
            with self.assertQueryCount(queries):
                large = self._create(30, "large")
        self.assertEqual(len(large), 30)
        # routing, assignment and SLA did happen for the whole batch
        for requests in (small, large):
            self.assertEqual(set(requests.mapped("queue_id")), {self.queue_rr, self.queue_ll, self.queue_manual})
            repairs = requests.filtered(lambda r: r.request_type == "repair")
            self.assertEqual(repairs.user_id, self.agent1 | self.agent2)
            self.assertTrue(all(r.state == "assigned" for r in repairs))
            self.assertEqual(set(repairs.assignment_ids.mapped("method")), {"round_robin"})
            normal = repairs.filtered(lambda r: r.priority == "1")
            low = repairs.filtered(lambda r: r.priority == "0")
            # Monday 9:00 Shanghai (8-12, 13-17): 2 working hours -> 11:00, 8 -> Tuesday 9:00;
            # 3 -> 12:00 (before lunch), 12 -> Tuesday 14:00
            self.assertEqual(set(normal.mapped("response_deadline")), {cst(2026, 11, 23, 11, 0)})
            self.assertEqual(set(normal.mapped("resolution_deadline")), {cst(2026, 11, 24, 9, 0)})
            self.assertEqual(set(low.mapped("response_deadline")), {cst(2026, 11, 23, 12, 0)})
            self.assertEqual(set(low.mapped("resolution_deadline")), {cst(2026, 11, 24, 14, 0)})
            self.assertTrue(all(r.user_id.partner_id in r.message_partner_ids for r in requests.filtered("user_id")))

    def test_deadlines_same_as_calendar_plan(self):
        """The cached intervals give plan_hours' deadlines, also across a leave and a weekend."""
        self.env["resource.calendar.leaves"].create(
            {
                "name": "国庆",
                "calendar_id": self.calendar.id,
                "date_from": cst(2026, 11, 24, 0, 0),
                "date_to": cst(2026, 11, 25, 23, 59),
            }
        )
        start = cst(2026, 11, 20, 16, 30)  # Friday afternoon
        with freeze_time(start):
            requests = self.env["crm.service.request"].create(
                [
                    {"name": f"p{p}", "partner_id": self.customer_a.id, "queue_id": self.queue_rr.id, "priority": p}
                    for p in ("0", "1", "3")
                ]
            )
        for request in requests:
            sla = request.sla_id
            self.assertEqual(
                request.response_deadline, self.calendar.plan_hours(sla.response_hours, start, compute_leaves=True)
            )
            self.assertEqual(
                request.resolution_deadline,
                self.calendar.plan_hours(sla.resolution_hours, start, compute_leaves=True),
            )
        # 12 working hours from Friday 16:30: 0.5 h Friday, 8 h Monday, the holiday, 3.5 h Thursday
        self.assertEqual(requests.filtered(lambda r: r.priority == "0").resolution_deadline, cst(2026, 11, 26, 11, 30))

    def test_assignees_notified_once_per_batch(self):
        Message = self.env["mail.message"]
        messages_before = Message.search([]).ids
        vals = [{"name": f"rr{i}", "partner_id": self.customer_a.id, "queue_id": self.queue_rr.id} for i in range(3)]
        requests = self.env["crm.service.request"].with_user(self.manager).create(vals)
        agent1_requests = requests.filtered(lambda r: r.user_id == self.agent1)
        self.assertEqual(len(agent1_requests), 2)
        notices = Message.search([("id", "not in", messages_before), ("message_type", "=", "user_notification")])
        to_agent1 = notices.filtered(lambda m: self.agent1.partner_id in m.partner_ids)
        to_agent2 = notices.filtered(lambda m: self.agent2.partner_id in m.partner_ids)
        self.assertEqual(len(to_agent1), 1, "one notice for both requests")
        self.assertEqual(to_agent1.subject, "You have been assigned 2 service requests")
        for request in agent1_requests:
            self.assertIn(request.reference, to_agent1.body)
        self.assertEqual(len(to_agent2), 1)
        self.assertEqual(to_agent2.subject, f"You have been assigned to {(requests - agent1_requests).display_name}")
        self.assertEqual(len(notices), 2)
        # a single request still gets the usual notice; nobody is told of their own assignment
        messages_before = Message.search([]).ids
        single = self._request(queue_id=self.queue_manual.id, user_id=self.agent2.id)
        own = (
            self.env["crm.service.request"]
            .with_user(self.agent1)
            .create({"name": "own", "partner_id": self.customer_a.id, "user_id": self.agent1.id})
        )
        notices = Message.search([("id", "not in", messages_before), ("message_type", "=", "user_notification")])
        self.assertEqual(notices.subject, f"You have been assigned to {single.display_name}")
        self.assertEqual(notices.partner_ids, self.agent2.partner_id)
        self.assertIn(self.agent1.partner_id, own.message_partner_ids)
        # a mass reassignment: one notice too, naming the first requests of a big batch
        messages_before = Message.search([]).ids
        with patch.object(crm_service_request, "NOTICE_LINES", 2):
            requests.write({"user_id": self.senior.id})
        notices = Message.search([("id", "not in", messages_before), ("message_type", "=", "user_notification")])
        self.assertEqual(notices.subject, "You have been assigned 3 service requests")
        self.assertIn(requests[1].reference, notices.body)
        self.assertNotIn(requests[2].reference, notices.body)
        self.assertIn("... and 1 more", notices.body)
        self.assertEqual(notices.partner_ids, self.senior.partner_id)
        self.assertTrue(all(self.senior.partner_id in r.message_partner_ids for r in requests))

    def _escalation_round(self, count, day, measure=False, expected=None):
        """``count`` requests of agent1 created on Monday ``day`` at 9:00 in the round robin queue,
        the job run on Tuesday 10:30 (response, resolution and resolution + 1 h all passed);
        returns the requests and the job's queries when ``measure``."""
        with freeze_time(cst(2026, 11, day, 9, 0)):
            requests = self.env["crm.service.request"].create(
                [
                    {
                        "name": f"e{day}-{i}",
                        "partner_id": self.customer_a.id,
                        "queue_id": self.queue_rr.id,
                        "user_id": self.agent1.id,
                    }
                    for i in range(count)
                ]
            )
            self.env.flush_all()
        self.env.invalidate_all()
        queries = None
        with freeze_time(cst(2026, 11, day + 1, 10, 30)):
            if expected is not None:
                with self.assertQueryCount(expected):
                    self.env["crm.service.request"]._cron_escalate()
            elif measure:
                _result, queries = self._queries(self.env["crm.service.request"]._cron_escalate)
            else:
                self.env["crm.service.request"]._cron_escalate()
        self.env.invalidate_all()
        return requests, queries

    def _check_escalated(self, requests, levels):
        self.assertEqual(len(requests.escalation_log_ids), len(levels) * len(requests))
        self.assertEqual(set(requests.escalation_log_ids.level_id.mapped("name")), set(levels))
        self.assertTrue(all(requests.mapped("resolution_breached")))
        self.assertEqual(len(requests.activity_ids.filtered(lambda a: a.user_id == self.manager)), len(requests))
        self.assertTrue(all(self.manager.partner_id in r.message_partner_ids for r in requests))
        for request in requests:
            notes = request.message_ids.filtered(lambda m: "Escalation" in (m.body or ""))
            self.assertEqual(len(notes), len(levels))
        requests.action_cancel()

    def test_escalation_job_constant_queries(self):
        """Warning and manager levels: the same queries for 10 or 30 escalated requests."""
        self.env["crm.service.escalation.level"].search([("name", "=", "reassign")]).active = False
        for day in (2, 9):  # warm up
            requests, _queries = self._escalation_round(10, day)
            self._check_escalated(requests, ["warn", "manager"])
        requests, queries = self._escalation_round(10, 16, measure=True)
        self._check_escalated(requests, ["warn", "manager"])
        requests, _queries = self._escalation_round(30, 23, expected=queries)
        self._check_escalated(requests, ["warn", "manager"])
        self.assertEqual(len(requests.activity_ids.filtered(lambda a: a.user_id == self.agent1)), 30)

    def test_escalation_job_reassign(self):
        """A reassigning level: one notice to the new assignee for the batch; what grows with the
        number of requests is only the host's tracking message of each reassigned request."""
        for day in (2, 9):  # warm up
            requests, _queries = self._escalation_round(10, day)
        requests, small = self._escalation_round(10, 16, measure=True)
        self._check_escalated(requests, ["warn", "reassign", "manager"])
        requests, large = self._escalation_round(30, 23, measure=True)
        self._check_escalated(requests, ["warn", "reassign", "manager"])
        self.assertEqual(requests.user_id, self.senior)
        self.assertEqual(
            set(requests.assignment_ids.filtered(lambda a: a.user_id == self.senior).mapped("method")), {"escalation"}
        )
        self.env.cr.flush()
        tracking = self.env["mail.tracking.value"].search(
            [("mail_message_id.res_id", "in", requests.ids), ("field_id.name", "=", "user_id")]
        )
        self.assertEqual(len(tracking), 30, "each reassignment is tracked in its request's chatter")
        notices = self.env["mail.message"].search(
            [("message_type", "=", "user_notification"), ("partner_ids", "in", self.senior.partner_id.ids)]
        )
        self.assertIn("You have been assigned 30 service requests", notices.mapped("subject"))
        self.assertLessEqual(large - small, 20 * TRACKING_QUERIES)
