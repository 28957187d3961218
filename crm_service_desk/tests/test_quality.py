from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.crm_service_request_quality import text_terms
from .common import ServiceCommon


class QualityCommon(ServiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.categ_truck = Category.create({"name": "重型卡车"})
        cls.categ_engine_truck = Category.create({"name": "牵引车", "parent_id": cls.categ_truck.id})
        cls.categ_other = Category.create({"name": "配件"})
        Product = cls.env["product.product"]
        cls.truck = Product.create({"name": "X3000 牵引车", "categ_id": cls.categ_engine_truck.id, "type": "consu"})
        cls.truck_b = Product.create({"name": "M3000 载货车", "categ_id": cls.categ_engine_truck.id, "type": "consu"})
        cls.filter = Product.create({"name": "机油滤清器", "categ_id": cls.categ_other.id, "type": "consu"})
        cls.department = cls.env["crm.service.department"].create({"name": "生产部", "manager_id": cls.manager.id})
        cls.tomorrow = fields.Date.context_today(cls.env["crm.service.capa.action"]) + timedelta(days=1)

    def _complaint(self, **values):
        vals = {
            "name": "驾驶室异响，投诉质量问题",
            "request_type": "complaint",
            "queue_id": self.queue_manual.id,
            "user_id": self.agent1.id,
            "product_id": self.truck.id,
            "complaint_department_id": self.department.id,
            "complaint_category": "product_quality",
            "complaint_severity": "major",
        }
        vals.update(values)
        return self._request(user=self.agent1, **vals)

    def _capa(self, request, user=None, **values):
        vals = {
            "request_id": request.id,
            "description": "更换驾驶室悬置",
            "user_id": self.agent1.id,
            "date_deadline": self.tomorrow,
        }
        vals.update(values)
        env = self.env(user=user or self.agent1)
        return env["crm.service.capa.action"].create(vals)


@tagged("post_install", "-at_install")
class TestComplaint(QualityCommon):
    def test_close_blocked_without_root_cause(self):
        complaint = self._complaint().with_user(self.agent1)
        complaint.action_start()
        with self.assertRaisesRegex(UserError, "without a root cause"):
            complaint.action_resolve()
        with self.assertRaisesRegex(UserError, "without a root cause"):
            complaint.action_close()
        with self.assertRaisesRegex(UserError, "without a root cause"):
            complaint.write({"state": "closed", "root_cause": "   "})
        self.assertEqual(complaint.state, "in_progress")
        self.assertFalse(complaint.resolved_date, "nothing of the refused resolution was written")
        # a root cause given with the state in one write is enough
        complaint.write({"state": "resolved", "root_cause": "悬置螺栓扭矩不足"})
        self.assertEqual(complaint.state, "resolved")
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")
        with self.assertRaisesRegex(UserError, "without a root cause"):
            complaint.root_cause = False

    def test_other_types_close_without_root_cause(self):
        repair = self._request(user=self.agent1, name="发动机无法启动", user_id=self.agent1.id).with_user(self.agent1)
        repair.action_start()
        repair.action_resolve()
        repair.action_close()
        self.assertEqual(repair.state, "closed")
        with self.assertRaisesRegex(UserError, "without a root cause"):
            repair.request_type = "complaint"

    def test_close_blocked_with_open_actions(self):
        complaint = self._complaint(root_cause="悬置螺栓扭矩不足").with_user(self.agent1)
        complaint.action_start()
        corrective = self._capa(complaint)
        preventive = self._capa(complaint, action_type="preventive", description="装配线增加扭矩复检")
        self.assertEqual(complaint.capa_open_count, 2)
        with self.assertRaisesRegex(UserError, "still has 2 open corrective or preventive"):
            complaint.action_resolve()
        corrective.with_user(self.agent1).action_done()
        self.assertEqual(corrective.done_date, fields.Date.context_today(corrective))
        with self.assertRaisesRegex(UserError, "still has 1 open"):
            complaint.action_close()
        self.assertEqual(complaint.state, "in_progress")
        preventive.with_user(self.agent1).action_cancel()
        complaint.action_resolve()
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")

    def test_capa_activity_for_owner(self):
        complaint = self._complaint()
        action = self._capa(complaint, user_id=self.agent2.id)
        activity = action.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.agent2)
        self.assertEqual(activity.date_deadline, self.tomorrow)
        self.assertIn(complaint.reference, activity.summary)
        # a new owner gets the activity instead
        action.with_user(self.agent1).user_id = self.agent1
        self.assertEqual(action.activity_ids.user_id, self.agent1)
        action.with_user(self.agent1).action_done()
        self.assertFalse(action.activity_ids, "the activity is done with the action")

    def test_capa_bad_input(self):
        complaint = self._complaint()
        Capa = self.env["crm.service.capa.action"].with_user(self.agent1)
        good = {"request_id": complaint.id, "description": "复检", "date_deadline": self.tomorrow}
        with self.assertRaisesRegex(UserError, "an owner"):
            Capa.create([dict(good, user_id=self.agent1.id), dict(good, user_id=False)])
        with self.assertRaisesRegex(UserError, "is in the past"):
            Capa.create(dict(good, user_id=self.agent1.id, date_deadline=self.tomorrow - timedelta(days=2)))
        with self.assertRaises(ValidationError) as caught:
            Capa.create(dict(good, user_id=self.portal_a.id))
        self.assertIn("must be an internal user", str(caught.exception))
        repair = self._request(user=self.agent1, name="发动机无法启动")
        with self.assertRaises(ValidationError) as caught:
            Capa.create(dict(good, request_id=repair.id, user_id=self.agent1.id))
        self.assertIn("is not a complaint", str(caught.exception))
        self.assertFalse(complaint.capa_action_ids, "no action of a refused batch was written")
        action = Capa.create(dict(good, user_id=self.agent1.id))
        with self.assertRaisesRegex(UserError, "cannot lose its owner"):
            action.user_id = False
        self.assertEqual(action.user_id, self.agent1)

    def test_overdue_cron_is_set_based(self):
        complaint = self._complaint()
        other = self._complaint(name="车门密封不严")
        Capa = self.env["crm.service.capa.action"]

        def make_actions(count, request):
            with freeze_time(fields.Date.today() - timedelta(days=10)):
                deadline = fields.Date.today() + timedelta(days=3)
                return self._capa(request, date_deadline=deadline) | Capa.browse(
                    [self._capa(request, date_deadline=deadline, description=f"措施{i}").id for i in range(count - 1)]
                )

        late = make_actions(2, complaint)
        done = make_actions(1, complaint)
        done.with_user(self.agent1).action_done()
        future = self._capa(complaint)
        self.assertFalse(late.filtered("is_overdue"))
        self.env.flush_all()
        count_before = self.env.cr.sql_log_count
        self.assertEqual(Capa._cron_flag_overdue(), 2)
        queries_small = self.env.cr.sql_log_count - count_before
        self.assertEqual(late.mapped("is_overdue"), [True, True])
        self.assertFalse(done.is_overdue)
        self.assertFalse(future.is_overdue)
        warning = complaint.message_ids.filtered(lambda m: "past their deadline" in (m.body or ""))
        self.assertEqual(len(warning), 1, "one warning per complaint")
        self.assertIn("措施0", warning.body)
        # second run: nothing new to flag, no new warning
        self.assertEqual(Capa._cron_flag_overdue(), 0)
        self.assertEqual(len(complaint.message_ids.filtered(lambda m: "past their deadline" in (m.body or ""))), 1)
        # list filter and the flag going away
        overdue = Capa.with_user(self.agent1).search([("is_overdue", "=", True)])
        self.assertEqual(overdue, late)
        late[0].with_user(self.agent1).action_done()
        self.assertFalse(late[0].is_overdue)
        late[1].with_user(self.agent1).date_deadline = self.tomorrow
        self.assertFalse(late[1].is_overdue)
        # ten times more late actions on two complaints: the same number of queries
        make_actions(10, complaint)
        make_actions(10, other)
        self.env.flush_all()
        count_before = self.env.cr.sql_log_count
        self.assertEqual(Capa._cron_flag_overdue(), 20)
        self.assertLessEqual(self.env.cr.sql_log_count - count_before, queries_small + 4)


