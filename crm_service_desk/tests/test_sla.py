from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ServiceCommon, cst

SLA_FIELDS = [
    "first_response_date",
    "pause_start",
    "paused_hours",
    "resolution_breached",
    "resolution_deadline",
    "resolved_date",
    "response_breached",
    "response_deadline",
    "sla_id",
    "sla_start_date",
]


@tagged("post_install", "-at_install")
class TestSla(ServiceCommon):
    def test_deadlines_in_working_hours_skip_the_weekend(self):
        # Friday 2026-11-20 15:00 in Shanghai; targets 2 h / 8 h on Mon-Fri 8-12, 13-17
        with freeze_time(cst(2026, 11, 20, 15, 0)):
            request = self._request(queue_id=self.queue_rr.id)
        self.assertEqual(request.response_deadline, cst(2026, 11, 20, 17, 0))
        # 2 h on Friday, nothing on Saturday and Sunday, 4 h + 2 h on Monday
        self.assertEqual(request.resolution_deadline, cst(2026, 11, 23, 15, 0))
        self.assertEqual(request.sla_id.priority, "1")

    def test_request_outside_working_hours_starts_next_morning(self):
        with freeze_time(cst(2026, 11, 21, 10, 0)):  # Saturday
            request = self._request(queue_id=self.queue_rr.id)
        self.assertEqual(request.response_deadline, cst(2026, 11, 23, 10, 0))

    def test_priority_and_queue_changes_recompute_deadlines(self):
        with freeze_time(cst(2026, 11, 23, 9, 0)):
            request = self._request(queue_id=self.queue_rr.id)
            self.assertEqual(request.resolution_deadline, cst(2026, 11, 24, 9, 0))
            request.priority = "3"
            self.assertEqual(request.response_deadline, cst(2026, 11, 23, 10, 0))
            self.assertEqual(request.resolution_deadline, cst(2026, 11, 23, 14, 0))
            request.priority = "2"  # no SLA for High in this queue
            self.assertFalse(request.sla_id)
            self.assertFalse(request.resolution_deadline)

    def test_waiting_on_customer_pauses_the_clock(self):
        with freeze_time(cst(2026, 11, 23, 9, 0)):  # Monday
            request = self._request(queue_id=self.queue_rr.id)
        self.assertEqual(request.resolution_deadline, cst(2026, 11, 24, 9, 0))
        with freeze_time(cst(2026, 11, 23, 10, 0)):
            request.with_user(request.user_id).action_start()
            request.with_user(request.user_id).action_wait_customer()
        self.assertEqual(request.state, "waiting")
        self.assertEqual(request.pause_start, cst(2026, 11, 23, 10, 0))
        with freeze_time(cst(2026, 11, 23, 14, 0)):
            # the customer answers: 10-12 and 13-14 are 3 working hours of pause
            request.with_user(self.portal_a).sudo().message_post(
                body="照片已上传", message_type="comment", subtype_xmlid="mail.mt_comment", author_id=self.contact_a.id
            )
        self.assertEqual(request.state, "in_progress")
        self.assertAlmostEqual(request.paused_hours, 3.0, places=4)
        self.assertFalse(request.pause_start)
        self.assertEqual(request.resolution_deadline, cst(2026, 11, 24, 12, 0))
        self.assertEqual(request.response_deadline, cst(2026, 11, 23, 11, 0), "already answered: unchanged")

    def test_pause_over_a_weekend_counts_only_working_hours(self):
        with freeze_time(cst(2026, 11, 20, 16, 0)):  # Friday
            request = self._request(queue_id=self.queue_rr.id)
            request.action_start()
            request.action_wait_customer()
        with freeze_time(cst(2026, 11, 23, 9, 0)):  # Monday
            request.action_start()
        self.assertAlmostEqual(request.paused_hours, 2.0, places=4)  # Friday 16-17, Monday 8-9

    def test_response_and_resolution_stamped_with_breach(self):
        with freeze_time(cst(2026, 11, 23, 9, 0)):
            on_time = self._request(queue_id=self.queue_rr.id)
            late = self._request(queue_id=self.queue_rr.id)
        with freeze_time(cst(2026, 11, 23, 10, 0)):
            on_time.action_start()
        with freeze_time(cst(2026, 11, 23, 12, 30)):  # lunch break: still after 11:00
            late.action_start()
        self.assertFalse(on_time.response_breached)
        self.assertTrue(late.response_breached)
        self.assertEqual(late.first_response_date, cst(2026, 11, 23, 12, 30))
        with freeze_time(cst(2026, 11, 24, 10, 0)):
            (on_time | late).action_resolve()
        self.assertTrue(on_time.resolution_breached)
        self.assertEqual(on_time.resolved_date, cst(2026, 11, 24, 10, 0))

    def test_public_reply_of_an_agent_is_the_first_response(self):
        with freeze_time(cst(2026, 11, 23, 9, 0)):
            request = self._request(queue_id=self.queue_rr.id)
        with freeze_time(cst(2026, 11, 23, 9, 30)):
            request.with_user(self.agent1).message_post(body="内部备注", subtype_xmlid="mail.mt_note")
            self.assertFalse(request.first_response_date, "an internal note is no answer")
            request.with_user(self.agent1).message_post(
                body="我们已收到", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(request.first_response_date, cst(2026, 11, 23, 9, 30))
        self.assertFalse(request.response_breached)

    def test_sla_report_attainment(self):
        with freeze_time(cst(2026, 11, 23, 9, 0)):
            on_time = self._request(queue_id=self.queue_rr.id)
            late = self._request(queue_id=self.queue_rr.id)
            on_time.action_start()
        with freeze_time(cst(2026, 11, 23, 15, 0)):
            late.action_start()
            (on_time | late).action_resolve()
        self.env.flush_all()
        Report = self.env["crm.service.sla.report"].with_user(self.manager)
        data = Report._read_group(
            [("request_id", "in", (on_time | late).ids)],
            ["queue_id"],
            ["response_attained:avg", "resolution_attained:avg", "request_count:sum"],
        )
        self.assertEqual(data, [(self.queue_rr, 50.0, 100.0, 2)])

    def test_sla_targets_validated(self):
        with self.assertRaisesRegex(ValidationError, "cannot be shorter"):
            self.env["crm.service.sla"].create(
                {"queue_id": self.queue_ll.id, "priority": "1", "response_hours": 8, "resolution_hours": 2}
            )
        with self.assertRaisesRegex(ValidationError, "already has an SLA"):
            self.env["crm.service.sla"].create(
                {"queue_id": self.queue_rr.id, "priority": "1", "response_hours": 1, "resolution_hours": 2}
            )


@tagged("post_install", "-at_install")
class TestSlaFieldsProtected(ServiceCommon):
    """Deadlines, breach flags, milestones and pause data come from the SLA machinery: an agent
    cannot write them over RPC, a manager may only move a deadline or clear a breach flag."""

    def _late_request(self):
        with freeze_time(cst(2026, 11, 23, 9, 0)):
            request = self._request(queue_id=self.queue_rr.id)
        with freeze_time(cst(2026, 11, 24, 10, 0)):
            self.env["crm.service.request"]._cron_escalate()
        self.assertTrue(request.resolution_breached and request.response_breached)
        return request

    def test_agent_cannot_write_sla_fields(self):
        request = self._late_request()
        before = request.read(SLA_FIELDS)[0]
        mine = request.with_user(request.user_id)
        for vals in (
            {"resolution_deadline": cst(2026, 12, 31, 9, 0)},
            {"response_breached": False, "resolution_breached": False},
            {"paused_hours": 40.0},
            {"pause_start": cst(2026, 11, 23, 9, 0)},
            {"first_response_date": cst(2026, 11, 23, 9, 5)},
            {"sla_id": False},
            {"name": "renamed", "resolved_date": cst(2026, 11, 23, 10, 0)},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                mine.write(vals)
        request.invalidate_recordset()
        self.assertEqual(request.read(SLA_FIELDS)[0], before, "nothing was written")
        self.assertEqual(request.name, "发动机无法启动")
        # nor when creating a request
        with self.assertRaises(AccessError) as caught:
            self._request(user=self.agent1, queue_id=self.queue_ll.id, resolution_deadline=cst(2026, 12, 31, 9, 0))
        self.assertIn("Only a service desk manager", str(caught.exception))

    def test_manager_may_move_a_deadline_or_waive_a_breach(self):
        request = self._late_request()
        managed = request.with_user(self.manager)
        managed.write({"resolution_deadline": cst(2026, 11, 25, 9, 0), "resolution_breached": False})
        self.assertEqual(request.resolution_deadline, cst(2026, 11, 25, 9, 0))
        self.assertFalse(request.resolution_breached)
        with self.assertRaises(AccessError) as caught:
            managed.write({"paused_hours": 8.0})
        self.assertIn("cannot be changed by hand", str(caught.exception))
        self.assertEqual(request.paused_hours, 0.0)

    def test_client_context_does_not_skip_the_sla_machinery(self):
        """Context keys that a client can send change nothing of the SLA bookkeeping."""
        with freeze_time(cst(2026, 11, 23, 9, 0)):
            request = self._request(queue_id=self.queue_rr.id)
            agent = request.user_id
        mine = request.with_user(agent)
        with freeze_time(cst(2026, 11, 23, 9, 30)):
            # raising the priority brings the urgent targets, whatever the context says
            mine.with_context(crm_service_keep_sla=True, crm_service_assign_method="escalation").write(
                {"priority": "3"}
            )
        self.assertEqual(request.resolution_deadline, cst(2026, 11, 23, 14, 0))
        with freeze_time(cst(2026, 11, 24, 10, 0)):
            # closing late stamps the dates and the breach, even with the old "plain write" key
            mine.with_context(crm_service_plain_write=True).write({"state": "closed"})
        self.assertEqual(request.closed_date, cst(2026, 11, 24, 10, 0))
        self.assertEqual(request.resolved_date, cst(2026, 11, 24, 10, 0))
        self.assertTrue(request.resolution_breached)
        self.assertTrue(request.rating_ids, "the satisfaction survey was sent")
        # a client cannot label its own change in the assignment history
        mine.with_context(crm_service_assign_method="escalation", crm_service_assign_note="forged").write(
            {"user_id": self.agent1.id if agent == self.agent2 else self.agent2.id}
        )
        last = request.assignment_ids.sorted("id")[-1]
        self.assertEqual((last.method, last.note), ("manual", False))
