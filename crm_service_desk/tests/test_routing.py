from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ServiceCommon


@tagged("post_install", "-at_install")
class TestRouting(ServiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.categ_trucks = cls.env["product.category"].create({"name": "重卡"})
        cls.categ_tippers = cls.env["product.category"].create({"name": "自卸车", "parent_id": cls.categ_trucks.id})
        cls.tipper = cls.env["product.product"].create({"name": "自卸车 X5", "categ_id": cls.categ_tippers.id})
        cls.parts = cls.env["product.product"].create({"name": "滤清器"})
        # a value model of the test's own (a company has one active model at most; demo data may have one)
        ValueModel = cls.env["crm.value.model"]
        ValueModel.search([("company_id", "=", cls.company.id)]).active = False
        ValueModel.flush_model(["active"])
        model = ValueModel.create(
            {
                "name": "Value",
                "company_id": cls.company.id,
                "level_ids": [
                    Command.create({"name": "Key account", "code": "VIP", "sequence": 1, "min_score": 90}),
                    Command.create({"name": "Others", "code": "C", "sequence": 2, "min_score": 0}),
                ],
            }
        )
        cls.level_a = model.level_ids.filtered(lambda level: level.code == "VIP")
        cls.customer_b.with_company(cls.company).crm_value_level_id = cls.level_a
        Rule = cls.env["crm.service.routing.rule"]
        cls.rule_vip = Rule.create(
            {
                "name": "VIP",
                "sequence": 1,
                "value_level_ids": [Command.set(cls.level_a.ids)],
                "queue_id": cls.queue_ll.id,
            }
        )
        cls.rule_urgent_js = Rule.create(
            {
                "name": "Urgent in Jiangsu",
                "sequence": 2,
                "priority": "3",
                "state_ids": [Command.set(cls.jiangsu.ids)],
                "queue_id": cls.queue_rr.id,
                "user_id": cls.agent2.id,
            }
        )
        cls.rule_trucks = Rule.create(
            {
                "name": "Truck repairs",
                "sequence": 3,
                "request_type": "repair",
                "product_categ_id": cls.categ_trucks.id,
                "queue_id": cls.queue_rr.id,
            }
        )
        cls.rule_complaints = Rule.create(
            {"name": "Complaints", "sequence": 4, "request_type": "complaint", "queue_id": cls.queue_manual.id}
        )

    def test_rules_applied_in_sequence_on_batch_create(self):
        requests = (
            self.env["crm.service.request"]
            .with_user(self.agent1)
            .create(
                [
                    # customer B is a VIP: the first rule wins whatever the rest
                    {"name": "vip", "partner_id": self.contact_b.id, "request_type": "complaint"},
                    # urgent in Jiangsu: queue and a named agent
                    {"name": "urgent", "partner_id": self.customer_a.id, "priority": "3", "request_type": "inquiry"},
                    # a tipper is a truck (subcategory)
                    {"name": "truck", "partner_id": self.customer_a.id, "product_id": self.tipper.id},
                    # a part is not a truck, a complaint goes to the hotline
                    {"name": "parts", "partner_id": self.customer_a.id, "product_id": self.parts.id},
                    {"name": "complaint", "partner_id": self.customer_a.id, "request_type": "complaint"},
                    # an explicit queue is kept
                    {"name": "explicit", "partner_id": self.contact_b.id, "queue_id": self.queue_manual.id},
                ]
            )
        )
        by_name = {r.name: r for r in requests}
        self.assertEqual(by_name["vip"].queue_id, self.queue_ll)
        self.assertEqual(by_name["urgent"].queue_id, self.queue_rr)
        self.assertEqual(by_name["urgent"].user_id, self.agent2)
        self.assertEqual(by_name["urgent"].state, "assigned")
        self.assertEqual(by_name["truck"].queue_id, self.queue_rr)
        self.assertFalse(by_name["parts"].queue_id)
        self.assertEqual(by_name["parts"].state, "new")
        self.assertEqual(by_name["complaint"].queue_id, self.queue_manual)
        self.assertFalse(by_name["complaint"].user_id, "a manual queue leaves the request to be claimed")
        self.assertEqual(by_name["explicit"].queue_id, self.queue_manual)
        history = by_name["urgent"].assignment_ids
        self.assertEqual(history.mapped("method"), ["routing"])
        self.assertEqual(by_name["truck"].assignment_ids.method, "round_robin")
        self.assertTrue(all(r.reference for r in requests))
        self.assertEqual(len(set(requests.mapped("reference"))), len(requests))

    def test_archived_rule_ignored(self):
        self.rule_vip.active = False
        request = self._request(partner_id=self.contact_b.id, request_type="complaint")
        self.assertEqual(request.queue_id, self.queue_manual)

    def test_round_robin_keeps_pointer_across_batches(self):
        Request = self.env["crm.service.request"]
        first = Request.create(
            [{"name": f"rr{i}", "partner_id": self.customer_a.id, "queue_id": self.queue_rr.id} for i in range(3)]
        )
        self.assertEqual(first.mapped("user_id"), self.agent1 | self.agent2)
        self.assertEqual([r.user_id for r in first], [self.agent1, self.agent2, self.agent1])
        self.assertEqual(self.queue_rr.last_assigned_user_id, self.agent1)
        second = Request.create(
            [{"name": f"rr{i}", "partner_id": self.customer_a.id, "queue_id": self.queue_rr.id} for i in range(2)]
        )
        self.assertEqual([r.user_id for r in second], [self.agent2, self.agent1])
        # a member who leaves the queue is skipped, the pointer survives
        self.queue_rr.member_ids = [Command.unlink(self.agent2.id)]
        third = self._request(queue_id=self.queue_rr.id)
        self.assertEqual(third.user_id, self.agent1)

    def test_least_loaded_counts_open_requests(self):
        Request = self.env["crm.service.request"]
        Request.create(
            [{"name": f"load{i}", "partner_id": self.customer_a.id, "user_id": self.agent1.id} for i in range(3)]
            + [{"name": "load", "partner_id": self.customer_a.id, "user_id": self.agent2.id}]
        )
        closed = self._request(user_id=self.agent2.id)
        closed.action_close()  # closed requests do not count
        new = Request.create(
            [{"name": f"ll{i}", "partner_id": self.customer_a.id, "queue_id": self.queue_ll.id} for i in range(4)]
        )
        # agent2 has 1 open, agent1 has 3: agent2, agent2, then a tie (3-3) goes to the lower id, then agent2
        first_id = min(self.agent1.id, self.agent2.id)
        self.assertEqual(new[0].user_id, self.agent2)
        self.assertEqual(new[1].user_id, self.agent2)
        self.assertEqual(new[2].user_id.id, first_id)
        self.assertEqual(new[3].user_id, self.agent1 if first_id == self.agent2.id else self.agent2)
        self.assertEqual(set(new.assignment_ids.mapped("method")), {"least_loaded"})

    def test_least_loaded_one_query_for_the_batch(self):
        Request = self.env["crm.service.request"]
        vals = [{"name": f"q{i}", "partner_id": self.customer_a.id} for i in range(2)]
        picks = self.queue_ll._pick_assignees(1)  # warm up
        with self.assertQueryCount(1):
            picks = self.queue_ll._pick_assignees(50)
        self.assertEqual(len(picks), 50)
        self.assertTrue(Request.create(vals))


@tagged("post_install", "-at_install")
class TestClaimAndMove(ServiceCommon):
    def test_claim_by_member(self):
        request = self._request(queue_id=self.queue_manual.id)
        self.assertEqual(request.state, "new")
        self.assertTrue(request.with_user(self.agent2).can_claim)
        request.with_user(self.agent2).action_claim()
        self.assertEqual(request.user_id, self.agent2)
        self.assertEqual(request.state, "assigned")
        self.assertEqual(request.assignment_ids.sorted("id")[-1].method, "claim")
        self.assertEqual(request.assignment_ids.sorted("id")[-1].author_id, self.agent2)

    def test_claim_refused_to_non_member(self):
        request = self._request(queue_id=self.queue_senior.id)
        request.user_id = False
        with self.assertRaisesRegex(UserError, "not a member of queue Senior Engineers"):
            request.with_user(self.agent1).action_claim()
        self.assertFalse(request.user_id)
        # a manager may take any request
        request.with_user(self.manager).action_claim()
        self.assertEqual(request.user_id, self.manager)

    def test_claim_already_taken_by_a_faster_agent(self):
        request = self._request(queue_id=self.queue_manual.id)
        mine = request.with_user(self.agent1)
        self.assertFalse(mine.user_id)  # agent1's screen shows it unclaimed
        # meanwhile agent2 claimed it (committed by another transaction, not in agent1's cache)
        self.env.cr.execute("UPDATE crm_service_request SET user_id = %s WHERE id = %s", [self.agent2.id, request.id])
        with self.assertRaisesRegex(UserError, "already claimed by 王工"):
            mine.action_claim()
        request.invalidate_recordset()
        self.assertEqual(request.user_id, self.agent2)
        self.assertEqual(len(request.assignment_ids), 1, "no history for the refused claim")

    def test_move_to_another_queue_with_reason(self):
        request = self._request(queue_id=self.queue_manual.id)
        request.with_user(self.agent1).action_claim()
        deadline_before = request.resolution_deadline
        wizard = Form(
            self.env["crm.service.move.wizard"]
            .with_user(self.agent1)
            .with_context(active_model="crm.service.request", active_ids=request.ids)
        )
        wizard.queue_id = self.queue_rr
        wizard.reason = "Needs a workshop"
        wizard.save().action_move()
        self.assertEqual(request.queue_id, self.queue_rr)
        self.assertIn(request.user_id, self.queue_rr.member_ids)
        last = request.assignment_ids.sorted("id")[-1]
        self.assertEqual(
            (last.method, last.note, last.previous_queue_id), ("move", "Needs a workshop", self.queue_manual)
        )
        self.assertNotEqual(request.resolution_deadline, deadline_before, "the new queue's SLA applies")
        self.assertEqual(request.sla_id.queue_id, self.queue_rr)

    def test_move_refuses_closed_requests(self):
        request = self._request(queue_id=self.queue_manual.id)
        request.action_close()
        wizard = self.env["crm.service.move.wizard"].create(
            {"request_ids": [Command.set(request.ids)], "queue_id": self.queue_rr.id, "reason": "x"}
        )
        with self.assertRaisesRegex(UserError, "cannot move"):
            wizard.action_move()
        self.assertEqual(request.queue_id, self.queue_manual)

    def test_assignee_change_clears_and_sets_state(self):
        request = self._request(queue_id=self.queue_manual.id)
        request.user_id = self.agent1
        self.assertEqual(request.state, "assigned")
        request.user_id = False
        self.assertEqual(request.state, "new")
        self.assertEqual(
            request.assignment_ids.sorted("id").mapped("user_id"), self.agent1, "one row per change, latest empty"
        )
        self.assertEqual(len(request.assignment_ids), 3)