@tagged("post_install", "-at_install")
class TestDefectKnowledgeBase(QualityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Defect = cls.env["crm.service.defect"]
        cls.defect_start = Defect.create(
            {
                "name": "冷车启动困难",
                "product_id": cls.truck.id,
                "symptom": "冬季早上发动机无法启动，打不着火",
                "cause": "燃油滤清器结蜡",
                "solution": "<p>更换冬季柴油，加热燃油滤清器</p>",
                "keywords": "启动困难, 打不着火",
            }
        )
        cls.defect_hydraulic = Defect.create(
            {
                "name": "液压油泄漏",
                "product_id": cls.truck.id,
                "symptom": "举升油缸渗油，液压油位下降",
                "solution": "<p>更换油缸密封圈</p>",
            }
        )
        cls.defect_other_product = Defect.create(
            {
                "name": "发动机无法启动",
                "product_id": cls.filter.id,
                "symptom": "发动机无法启动",
                "solution": "<p>检查滤清器</p>",
            }
        )
        cls.defect_category = Defect.create(
            {
                "name": "仪表盘报警",
                "categ_id": cls.categ_truck.id,
                "symptom": "仪表盘故障灯常亮，发动机报警",
                "solution": "<p>读取故障码</p>",
            }
        )
        cls.defect_company2 = Defect.with_company(cls.company2).create(
            {
                "name": "启动困难",
                "product_id": cls.truck.id,
                "symptom": "发动机无法启动，打不着火",
                "solution": "<p>二公司方案</p>",
                "company_id": cls.company2.id,
            }
        )

    def test_suggestions_match_chinese_symptoms(self):
        request = self._request(
            user=self.agent1,
            name="发动机无法启动",
            product_id=self.truck.id,
            description="<p>客户反映今天早上车辆打不着火</p>",
        ).with_user(self.agent1)
        suggestions = request.defect_suggestion_ids
        self.assertEqual(suggestions[:1], self.defect_start, "the cold start entry comes first")
        self.assertNotIn(self.defect_hydraulic, suggestions, "an unrelated symptom of the same product")
        self.assertNotIn(self.defect_other_product, suggestions, "the same words but another product")
        self.assertNotIn(self.defect_company2, suggestions, "another company's entry")
        # a category entry of a parent category matches too
        request.write({"name": "仪表盘故障灯亮", "description": False})
        self.assertEqual(request.defect_suggestion_ids, self.defect_category)
        request.product_id = False
        self.assertFalse(request.defect_suggestion_ids)

    def test_suggestions_top_five(self):
        self.env["crm.service.defect"].create(
            [
                {
                    "name": f"启动故障{i}",
                    "product_id": self.truck.id,
                    "symptom": f"发动机无法启动 情况{i}",
                    "solution": "<p>检查</p>",
                }
                for i in range(7)
            ]
        )
        request = self._request(user=self.agent1, name="发动机无法启动", product_id=self.truck.id)
        self.assertEqual(len(request.with_user(self.agent1).defect_suggestion_ids), 5)

    def test_suggestions_constant_queries(self):
        Request = self.env["crm.service.request"].with_user(self.agent1)
        requests = Request.browse(
            [
                self._request(user=self.agent1, name=f"发动机无法启动{i}", product_id=product.id).id
                for i, product in enumerate([self.truck, self.truck_b] * 5)
            ]
        )

        def queries(records):
            records.invalidate_model()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            records.mapped("defect_suggestion_ids.name")
            return self.env.cr.sql_log_count - before

        queries(requests[:1])  # warm up the caches of the registry
        queries(requests)
        one, ten = queries(requests[:1]), queries(requests)
        self.assertEqual(one, ten, "the suggestions of ten requests take as many queries as of one")
        self.assertTrue(0 < one <= 8, one)
        self.assertEqual(requests[0].defect_suggestion_ids[:1], self.defect_start)

    def test_apply_solution(self):
        request = self._request(
            user=self.agent1, name="发动机无法启动", product_id=self.truck.id, user_id=self.agent1.id
        )
        defect = self.defect_start.with_user(self.agent1)
        defect.with_context(crm_service_request_id=request.id).action_apply_solution()
        self.assertEqual(defect.use_count, 1)
        message = request.message_ids[0]
        self.assertIn("加热燃油滤清器", message.body)
        self.assertIn("燃油滤清器结蜡", message.body)
        self.assertEqual(message.author_id, self.agent1.partner_id)
        defect.with_context(crm_service_request_id=request.id).action_apply_solution()
        self.assertEqual(defect.use_count, 2)
        with self.assertRaisesRegex(UserError, "Open a service request"):
            defect.action_apply_solution()

    def test_add_to_knowledge_base(self):
        request = self._request(
            user=self.agent1,
            name="空调不制冷",
            product_id=self.truck.id,
            user_id=self.agent1.id,
            description="<p>空调出风口只有热风</p>",
        ).with_user(self.agent1)
        with self.assertRaisesRegex(UserError, "not resolved or closed yet"):
            request.action_add_to_knowledge_base()
        request.action_start()
        request.action_resolve()
        request.action_close()
        action = request.action_add_to_knowledge_base()
        Defect = self.env["crm.service.defect"].with_user(self.agent1).with_context(**action["context"])
        with Form(Defect) as form:
            self.assertEqual(form.name, "空调不制冷")
            self.assertEqual(form.symptom, "空调出风口只有热风")
            form.solution = "<p>补充冷媒</p>"
        defect = form.record
        self.assertEqual(defect.source_request_id, request)
        self.assertEqual(defect.product_id, self.truck)
        self.assertEqual(defect.company_id, self.company)
        self.assertEqual(request.defect_ids, defect)

    def test_defect_needs_product_or_category(self):
        count = self.env["crm.service.defect"].search_count([])
        with self.assertRaises(ValidationError) as caught:
            self.env["crm.service.defect"].with_user(self.agent1).create(
                {"name": "无归属", "symptom": "x", "solution": "<p>y</p>"}
            )
        self.assertIn("needs a product or a product category", str(caught.exception))
        self.assertEqual(self.env["crm.service.defect"].search_count([]), count)

    def test_multi_company(self):
        Defect = self.env["crm.service.defect"].with_user(self.agent1)
        self.assertNotIn(self.defect_company2, Defect.search([]))
        request2 = self._request(name="二公司投诉", request_type="complaint", company_id=self.company2.id)
        capa2 = self.env["crm.service.capa.action"].create(
            {
                "request_id": request2.id,
                "description": "二公司措施",
                "user_id": self.senior.id,
                "date_deadline": self.tomorrow,
            }
        )
        self.assertEqual(capa2.company_id, self.company2)
        Capa = self.env["crm.service.capa.action"].with_user(self.agent1)
        self.assertNotIn(capa2, Capa.search([]))
        with self.assertRaises(AccessError):
            capa2.with_user(self.agent1).read(["description"])
        with self.assertRaises(AccessError):
            self.defect_company2.with_user(self.agent1).read(["name"])
        # a user of both companies sees both
        self.assertIn(
            capa2,
            Capa.with_user(self.senior).with_context(allowed_company_ids=(self.company | self.company2).ids).search([]),
        )

    def test_access(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.defect_start.with_user(self.agent1).unlink()
        self.defect_start.with_user(self.manager).copy().unlink()
        complaint = self._complaint()
        action = self._capa(complaint)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            action.with_user(self.agent1).unlink()
        for model in (
            "crm.service.defect",
            "crm.service.capa.action",
            "crm.service.rating.report",
            "crm.service.department",
        ):
            with self.subTest(model=model), self.assertRaises(AccessError), mute_logger("odoo.models"):
                self.env[model].with_user(self.portal_a).search([])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["crm.service.department"].with_user(self.agent1).create({"name": "非法部门"})


@tagged("post_install", "-at_install")
class TestSatisfactionReport(QualityCommon):
    def _close_and_rate(self, queue, user, product, score, partner=None):
        request = self._request(
            name="保养",
            queue_id=queue.id,
            user_id=user.id,
            product_id=product.id,
            partner_id=(partner or self.contact_a).id,
        ).with_user(user)
        request.action_start()
        request.action_resolve()
        request.action_close()
        rating = request.sudo().rating_ids
        self.assertEqual(len(rating), 1, "closing sent one satisfaction survey")
        self.assertFalse(rating.consumed)
        request.sudo().rating_apply(score, token=rating.access_token)
        return request

    def test_scores_by_queue_agent_product(self):
        self._close_and_rate(self.queue_manual, self.agent1, self.truck, 5)
        self._close_and_rate(self.queue_manual, self.agent1, self.truck, 4)
        self._close_and_rate(self.queue_manual, self.agent2, self.truck_b, 1)
        self._close_and_rate(self.queue_rr, self.agent2, self.truck, 3, partner=self.contact_b)
        unrated = self._request(name="未评价", queue_id=self.queue_rr.id, user_id=self.agent1.id).with_user(self.agent1)
        unrated.action_start()
        unrated.action_resolve()
        unrated.action_close()
        self.env.flush_all()
        Report = self.env["crm.service.rating.report"].with_user(self.agent1)
        by_queue = {
            queue: (count, score, rate)
            for queue, count, score, rate in Report._read_group(
                [("queue_id", "in", (self.queue_manual | self.queue_rr).ids)],
                ["queue_id"],
                ["rating_count:sum", "score:avg", "satisfied_rate:avg"],
            )
        }
        self.assertEqual(by_queue[self.queue_manual][0], 3)
        self.assertAlmostEqual(by_queue[self.queue_manual][1], 10 / 3)
        self.assertAlmostEqual(by_queue[self.queue_manual][2], 200 / 3)
        self.assertEqual(by_queue[self.queue_rr], (1, 3.0, 0.0), "the unrated request does not count")
        by_agent = dict(
            Report._read_group(
                [("queue_id", "in", (self.queue_manual | self.queue_rr).ids)], ["user_id"], ["score:avg"]
            )
        )
        self.assertEqual(by_agent, {self.agent1: 4.5, self.agent2: 2.0})
        by_product = dict(
            Report._read_group(
                [("queue_id", "in", (self.queue_manual | self.queue_rr).ids)],
                ["product_id"],
                ["dissatisfied_count:sum"],
            )
        )
        self.assertEqual(by_product, {self.truck: 0, self.truck_b: 1})

    def test_report_multi_company(self):
        self._close_and_rate(self.queue_manual, self.agent1, self.truck, 5)
        queue2 = self.env["crm.service.queue"].create(
            {"name": "二公司热线", "company_id": self.company2.id, "member_ids": [Command.set(self.senior.ids)]}
        )
        customer2 = self.env["res.partner"].create({"name": "兰州客户", "company_id": self.company2.id})
        request2 = (
            self.env["crm.service.request"]
            .with_user(self.senior)
            .with_company(self.company2)
            .create(
                {
                    "name": "二公司",
                    "company_id": self.company2.id,
                    "queue_id": queue2.id,
                    "user_id": self.senior.id,
                    "partner_id": customer2.id,
                }
            )
        )
        request2.action_start()
        request2.action_resolve()
        request2.action_close()
        request2.sudo().rating_apply(2, token=request2.sudo()._rating_get_access_token())
        self.env.flush_all()
        rows = self.env["crm.service.rating.report"].with_user(self.agent1).search([])
        self.assertTrue(rows)
        self.assertNotIn(queue2, rows.queue_id)
        both = (self.company | self.company2).ids
        rows_senior = (
            self.env["crm.service.rating.report"]
            .with_user(self.senior)
            .with_context(allowed_company_ids=both)
            .search([])
        )
        self.assertIn(queue2, rows_senior.queue_id)


@tagged("post_install", "-at_install")
class TestTextTerms(TransactionCase):
    def test_terms(self):
        self.assertEqual(text_terms("打不着火"), {"打不", "不着", "着火"})
        self.assertEqual(text_terms("ABS 报警 light"), {"abs", "报警", "light"})
        self.assertEqual(text_terms("灯"), {"灯"})
        self.assertEqual(text_terms(False), set())
