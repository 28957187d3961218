from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .workorder_common import WorkOrderCommon


@tagged("post_install", "-at_install")
class TestServicePlanAsset(WorkOrderCommon):
    """Service plans on installed-base assets, creating work orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Asset = cls.env["crm.service.asset"]
        cls.asset = Asset.create({"lot_id": cls.lots[0].id, "partner_id": cls.customer_a.id})
        cls.asset_b = Asset.create({"lot_id": cls.lots[1].id, "partner_id": cls.customer_b.id})
        cls.Plan = cls.env["crm.service.plan"].with_user(cls.manager)

    def _plan(self, **values):
        vals = {
            "name": "举升泵季度保养",
            "asset_id": self.asset.id,
            "queue_id": self.queue_manual.id,
            "user_id": self.technician.id,
            "work_order_mode": "request_repair",
            "interval_type": "months",
            "interval_number": 3,
            "lead_days": 0,
            "start_date": date(2026, 3, 1),
            "description": "<p>检查液压油位</p>",
        }
        vals.update(values)
        return self.Plan.create(vals)

    def _run(self, day):
        return self.env["crm.service.plan"]._generate_due_requests(day)

    def _occurrence(self, request):
        return self.env["crm.service.plan.occurrence"].search([("request_id", "=", request.id)])

    # ------------------------------------------------------------------ the asset
    def test_plan_takes_customer_serial_and_product_from_its_asset(self):
        plan = self._plan()  # as over RPC: only the asset given
        self.assertEqual(plan.partner_id, self.customer_a)
        self.assertEqual(plan.lot_id, self.lots[0])
        self.assertEqual(plan.product_id, self.pump)
        self.assertEqual(self.asset.plan_ids, plan)
        self.assertEqual(self.asset.plan_count, 1)
        plan.asset_id = self.asset_b  # moved to another asset: the rest follows
        self.assertEqual((plan.partner_id, plan.lot_id), (self.customer_b, self.lots[1]))

        with Form(self.Plan) as form:
            form.name = "表单计划"
            form.asset_id = self.asset
            self.assertEqual(form.partner_id, self.customer_a)
            self.assertEqual(form.lot_id, self.lots[0])
            self.assertEqual(form.product_id, self.pump)
        self.assertEqual(form.record.asset_id, self.asset)

    def test_plan_from_the_asset_form(self):
        action = self.asset.with_user(self.manager).action_view_plans()
        self.assertEqual(action["domain"], [("asset_id", "=", self.asset.id)])
        plan = self.Plan.with_context(**action["context"]).create({"start_date": date(2026, 3, 1)})
        self.assertEqual(plan.asset_id, self.asset)
        self.assertEqual(plan.partner_id, self.customer_a)
        self.assertIn(self.asset.display_name, plan.name)

    def test_bad_input(self):
        Plan = self.env["crm.service.plan"]
        before = Plan.search_count([])
        for values, word in (
            ({"partner_id": self.customer_b.id}, "is installed at 苏州物流有限公司"),
            ({"lot_id": self.lots[2].id}, "must be the asset's"),
            ({"product_id": self.filter.id}, "must be the asset's"),
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError) as caught:
                self._plan(**values)
            self.assertIn(word, str(caught.exception))
        self.assertEqual(Plan.search_count([]), before, "no plan was written")
        plan = self._plan()
        with self.assertRaises(ValidationError):
            plan.write({"partner_id": self.customer_b.id, "name": "changed"})
        self.assertEqual(plan.name, "举升泵季度保养")
        self.assertEqual(plan.partner_id, self.customer_a)

    def test_asset_of_another_company_refused(self):
        lot = self.env["stock.lot"].create(
            {"name": "HP200-B-0001", "product_id": self.pump.id, "company_id": self.company2.id}
        )
        asset = (
            self.env["crm.service.asset"]
            .with_company(self.company2)
            .create({"lot_id": lot.id, "partner_id": self.customer_a.id, "company_id": self.company2.id})
        )
        with self.assertRaises(UserError):  # check_company: asset of company 2 on a plan of company 1
            self._plan(asset_id=asset.id)
        self.assertFalse(self.env["crm.service.plan"].search([("asset_id", "=", asset.id)]))

    # ------------------------------------------------------------------ work orders
    def test_job_creates_request_and_work_order_once(self):
        plan = self._plan()
        only_requests = self._plan(asset_id=self.asset_b.id, work_order_mode="request")
        requests = self._run(date(2026, 3, 1))
        self.assertEqual(requests.service_plan_id, plan | only_requests)
        request = requests.filtered(lambda r: r.service_plan_id == plan)
        repair = request.repair_ids
        self.assertEqual(len(repair), 1)
        self.assertEqual(repair.partner_id, self.customer_a)
        self.assertEqual(repair.product_id, self.pump)
        self.assertEqual(repair.lot_id, self.lots[0])
        self.assertEqual(repair.service_asset_id, self.asset)
        self.assertEqual(repair.technician_id, self.technician)
        self.assertEqual(repair.schedule_date.date(), date(2026, 3, 1))
        self.assertIn("检查液压油位", repair.internal_notes)
        self.assertEqual(self._occurrence(request).repair_id, repair)
        self.assertEqual(request.service_plan_repair_id, repair)
        self.assertEqual(plan.repair_count, 1)
        self.assertFalse((requests - request).repair_ids, "a plan of requests only dispatches nothing")

        # a second run the same day, or a user clicking afterwards, creates no second work order
        self.assertFalse(self._run(date(2026, 3, 1)))
        action = request.with_user(self.technician).action_create_plan_work_order()
        self.assertEqual(action["res_id"], repair.id)
        self.assertEqual(self.env["repair.order"].search_count([("service_request_id", "=", request.id)]), 1)

        nxt = self._run(date(2026, 6, 1))
        self.assertEqual(nxt.service_plan_id, plan | only_requests)
        self.assertEqual(nxt.repair_ids.service_request_id.service_plan_id, plan)
        self.assertEqual(plan.repair_count, 2)

    def test_manual_work_order_for_a_plan_of_requests(self):
        plan = self._plan(work_order_mode="request")
        request = self._run(date(2026, 3, 1))
        self.assertFalse(request.repair_ids)
        action = request.with_user(self.technician).action_create_plan_work_order()
        repair = self.env["repair.order"].browse(action["res_id"])
        self.assertEqual(repair.service_request_id, request)
        self.assertEqual(repair.service_asset_id, self.asset)
        again = request.with_user(self.technician).action_create_plan_work_order()
        self.assertEqual(again["res_id"], repair.id, "a second click opens the same work order")
        self.assertEqual(plan.repair_count, 1)

        other = self.env["crm.service.request"].create(
            {"name": "普通报修", "partner_id": self.customer_a.id, "queue_id": self.queue_manual.id}
        )
        with self.assertRaisesRegex(UserError, "not created by a service plan"):
            other.with_user(self.technician).action_create_plan_work_order()
        request.sudo().write({"state": "cancelled"})
        plan2 = self._plan(asset_id=self.asset_b.id, work_order_mode="request")
        closed = self._run(date(2026, 3, 1)).filtered(lambda r: r.service_plan_id == plan2)
        closed.sudo().write({"state": "cancelled"})
        with self.assertRaisesRegex(UserError, "is closed"):
            closed.with_user(self.technician).action_create_plan_work_order()
        self.assertFalse(closed.repair_ids)

    def test_access(self):
        plan = self._plan(work_order_mode="request")
        request = self._run(date(2026, 3, 1))
        # a service agent without warehouse rights cannot create work orders
        with self.assertRaises(AccessError):
            request.with_user(self.agent1).action_create_plan_work_order()
        self.assertFalse(request.repair_ids)
        # agents read plans and assets, managers write them
        with self.assertRaises(AccessError):
            plan.with_user(self.agent1).write({"work_order_mode": "request_repair"})
        self.assertEqual(plan.with_user(self.agent1).asset_id, self.asset)
        # a manager of the other company only does not see the plan of this one
        other_manager = new_test_user(
            self.env,
            login="service_manager_c2",
            groups="crm_service_desk.crm_service_desk_group_manager,stock.group_stock_user",
            company_id=self.company2.id,
            company_ids=[Command.set(self.company2.ids)],
        )
        self.assertFalse(self.env["crm.service.plan"].with_user(other_manager).search([("id", "=", plan.id)]))
        with self.assertRaises(AccessError):
            request.with_user(other_manager).action_create_plan_work_order()

    def test_job_queries_do_not_grow_with_work_orders(self):
        lots = self.env["stock.lot"].create(
            [{"name": f"HP200-Q-{n:03d}", "product_id": self.pump.id, "company_id": self.company.id} for n in range(40)]
        )
        assets = self.env["crm.service.asset"].create(
            [{"lot_id": lot.id, "partner_id": self.customer_b.id} for lot in lots]
        )
        assets_iter = iter(assets)

        def count_queries(count, day):
            self.Plan.create(
                [
                    {
                        "name": f"保养 {day} {i}",
                        "asset_id": next(assets_iter).id,
                        "queue_id": self.queue_manual.id,
                        "work_order_mode": "request_repair",
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
            created = self._run(day)
            self.env.flush_all()
            self.assertEqual(len(created.repair_ids), count)
            return self.env.cr.sql_log_count - queries

        def count_host_queries(count):
            """The host's own cost: the same work orders created in one batch."""
            self.env.flush_all()
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            self.env["repair.order"].create(
                [
                    {
                        "partner_id": self.customer_b.id,
                        "product_id": self.pump.id,
                        "lot_id": lot.id,
                        "service_asset_id": asset.id,
                        "schedule_date": "2026-05-01 01:00:00",
                        "internal_notes": False,
                    }
                    for lot, asset in zip(lots[:count], assets[:count], strict=True)
                ]
            )
            self.env.flush_all()
            return self.env.cr.sql_log_count - queries

        count_queries(3, date(2026, 5, 1))  # warm up
        count_host_queries(3)
        few = count_queries(3, date(2026, 5, 2)) - count_host_queries(3)
        many = count_queries(30, date(2026, 5, 3)) - count_host_queries(30)
        self.assertEqual(few, many, "beyond the host's work order creation, the job's queries do not grow")
