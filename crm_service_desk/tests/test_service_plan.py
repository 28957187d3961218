from datetime import date

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ServiceCommon


@tagged("post_install", "-at_install")
class TestServicePlan(ServiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.truck = cls.env["product.product"].create({"name": "重卡 T7", "is_storable": True, "tracking": "serial"})
        Lot = cls.env["stock.lot"]
        cls.lot1 = Lot.create({"name": "LZZ5CLVB8NW100001", "product_id": cls.truck.id})
        cls.lot2 = Lot.create({"name": "LZZ5CLVB8NW100002", "product_id": cls.truck.id})
        cls.other_product = cls.env["product.product"].create({"name": "轻卡 L3"})
        cls.Plan = cls.env["crm.service.plan"].with_user(cls.manager)
        cls.Request = cls.env["crm.service.request"]

    def _plan(self, **values):
        vals = {
            "name": "重卡季度保养",
            "partner_id": self.customer_a.id,
            "lot_id": self.lot1.id,
            "product_id": self.truck.id,
            "queue_id": self.queue_rr.id,
            "interval_type": "months",
            "interval_number": 1,
            "lead_days": 0,
            "start_date": date(2026, 3, 1),
        }
        vals.update(values)
        return self.Plan.create(vals)

    def _run(self, day, **kwargs):
        return self.env["crm.service.plan"]._generate_due_requests(day, **kwargs)

    # ------------------------------------------------------------------ schedules
    def test_days_plan_with_lead_time(self):
        plan = self._plan(interval_type="days", interval_number=10, lead_days=3)
        self.assertEqual(plan.next_due_date, date(2026, 3, 1))
        self.assertEqual(plan.generate_date, date(2026, 2, 26))
        self.assertFalse(self._run(date(2026, 2, 25)), "before the lead time nothing is created")

        request = self._run(date(2026, 2, 26))
        self.assertEqual(len(request), 1)
        self.assertEqual(request.service_plan_id, plan)
        self.assertEqual(request.service_plan_due_date, date(2026, 3, 1))
        self.assertEqual(request.request_type, "maintenance")
        self.assertEqual(request.partner_id, self.customer_a)
        self.assertEqual(request.lot_id, self.lot1)
        self.assertEqual(request.product_id, self.truck)
        self.assertEqual(request.company_id, self.company)
        # the normal create ran: reference, round-robin assignee, SLA deadlines of the queue
        self.assertTrue(request.reference)
        self.assertIn(request.user_id, self.agent1 | self.agent2)
        self.assertEqual(request.state, "assigned")
        self.assertTrue(request.sla_id)
        self.assertTrue(request.resolution_deadline)

        self.assertEqual(plan.last_due_date, date(2026, 3, 1))
        self.assertEqual(plan.next_due_date, date(2026, 3, 11))
        self.assertEqual(plan.generate_date, date(2026, 3, 8))
        self.assertEqual(plan.request_ids, request)
        self.assertEqual(plan.occurrence_ids.request_id, request)
        self.assertEqual(plan.request_count, 1)

    def test_months_plan_keeps_the_month_end(self):
        plan = self._plan(start_date=date(2025, 1, 31))
        dues = []
        for day in (date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)):
            dues += self._run(day).mapped("service_plan_due_date")
        self.assertEqual(dues, [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)])
        self.assertEqual(plan.next_due_date, date(2025, 5, 31))

        leap = self._plan(start_date=date(2024, 1, 31), interval_number=1, lot_id=self.lot2.id)
        self._run(date(2024, 1, 31))
        self.assertEqual(leap.next_due_date, date(2024, 2, 29))
        quarterly = self._plan(start_date=date(2025, 11, 30), interval_number=3, lot_id=False)
        self._run(date(2025, 11, 30))
        self.assertEqual(quarterly.next_due_date, date(2026, 2, 28))

    def test_plan_behind_schedule_skips_missed_dates(self):
        plan = self._plan(start_date=date(2025, 6, 15))
        requests = self._run(date(2026, 3, 10))
        self.assertEqual(requests.mapped("service_plan_due_date"), [date(2025, 6, 15)])
        self.assertEqual(plan.next_due_date, date(2026, 3, 15), "missed months are not generated one by one")

    def test_usage_plan_from_readings(self):
        plan = self._plan(
            interval_type="usage", usage_interval=500, usage_uom="hours", usage_baseline=1000, lead_days=0
        )
        self.assertFalse(plan.next_due_date)
        plan.reading_ids = [Command.create({"date": date(2026, 3, 2), "value": 1200})]
        self.assertFalse(plan.next_due_date, "200 hours used out of 500")
        self.assertFalse(self._run(date(2026, 3, 5)))

        plan.reading_ids = [Command.create({"date": date(2026, 3, 9), "value": 1550})]
        self.assertEqual(plan.next_due_date, date(2026, 3, 9))
        self.assertEqual(plan.current_usage, 1550)
        request = self._run(date(2026, 3, 10))
        self.assertEqual(request.service_plan_due_date, date(2026, 3, 9))
        self.assertEqual(plan.usage_baseline, 1550, "the next 500 hours count from the reading that triggered")
        self.assertFalse(plan.next_due_date)
        self.assertFalse(self._run(date(2026, 3, 11)))

        plan.reading_ids = [
            Command.create({"date": date(2026, 3, 20), "value": 1900}),
            Command.create({"date": date(2026, 4, 2), "value": 2080}),
        ]
        self.assertEqual(plan.next_due_date, date(2026, 4, 2))
        self.assertEqual(self._run(date(2026, 4, 2)).service_plan_due_date, date(2026, 4, 2))
        self.assertEqual(len(plan.request_ids), 2)

        with self.assertRaises(ValidationError):
            plan.reading_ids = [Command.create({"date": date(2026, 4, 5), "value": 2000})]
        self.assertEqual(len(plan.reading_ids), 4, "the lower reading was not written")

    # ------------------------------------------------------------------ never twice
    def test_no_duplicates_on_rerun_and_same_asset(self):
        plan_a = self._plan(name="保养 A")
        plan_b = self._plan(name="年检 B", interval_number=12)
        first = self._run(date(2026, 3, 1))
        self.assertEqual(len(first), 2, "two plans of the same asset each create their request")
        self.assertEqual(first.service_plan_id, plan_a | plan_b)
        self.assertFalse(self._run(date(2026, 3, 1)), "a second run the same day creates nothing")
        self.assertFalse(self._run(date(2026, 3, 2)))
        self.assertEqual(self.Request.search_count([("service_plan_id", "in", (plan_a | plan_b).ids)]), 2)

    def test_concurrent_run_already_handled_the_due_date(self):
        """Another run inserted the occurrence of the due date (it holds the key): this run creates
        no second request, logs no error and still moves the plan on."""
        plan = self._plan()
        self.env["crm.service.plan.occurrence"].create(
            {"plan_id": plan.id, "due_date": date(2026, 3, 1), "company_id": self.company.id}
        )
        with self.assertNoLogs("odoo.sql_db", level="ERROR"):
            self.assertFalse(self._run(date(2026, 3, 1)))
        self.assertEqual(plan.next_due_date, date(2026, 4, 1))
        self.assertFalse(plan.request_ids)
        # the database itself refuses a second row for the key
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            self.env["crm.service.plan.occurrence"].create(
                {"plan_id": plan.id, "due_date": date(2026, 3, 1), "company_id": self.company.id}
            )
            self.env.flush_all()

    def test_batches_and_constant_queries(self):
        plans = self.Plan.create(
            [
                {
                    "name": f"保养 {i}",
                    "partner_id": self.customer_a.id,
                    "queue_id": self.queue_manual.id,
                    "interval_type": "days",
                    "interval_number": 30,
                    "lead_days": 0,
                    "start_date": date(2026, 3, 1),
                }
                for i in range(7)
            ]
        )
        requests = self._run(date(2026, 3, 1), batch_size=3)
        self.assertEqual(requests.service_plan_id, plans)
        self.assertTrue(all(d == date(2026, 3, 31) for d in plans.mapped("next_due_date")))

        def count_queries(count, day):
            self.Plan.create(
                [
                    {
                        "name": f"保养 {day} {i}",
                        "partner_id": self.customer_b.id,
                        "queue_id": self.queue_manual.id,
                        "interval_type": "days",
                        "interval_number": 30,
                        "start_date": day,
                        "lead_days": 0,
                    }
                    for i in range(count)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            self._run(day)
            self.env.flush_all()
            return self.env.cr.sql_log_count - queries

        count_queries(3, date(2026, 5, 1))  # warm up
        count_queries(3, date(2026, 5, 2))
        few = count_queries(3, date(2026, 5, 3))
        many = count_queries(30, date(2026, 5, 4))
        self.assertEqual(few, many, "the job's queries do not grow with the number of due plans")

    def test_one_failing_plan_does_not_stop_the_job(self):
        """A plan whose request cannot be created is rolled back alone and logged; the other plans
        of its batch and of the next batches get their requests, and the next run tries it again."""
        plans = self.Plan.create(
            [
                {
                    "name": f"保养 {i}",
                    "partner_id": self.customer_a.id,
                    "lot_id": self.lot1.id if i == 1 else False,
                    "queue_id": self.queue_manual.id,
                    "interval_type": "months",
                    "lead_days": 0,
                    "start_date": date(2026, 3, 1),
                }
                for i in range(5)
            ]
        )
        bad = plans[1]
        # since the plan was made, the serial was installed at another customer: its request is refused
        asset = (
            self.env["crm.service.asset"]
            .with_user(self.manager)
            .create({"lot_id": self.lot1.id, "partner_id": self.customer_b.id})
        )
        with (
            self.assertLogs("odoo.addons.crm_service_desk.models.crm_service_plan", "WARNING"),
            self.assertLogs("odoo.addons.crm_core_ext.tools.cron", "ERROR") as logs,
        ):
            requests = self._run(date(2026, 3, 1), batch_size=2)
        self.assertEqual(len(logs.output), 1)
        self.assertIn(f"{bad} failed", logs.output[0])
        self.assertIn("is installed at 西安运输集团", logs.output[0])
        self.assertEqual(requests.service_plan_id, plans - bad)
        self.assertTrue(all(d == date(2026, 4, 1) for d in (plans - bad).mapped("next_due_date")))
        self.assertFalse(bad.request_ids)
        self.assertFalse(bad.occurrence_ids, "the failed plan's occurrence was rolled back")
        self.assertEqual(bad.next_due_date, date(2026, 3, 1), "not advanced: the next run tries again")
        # once the asset is back, the next run creates the missing request
        asset.state = "returned"
        retried = self._run(date(2026, 3, 2))
        self.assertEqual(retried.service_plan_id, bad)
        self.assertEqual(retried.service_plan_due_date, date(2026, 3, 1))

    def test_inactive_plans_ignored(self):
        plan = self._plan()
        plan.action_archive()
        self.assertFalse(self._run(date(2026, 3, 1)))
        self.assertFalse(plan.request_ids)
        with self.assertRaises(UserError):
            plan.action_generate_now()

    def test_cron_entry_point(self):
        today = fields.Date.context_today(self.env["crm.service.plan"])
        plan = self._plan(start_date=today)
        cron = self.env.ref("crm_service_desk.ir_cron_crm_service_plan_generate")
        self.assertEqual(cron.interval_type, "days")
        cron.method_direct_trigger()
        self.assertEqual(len(plan.request_ids), 1)
        cron.method_direct_trigger()
        self.assertEqual(len(plan.request_ids), 1)

    # ------------------------------------------------------------------ companies
    def test_multi_company(self):
        plan1 = self._plan()
        plan2 = self.Plan.with_company(self.company2).create(
            {
                "name": "西北保养",
                "partner_id": self.customer_b.id,
                "interval_type": "months",
                "interval_number": 1,
                "lead_days": 0,
                "start_date": date(2026, 3, 1),
            }
        )
        self.assertEqual(plan2.company_id, self.company2)
        requests = self._run(date(2026, 3, 1))
        self.assertEqual(len(requests), 2)
        self.assertEqual(plan1.request_ids.company_id, self.company)
        self.assertEqual(plan2.request_ids.company_id, self.company2)
        self.assertEqual(plan2.occurrence_ids.company_id, self.company2)

        agent_plans = self.env["crm.service.plan"].with_user(self.agent1).search([])
        self.assertIn(plan1, agent_plans)
        self.assertNotIn(plan2, agent_plans)
        with self.assertRaises(AccessError):
            plan2.with_user(self.agent1).read(["name"])
        self.assertEqual(self.customer_b.with_user(self.agent1).service_plan_count, 0)
        self.assertEqual(self.customer_a.with_user(self.agent1).service_plan_count, 1)

    def test_company_default_lead_time(self):
        self.company.service_plan_lead_days = 12
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.service_plan_lead_days, 12)
        vals = {
            "name": "默认提前期",
            "partner_id": self.customer_a.id,
            "interval_type": "days",
            "interval_number": 7,
            "start_date": date(2026, 3, 20),
        }
        plan = self.Plan.create(vals)
        self.assertEqual(plan.lead_days, 12)
        self.assertEqual(plan.generate_date, date(2026, 3, 8))
        with Form(self.Plan) as form:
            form.name = "表单计划"
            form.partner_id = self.customer_a
            self.assertEqual(form.lead_days, 12)

    # ------------------------------------------------------------------ bad input and access
    def test_bad_input(self):
        Plan = self.env["crm.service.plan"]
        before = Plan.search_count([])
        for values, word in (
            ({"interval_type": "days", "interval_number": 0}, "interval"),
            ({"interval_type": "months", "interval_number": -2}, "interval"),
            ({"interval_type": "usage", "usage_interval": 0}, "usage interval"),
            ({"lead_days": -1}, "lead time"),
            ({"partner_id": self.contact_a.id}, "must be a company"),
            ({"lot_id": self.lot1.id, "product_id": self.other_product.id}, "belongs to product"),
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError) as caught:
                self._plan(**values)
            self.assertIn(word, str(caught.exception))
        self.assertEqual(Plan.search_count([]), before, "no plan was written")

        plan = self._plan()
        with self.assertRaises(ValidationError) as caught:
            plan.write({"lead_days": -3, "name": "changed"})
        self.assertIn("lead time", str(caught.exception))
        self.assertEqual(plan.lead_days, 0)
        self.assertEqual(plan.name, "重卡季度保养")
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"service_plan_lead_days": -1})

    def test_access(self):
        with self.assertRaises(AccessError):
            self.env["crm.service.plan"].with_user(self.agent1).create(
                {"name": "x", "partner_id": self.customer_a.id, "start_date": date(2026, 3, 1)}
            )
        start = fields.Date.context_today(self.env["crm.service.plan"]) + relativedelta(days=20)
        plan = self._plan(start_date=start)
        as_agent = plan.with_user(self.agent1)
        self.assertEqual(as_agent.name, "重卡季度保养")
        with self.assertRaises(AccessError):
            as_agent.write({"lead_days": 3})
        with self.assertRaises(AccessError):
            self.env["crm.service.plan.reading"].with_user(self.agent1).create(
                {"plan_id": plan.id, "date": date(2026, 3, 1), "value": 1}
            )
        with self.assertRaises(UserError):
            as_agent.action_generate_now()
        self.assertFalse(plan.request_ids)

        action = plan.action_generate_now()
        request = plan.request_ids
        self.assertEqual(len(request), 1)
        self.assertEqual(action["res_id"], request.id)
        self.assertEqual(request.service_plan_due_date, start, "created now, 20 days before the due date")
        self.assertEqual(plan.next_due_date, start + relativedelta(months=1, day=start.day))
        # the request's smart button leads back to the plan; the agent sees both
        self.assertEqual(request.with_user(self.agent1).action_view_service_plan()["res_id"], plan.id)
        self.assertEqual(as_agent.request_count, 1)
