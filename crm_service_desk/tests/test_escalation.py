from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ServiceCommon, cst


@tagged("post_install", "-at_install")
class TestEscalation(ServiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Level = cls.env["crm.service.escalation.level"]
        cls.level_warn = Level.create(
            {
                "name": "L1 warn",
                "sequence": 1,
                "deadline": "response",
                "offset_hours": -1,
                "action": "notify_assignee",
                "note": "请尽快响应",
            }
        )
        cls.level_reassign = Level.create(
            {
                "name": "L2 senior",
                "sequence": 2,
                "queue_id": cls.queue_rr.id,
                "deadline": "resolution",
                "offset_hours": 0,
                "action": "reassign",
            }
        )
        cls.level_manager = Level.create(
            {
                "name": "L3 manager",
                "sequence": 3,
                "deadline": "resolution",
                "offset_hours": 2,
                "action": "notify_manager",
            }
        )

    def _cron(self):
        self.env["crm.service.request"]._cron_escalate()
        self.env.invalidate_all()

    def _activities(self, request, user):
        return request.activity_ids.filtered(lambda a: a.user_id == user)

    def test_levels_over_working_hours_each_once(self):
        # Friday 15:00: response due Friday 17:00, resolution due Monday 15:00
        with freeze_time(cst(2026, 11, 20, 15, 0)):
            request = self._request(queue_id=self.queue_rr.id)
        assignee = request.user_id
        with freeze_time(cst(2026, 11, 20, 15, 30)):
            self._cron()
        self.assertFalse(request.escalation_log_ids, "the warning is one hour before the deadline")
        with freeze_time(cst(2026, 11, 20, 16, 5)):
            self._cron()
            self._cron()
        self.assertEqual(request.escalation_log_ids.level_id, self.level_warn)
        self.assertEqual(len(self._activities(request, assignee)), 1, "applied once, not twice")
        self.assertIn("请尽快响应", request.message_ids[0].body)
        with freeze_time(cst(2026, 11, 20, 18, 0)):
            request.action_start()  # answered late
            self._cron()
        self.assertTrue(request.response_breached)
        # the weekend does not count: nothing happens until Monday 15:00
        for day, hour in ((21, 12), (22, 23), (23, 14)):
            with freeze_time(cst(2026, 11, day, hour, 0)):
                self._cron()
        self.assertEqual(request.escalation_log_ids.level_id, self.level_warn)
        self.assertFalse(request.resolution_breached)
        with freeze_time(cst(2026, 11, 23, 15, 1)):
            self._cron()
        self.assertTrue(request.resolution_breached)
        self.assertEqual(request.queue_id, self.queue_senior)
        self.assertEqual(request.user_id, self.senior)
        last = request.assignment_ids.sorted("id")[-1]
        self.assertEqual((last.method, last.previous_user_id, last.note), ("escalation", assignee, "L2 senior"))
        self.assertEqual(len(self._activities(request, self.senior)), 1)
        with freeze_time(cst(2026, 11, 23, 17, 5)):
            self._cron()
            self._cron()
        self.assertEqual(
            request.escalation_log_ids.level_id, self.level_warn | self.level_reassign | self.level_manager
        )
        self.assertEqual(len(self._activities(request, self.manager)), 1)

    def test_waiting_and_closed_requests_are_not_escalated(self):
        with freeze_time(cst(2026, 11, 23, 9, 0)):
            waiting = self._request(queue_id=self.queue_rr.id)
            closed = self._request(queue_id=self.queue_rr.id)
            waiting.action_start()
            waiting.action_wait_customer()
            closed.action_close()
        with freeze_time(cst(2026, 11, 30, 9, 0)):
            self._cron()
        self.assertFalse((waiting | closed).escalation_log_ids)
        self.assertFalse(waiting.resolution_breached)

    def test_reassign_to_named_user(self):
        self.level_reassign.user_id = self.manager
        with freeze_time(cst(2026, 11, 23, 9, 0)):
            request = self._request(queue_id=self.queue_rr.id)
        with freeze_time(cst(2026, 11, 24, 9, 30)):
            self._cron()
        self.assertEqual(request.user_id, self.manager)
        self.assertEqual(request.queue_id, self.queue_rr)

    def test_levels_of_other_companies_and_queues_do_not_apply(self):
        self.level_warn.company_id = self.company2
        with freeze_time(cst(2026, 11, 23, 9, 0)):
            request = self._request(queue_id=self.queue_manual.id)
        with freeze_time(cst(2026, 11, 30, 9, 0)):
            self._cron()
        # only the company-wide manager level applies (L2 is for the repair queue)
        self.assertEqual(request.escalation_log_ids.level_id, self.level_manager)

    def test_job_is_set_based(self):
        """The same number of queries for 3 or 30 due requests."""

        def run(count, day):
            with freeze_time(cst(2026, 11, day, 9, 0)):
                self.env["crm.service.request"].create(
                    [
                        {
                            "name": f"r{i}",
                            "partner_id": self.customer_a.id,
                            "queue_id": self.queue_manual.id,
                            "user_id": self.agent1.id,
                        }
                        for i in range(count)
                    ]
                )
                # the precommit hooks too (the tracking of the previous round's cancellation):
                # the job's savepoints would run them inside the measure
                self.env.cr.flush()
            with freeze_time(cst(2026, 11, day, 13, 30)):  # response (4 h) warning due, resolution not
                self.env.invalidate_all()
                queries_before = self.cr.sql_log_count
                self.env["crm.service.request"]._cron_escalate()
                self.env.cr.flush()
                queries = self.cr.sql_log_count - queries_before
            requests = self.env["crm.service.request"].search([("name", "=like", "r%"), ("state", "=", "assigned")])
            self.assertEqual(len(requests.escalation_log_ids), count)
            requests.action_cancel()
            return queries

        run(2, 2)  # warm up
        small = run(3, 9)
        large = run(30, 16)
        self.assertEqual(small, large)

    def test_one_failing_request_does_not_stop_the_job(self):
        """A request whose escalation fails is rolled back alone and logged; the others are
        escalated, and the failing one is tried again by the next run."""
        with freeze_time(cst(2026, 11, 23, 9, 0)):
            requests = self.env["crm.service.request"].create(
                [
                    {"name": f"r{i}", "partner_id": self.customer_a.id, "queue_id": self.queue_manual.id}
                    for i in range(3)
                ]
            )
        bad = requests[1]
        Request = type(self.env["crm.service.request"])
        apply_escalation = Request._apply_escalation

        def fail_on_bad(records, level, now):
            if bad in records:
                bad.message_post(body="half done")  # rolled back with the rest
                raise OSError("the mail server is down")
            return apply_escalation(records, level, now)

        with freeze_time(cst(2026, 11, 30, 9, 0)):
            with (
                patch.object(Request, "_apply_escalation", fail_on_bad),
                self.assertLogs("odoo.addons.crm_service_desk.models.crm_service_request", "WARNING"),
                self.assertLogs("odoo.addons.crm_core_ext.tools.cron", "ERROR") as logs,
            ):
                self._cron()
            self.assertIn(f"{bad} failed", logs.output[0])
            ok = requests - bad
            self.assertEqual(ok.escalation_log_ids.level_id, self.level_warn | self.level_manager)
            self.assertEqual(len(ok[0].escalation_log_ids), 2)
            self.assertFalse(bad.escalation_log_ids)
            self.assertFalse(bad.message_ids.filtered(lambda m: "half done" in (m.body or "")))
            self.assertTrue(bad.resolution_breached, "the set-based breach flags are kept")
            # the next run escalates it
            self._cron()
        self.assertEqual(bad.escalation_log_ids.level_id, self.level_warn | self.level_manager)

    def test_reassign_level_needs_a_target(self):
        with self.assertRaisesRegex(ValidationError, "neither names an agent"):
            self.env["crm.service.escalation.level"].create(
                {"name": "bad", "queue_id": self.queue_ll.id, "action": "reassign", "deadline": "resolution"}
            )
