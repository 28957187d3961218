from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestLifecycle(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_a.write(
            {
                "crm_lifecycle_repeat_days": 365,
                "crm_lifecycle_loyal_orders": 3,
                "crm_lifecycle_dormant_days": 180,
                "crm_lifecycle_lost_days": 365,
            }
        )
        cls.company_b = cls.env["res.company"].create({"name": "Lifecycle Company B"})
        # start from a clean slate: demo customers and orders keep out of the schedule's counts
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE res_partner SET crm_lifecycle_stage_id = NULL, crm_lifecycle_date = NULL "
            "WHERE crm_lifecycle_stage_id IS NOT NULL"
        )
        cls.env.cr.execute("UPDATE sale_order SET state = 'cancel' WHERE state = 'sale'")
        cls.env.invalidate_all()
        cls.Stage = cls.env["crm.lifecycle.stage"]
        cls.stages = cls.Stage._get_stage_by_code(cls.company_a)
        cls.Partner = cls.env["res.partner"]
        cls.customer = cls.Partner.create({"name": "Lifecycle Customer", "is_company": True})
        cls.contact = cls.Partner.create({"name": "Lifecycle Contact", "parent_id": cls.customer.id})
        cls.other = cls.Partner.create({"name": "Other Customer", "is_company": True})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Lifecycle Service",
                "type": "service",
                "list_price": 100.0,
            }
        )
        cls.salesman = new_test_user(
            cls.env,
            login="lc_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.sale_manager = new_test_user(
            cls.env,
            login="lc_sale_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.salesman_b = new_test_user(
            cls.env,
            login="lc_salesman_b",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _order(self, partner, company=None, confirm=True, date=None):
        order = (
            self.env["sale.order"]
            .with_company(company or self.company_a)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": (company or self.company_a).id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                }
            )
        )
        if confirm:
            order.action_confirm()
        if date:
            order.date_order = date
        return order

    def _stage(self, partner, company=None):
        return partner.with_company(company or self.company_a).crm_lifecycle_stage_id

    def _code(self, partner, company=None):
        return self._stage(partner, company).code

    def _history(self, partner, company=None):
        return self.env["crm.lifecycle.history"].search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", (company or self.company_a).id),
            ],
            order="id",
        )

    def _move(self, partners, code, reason="test", company=None):
        company = company or self.company_a
        stage = self.Stage._get_stage_by_code(company)[code]
        self.env["res.partner"]._crm_lifecycle_move(
            company, [(p.id, stage.id) for p in partners], "manual", reason=reason
        )

    # ------------------------------------------------------------------
    # stages
    # ------------------------------------------------------------------

    def test_default_stages(self):
        self.assertEqual(
            list(self.stages),
            ["prospect", "target", "intent", "first_deal", "repeat", "loyal", "dormant", "lost"],
        )
        self.assertFalse(any(self.stages[code].company_id for code in self.stages))
        # a company-specific stage overrides the shared one for that company only
        dormant_b = self.Stage.create({"name": "Sleeping", "code": "dormant", "company_id": self.company_b.id})
        self.assertEqual(self.Stage._get_stage_by_code(self.company_b)["dormant"], dormant_b)
        self.assertEqual(self.Stage._get_stage_by_code(self.company_a)["dormant"], self.stages["dormant"])
        with self.assertQueryCount(1):
            self.Stage._get_stages_by_code(self.company_a | self.company_b)

    def test_stage_bad_input(self):
        # two active stages with the same code in the same scope
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.Stage.create({"name": "Second Loyal", "code": "loyal"})
        self.assertEqual(self.Stage.search_count([("code", "=", "loyal")]), 1)
        # a stage used in the history cannot be deleted
        self._move(self.customer, "prospect")
        with self.assertRaises(UserError):
            self.stages["prospect"].unlink()
        self.assertTrue(self.stages["prospect"].exists())

    # ------------------------------------------------------------------
    # events
    # ------------------------------------------------------------------

    def test_lead_and_opportunity(self):
        self.env["crm.lead"].create({"name": "Lead", "type": "lead", "partner_id": self.contact.id})
        self.assertEqual(self._code(self.customer), "target", "a contact's lead moves its company")
        self.assertFalse(self._stage(self.contact))
        history = self._history(self.customer)
        self.assertEqual(len(history), 1)
        self.assertFalse(history.stage_from_id)
        self.assertEqual(history.stage_to_id.code, "target")
        self.assertEqual(history.trigger, "lead")
        self.assertEqual(history.user_id, self.env.user)

        lead = self.env["crm.lead"].create({"name": "Lead 2", "type": "lead", "partner_id": self.customer.id})
        lead.convert_opportunity(self.customer)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(self._code(self.customer), "intent")
        last = self._history(self.customer)[-1]
        self.assertEqual(
            (last.stage_from_id.code, last.stage_to_id.code, last.trigger), ("target", "intent", "opportunity")
        )

        # a new lead never moves an opportunity back to target
        self.env["crm.lead"].create({"name": "Lead 3", "type": "lead", "partner_id": self.customer.id})
        self.assertEqual(self._code(self.customer), "intent")
        self.assertEqual(len(self._history(self.customer)), 2)

    def test_opportunity_from_prospect_and_no_downgrade(self):
        self._move(self.customer, "prospect")
        self.env["crm.lead"].create({"name": "Opp", "type": "opportunity", "partner_id": self.customer.id})
        self.assertEqual(self._code(self.customer), "intent")
        self._order(self.customer)
        self.assertEqual(self._code(self.customer), "first_deal")
        # a buying customer is not moved back by a new opportunity
        self.env["crm.lead"].create({"name": "Opp 2", "type": "opportunity", "partner_id": self.customer.id})
        self.assertEqual(self._code(self.customer), "first_deal")

    def test_orders_first_repeat_loyal(self):
        self._order(self.contact)
        self.assertEqual(self._code(self.customer), "first_deal", "a contact's order counts for its company")
        self.assertFalse(self._stage(self.contact))
        history = self._history(self.customer)
        self.assertEqual(history.trigger, "order")
        self.assertEqual(history.stage_to_id.code, "first_deal")
        self.assertTrue(self.customer.with_company(self.company_a).crm_lifecycle_date)

        self._order(self.customer)
        self.assertEqual(self._code(self.customer), "repeat")
        self._order(self.customer)
        self.assertEqual(self._code(self.customer), "loyal", "3 orders within the window (setting) make it loyal")
        self._order(self.customer)
        self.assertEqual(self._code(self.customer), "loyal")
        self.assertEqual(
            [(h.stage_from_id.code, h.stage_to_id.code) for h in self._history(self.customer)],
            [(False, "first_deal"), ("first_deal", "repeat"), ("repeat", "loyal")],
        )
        self.assertEqual(self.customer.with_company(self.company_a).crm_lifecycle_history_count, 3)
        # draft orders and quotations do not count
        self._order(self.other, confirm=False)
        self.assertFalse(self._stage(self.other))

    def test_second_order_outside_window(self):
        self._order(self.customer, date=datetime.now() - timedelta(days=400))
        self.assertEqual(self._code(self.customer), "first_deal")
        self._order(self.customer)
        self.assertEqual(self._code(self.customer), "first_deal", "the previous order is outside the repeat window")

    def test_dormant_and_lost_customers_come_back(self):
        self._order(self.customer, date=datetime.now() - timedelta(days=500))
        self._order(self.other, date=datetime.now() - timedelta(days=500))
        self._move(self.customer, "dormant")
        self._move(self.other, "lost")
        self._order(self.customer)
        self._order(self.other)
        self.assertEqual(self._code(self.customer), "repeat")
        self.assertEqual(self._code(self.other), "repeat")
        last = self._history(self.other)[-1]
        self.assertEqual((last.stage_from_id.code, last.stage_to_id.code, last.trigger), ("lost", "repeat", "order"))

    def test_orders_constant_queries(self):
        """Confirming many orders at once costs the same queries as one."""
        partners = self.Partner.create([{"name": f"Batch {i}", "is_company": True} for i in range(10)])
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": p.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                }
                for p in partners
            ]
        )
        orders.write({"state": "sale"})  # confirmed without the event: measure the event alone
        self.env.flush_all()
        Partner = self.env["res.partner"].sudo()

        def count(records):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Partner._crm_lifecycle_on_orders(records)
            return self.cr.sql_log_count - before

        one = count(orders[0])
        many = count(orders[1:])
        self.assertEqual(one, many)
        self.assertLessEqual(one, 12)
        self.assertEqual(
            set(partners.with_company(self.company_a).crm_lifecycle_stage_id.mapped("code")), {"first_deal"}
        )

    # ------------------------------------------------------------------
    # daily schedule
    # ------------------------------------------------------------------

    def test_cron_dormant_then_lost(self):
        start = datetime(2025, 1, 10, 10, 0, 0)
        with freeze_time(start):
            self._order(self.customer)
            self._order(self.other)
            self._order(self.other)
            self.assertEqual(self._code(self.customer), "first_deal")
            self.assertEqual(self._code(self.other), "repeat")
        with freeze_time(start + timedelta(days=170)):
            self.env["res.partner"]._cron_crm_lifecycle_update()
            self.assertEqual(self._code(self.customer), "first_deal")
        with freeze_time(start + timedelta(days=181)):
            moved = self.env["res.partner"]._cron_crm_lifecycle_update()
            self.assertEqual(moved, 2)
            self.assertEqual(self._code(self.customer), "dormant")
            self.assertEqual(self._code(self.other), "dormant")
            last = self._history(self.customer)[-1]
            self.assertEqual(last.trigger, "schedule")
            self.assertEqual(last.stage_from_id.code, "first_deal")
            self.assertEqual(last.days_in_previous_stage, 181)
            # running again the same day moves nobody
            self.assertEqual(self.env["res.partner"]._cron_crm_lifecycle_update(), 0)
        with freeze_time(start + timedelta(days=366)):
            self.env["res.partner"]._cron_crm_lifecycle_update()
            self.assertEqual(self._code(self.customer), "lost")
            self.assertEqual(
                [h.stage_to_id.code for h in self._history(self.customer)], ["first_deal", "dormant", "lost"]
            )

    def test_cron_straight_to_lost_and_loyal_to_repeat(self):
        start = datetime(2025, 1, 10, 10, 0, 0)
        with freeze_time(start):
            self._order(self.customer)
        for days in (0, 100, 200):
            with freeze_time(start + timedelta(days=days)):
                self._order(self.other)
        self.assertEqual(self._code(self.other), "loyal")
        with freeze_time(start + timedelta(days=400)):
            # 400 days without order: first deal -> lost in one move;
            # loyal customer last ordered 200 days ago -> dormant
            self.env["res.partner"]._cron_crm_lifecycle_update()
            self.assertEqual(self._code(self.customer), "lost")
            self.assertEqual(len(self._history(self.customer)), 2)
            self.assertEqual(self._code(self.other), "dormant")
        # loyal with too few orders left in the window -> repeat
        with freeze_time(start + timedelta(days=250)):
            self._move(self.other, "loyal")
            self.env["res.partner"]._cron_crm_lifecycle_update()
            self.assertEqual(self._code(self.other), "loyal", "3 orders within the last 365 days")
        with freeze_time(start + timedelta(days=370)):
            self.env["res.partner"]._cron_crm_lifecycle_update()
            self.assertEqual(self._code(self.other), "repeat", "only 2 orders left within the window")

    def test_cron_multi_company(self):
        start = datetime(2025, 1, 10, 10, 0, 0)
        with freeze_time(start):
            self._order(self.customer)
            self._order(self.customer, company=self.company_b)
        self.assertEqual(self._code(self.customer, self.company_b), "first_deal")
        with freeze_time(start + timedelta(days=100)):
            self._order(self.customer, company=self.company_b)
        self.company_b.crm_lifecycle_dormant_days = 90
        with freeze_time(start + timedelta(days=181)):
            self.env["res.partner"]._cron_crm_lifecycle_update()
        self.assertEqual(self._code(self.customer, self.company_a), "dormant")
        # company B: last order 81 days ago, within its own 90 days
        self.assertEqual(self._code(self.customer, self.company_b), "repeat")

    def test_cron_batches(self):
        start = datetime(2025, 1, 10, 10, 0, 0)
        partners = self.Partner.create([{"name": f"Cron {i}", "is_company": True} for i in range(12)])
        with freeze_time(start):
            orders = self.env["sale.order"].create(
                [
                    {
                        "partner_id": p.id,
                        "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                    }
                    for p in partners
                ]
            )
            orders.action_confirm()
        Partner = self.env["res.partner"]
        with freeze_time(start + timedelta(days=200)):
            # progress is reported to the scheduler, one batch per call
            cron = self.env.ref("crm_core_ext.ir_cron_crm_lifecycle_update")
            progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "done": 0, "remaining": 0})
            Partner.with_context(ir_cron_progress_id=progress.id)._cron_crm_lifecycle_update(batch_size=5)
            self.assertEqual((progress.done, progress.remaining), (5, 7))
            Partner.with_context(ir_cron_progress_id=progress.id)._cron_crm_lifecycle_update(batch_size=5)
            self.assertEqual((progress.done, progress.remaining), (5, 2))
            Partner.with_context(ir_cron_progress_id=progress.id)._cron_crm_lifecycle_update(batch_size=5)
            self.assertEqual((progress.done, progress.remaining), (2, 0))
            self.assertEqual(
                set(partners.with_company(self.company_a).crm_lifecycle_stage_id.mapped("code")), {"dormant"}
            )
            self.assertEqual(
                self.env["crm.lifecycle.history"].search_count(
                    [
                        ("partner_id", "in", partners.ids),
                        ("trigger", "=", "schedule"),
                    ]
                ),
                12,
            )
        with freeze_time(start + timedelta(days=400)):
            # the number of queries does not depend on the number of customers
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            done, remaining = Partner._crm_lifecycle_schedule_batch(batch_size=3)
            small = self.cr.sql_log_count - before
            self.assertEqual((done, remaining), (3, 9))
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            done, remaining = Partner._crm_lifecycle_schedule_batch(batch_size=100)
            large = self.cr.sql_log_count - before
            self.assertEqual((done, remaining), (9, 0))
            self.assertEqual(small, large)

    def test_cron_classifies_customers_without_stage(self):
        """Orders from before the module (or imported) give customers their stage."""
        now = datetime.now()
        partners = self.Partner.create([{"name": f"Legacy {i}", "is_company": True} for i in range(5)])
        ages = {0: [10], 1: [10, 40], 2: [10, 40, 70], 3: [200, 300], 4: [400]}
        for index, days in ages.items():
            for age in days:
                order = self._order(partners[index], confirm=False)
                order.write({"state": "sale", "date_order": now - timedelta(days=age)})
        self.env["res.partner"]._cron_crm_lifecycle_update()
        self.assertEqual([self._code(p) for p in partners], ["first_deal", "repeat", "loyal", "dormant", "lost"])
        history = self._history(partners[2])
        self.assertEqual((history.stage_from_id, history.trigger), (self.Stage, "schedule"))
        self.assertFalse(self._stage(partners[0], self.company_b))
        self.assertFalse(self._stage(self.other), "no order, no stage")

    def test_cron_runs_from_scheduler(self):
        cron = self.env.ref("crm_core_ext.ir_cron_crm_lifecycle_update")
        self.assertTrue(cron.active)
        cron.method_direct_trigger()

    # ------------------------------------------------------------------
    # manual moves
    # ------------------------------------------------------------------

    def test_manual_move_wizard(self):
        self._order(self.customer)
        wizard_form = Form(
            self.env["crm.lifecycle.move.wizard"]
            .with_user(self.salesman)
            .with_context(active_model="res.partner", active_ids=[self.contact.id, self.other.id])
        )
        wizard_form.stage_id = self.stages["lost"]
        wizard_form.reason = "Went bankrupt"
        wizard = wizard_form.save()
        self.assertEqual(wizard.partner_ids, (self.customer | self.other).with_user(self.salesman))
        wizard.action_apply()
        self.assertEqual(self._code(self.customer), "lost")
        self.assertEqual(self._code(self.other), "lost")
        last = self._history(self.customer)[-1]
        self.assertEqual(
            (last.stage_from_id.code, last.stage_to_id.code, last.trigger, last.reason, last.user_id),
            ("first_deal", "lost", "manual", "Went bankrupt", self.salesman),
        )
        # moving to the same stage again records nothing
        self.env["crm.lifecycle.move.wizard"].create(
            {
                "partner_ids": [Command.set(self.other.ids)],
                "stage_id": self.stages["lost"].id,
                "reason": "again",
            }
        ).action_apply()
        self.assertEqual(len(self._history(self.other)), 1)

    def test_manual_move_requires_reason(self):
        for reason in (False, "   "):
            wizard = (
                self.env["crm.lifecycle.move.wizard"]
                .with_user(self.salesman)
                .create(
                    {
                        "partner_ids": [Command.set(self.customer.ids)],
                        "stage_id": self.stages["loyal"].id,
                        "reason": reason,
                    }
                )
            )
            with self.assertRaisesRegex(UserError, "reason"):
                wizard.action_apply()
        self.assertFalse(self._stage(self.customer))
        self.assertFalse(self._history(self.customer))
        # the form refuses it too
        wizard_form = Form(
            self.env["crm.lifecycle.move.wizard"].with_context(active_model="res.partner", active_ids=self.customer.ids)
        )
        wizard_form.stage_id = self.stages["loyal"]
        with self.assertRaises(AssertionError):
            wizard_form.save()

    def test_manual_move_other_company_stage(self):
        stage_b = self.Stage.create({"name": "VIP B", "company_id": self.company_b.id})
        wizard = self.env["crm.lifecycle.move.wizard"].create(
            {
                "partner_ids": [Command.set(self.customer.ids)],
                "stage_id": self.stages["loyal"].id,
                "reason": "test",
            }
        )
        with self.assertRaises(UserError):
            wizard.stage_id = stage_b
            wizard.action_apply()
        with self.assertRaises(UserError):
            self.customer.write({"crm_lifecycle_stage_id": stage_b.id})
        self.assertFalse(self._stage(self.customer))
        self.assertFalse(self._history(self.customer))

    def test_direct_write_is_recorded(self):
        self.customer.with_context(crm_lifecycle_reason="Imported").write(
            {"crm_lifecycle_stage_id": self.stages["prospect"].id}
        )
        self.assertEqual(self._code(self.customer), "prospect")
        history = self._history(self.customer)
        self.assertEqual((history.trigger, history.reason), ("manual", "Imported"))
        partner = self.Partner.create({"name": "Created In Stage", "crm_lifecycle_stage_id": self.stages["target"].id})
        self.assertEqual(self._code(partner), "target")
        self.assertEqual(self._history(partner).stage_to_id.code, "target")

    # ------------------------------------------------------------------
    # access rights
    # ------------------------------------------------------------------

    def test_access_salesperson(self):
        self._move(self.customer, "prospect")
        Stage = self.Stage.with_user(self.salesman)
        History = self.env["crm.lifecycle.history"].with_user(self.salesman)
        self.assertEqual(len(Stage.search([("code", "!=", False)])), 8)
        history = History.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(history), 1)
        self.assertEqual(self.customer.with_user(self.salesman).crm_lifecycle_stage_id.code, "prospect")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            Stage.create({"name": "Mine"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.stages["loyal"].with_user(self.salesman).name = "Renamed"
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            history.write({"reason": "forged"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            history.unlink()
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            History.create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company_a.id,
                    "stage_to_id": self.stages["loyal"].id,
                    "trigger": "manual",
                }
            )

    def test_access_manager(self):
        stage = self.Stage.with_user(self.sale_manager).create({"name": "Strategic", "sequence": 99})
        stage.name = "Strategic Account"
        self.assertEqual(stage.name, "Strategic Account")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.env["crm.lifecycle.history"].with_user(self.sale_manager).create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company_a.id,
                    "stage_to_id": stage.id,
                    "trigger": "manual",
                }
            )
        # the manager moves a customer into the new, manual-only stage
        self.env["crm.lifecycle.move.wizard"].with_user(self.sale_manager).create(
            {
                "partner_ids": [Command.set(self.customer.ids)],
                "stage_id": stage.id,
                "reason": "Key account",
            }
        ).action_apply()
        self.assertEqual(self._stage(self.customer), stage)
        # events leave a manual-only stage alone, except orders
        self.env["crm.lead"].create({"name": "Opp", "type": "opportunity", "partner_id": self.customer.id})
        self.assertEqual(self._stage(self.customer), stage)
        self._order(self.customer)
        self.assertEqual(self._code(self.customer), "first_deal")

    # ------------------------------------------------------------------
    # multi-company
    # ------------------------------------------------------------------

    def test_multi_company_isolation(self):
        self._order(self.customer)
        self.assertEqual(self._code(self.customer, self.company_a), "first_deal")
        self.assertFalse(self._stage(self.customer, self.company_b), "a move in A leaves B alone")
        self._move(self.customer, "lost", company=self.company_b)
        self.assertEqual(self._code(self.customer, self.company_b), "lost")
        self.assertEqual(self._code(self.customer, self.company_a), "first_deal")
        # a user of company B sees only company B's history and stage
        History = self.env["crm.lifecycle.history"].with_user(self.salesman_b)
        history_b = History.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(history_b.company_id, self.company_b)
        self.assertEqual(len(history_b), 1)
        history_a = self._history(self.customer, self.company_a)
        with self.assertRaises(AccessError):
            history_a.with_user(self.salesman_b).read(["reason"])
        self.assertEqual(self.customer.with_user(self.salesman_b).crm_lifecycle_stage_id.code, "lost")
        # company B's own stages are invisible in company A
        stage_b = self.Stage.create({"name": "B only", "company_id": self.company_b.id})
        self.assertNotIn(stage_b, self.Stage.with_user(self.salesman).search([]))
        self.assertIn(stage_b, self.Stage.with_user(self.salesman_b).search([]))

    def test_order_in_other_company(self):
        self._order(self.customer, company=self.company_b)
        self.assertEqual(self._code(self.customer, self.company_b), "first_deal")
        self.assertFalse(self._stage(self.customer, self.company_a))
        self.assertEqual(self._history(self.customer, self.company_b).company_id, self.company_b)

    # ------------------------------------------------------------------
    # analysis: search and group by the company-dependent stage
    # ------------------------------------------------------------------

    def test_group_and_search_by_stage(self):
        self._move(self.customer | self.other, "dormant")
        third = self.Partner.create({"name": "Third", "is_company": True})
        self._move(third, "loyal")
        self._move(self.other, "loyal", company=self.company_b)
        ids = (self.customer | self.other | third).ids
        Partner = self.Partner.with_user(self.salesman)
        groups = dict(Partner._read_group([("id", "in", ids)], ["crm_lifecycle_stage_id"], ["__count"]))
        self.assertEqual(groups, {self.stages["dormant"]: 2, self.stages["loyal"]: 1})
        web_groups = Partner.read_group([("id", "in", ids)], ["crm_lifecycle_stage_id"], ["crm_lifecycle_stage_id"])
        self.assertEqual(
            {g["crm_lifecycle_stage_id"][0]: g["crm_lifecycle_stage_id_count"] for g in web_groups},
            {self.stages["dormant"].id: 2, self.stages["loyal"].id: 1},
        )
        web = Partner.web_read_group([("id", "in", ids)], ["crm_lifecycle_stage_id"], ["crm_lifecycle_stage_id"])
        self.assertEqual(
            [(g["crm_lifecycle_stage_id"][1], g["crm_lifecycle_stage_id_count"]) for g in web["groups"]],
            [("Loyal", 1), ("Dormant", 2)],
            "groups come in stage order",
        )
        self.assertEqual(
            Partner.search([("id", "in", ids), ("crm_lifecycle_stage_id.code", "=", "dormant")]),
            (self.customer | self.other).with_user(self.salesman),
        )
        self.assertEqual(
            self.Partner.with_user(self.salesman_b).search(
                [("id", "in", ids), ("crm_lifecycle_stage_id", "!=", False)]
            ),
            self.other.with_user(self.salesman_b),
        )
        # flow between stages
        flow = (
            self.env["crm.lifecycle.history"]
            .with_user(self.salesman)
            ._read_group([("partner_id", "in", ids)], ["stage_from_id", "stage_to_id"], ["__count"])
        )
        self.assertIn((self.Stage, self.stages["dormant"], 2), flow)

    def test_views_load(self):
        """The lifecycle views open for a salesperson and for a user outside sales."""
        plain_user = new_test_user(self.env, login="lc_plain", groups="base.group_user")
        graph = self.env.ref("crm_core_ext.res_partner_view_graph_crm_lifecycle")
        pivot = self.env.ref("crm_core_ext.res_partner_view_pivot_crm_lifecycle")
        for user in (self.salesman, plain_user):
            views = (
                self.env["res.partner"].with_user(user).get_views([(False, "form"), (False, "list"), (False, "search")])
            )
            form_arch = views["views"]["form"]["arch"]
            self.assertEqual("crm_lifecycle_stage_id" in form_arch, user == self.salesman)
        self.env["res.partner"].with_user(self.salesman).get_views([(graph.id, "graph"), (pivot.id, "pivot")])
        self.env["crm.lifecycle.history"].with_user(self.salesman).get_views(
            [(False, "list"), (False, "form"), (False, "pivot"), (False, "graph"), (False, "search")]
        )
        self.env["crm.lifecycle.stage"].with_user(self.sale_manager).get_views([(False, "list"), (False, "form")])
        self.env["crm.lifecycle.move.wizard"].with_user(self.salesman).get_views([(False, "form")])
        action = self.customer.with_user(self.salesman).action_crm_lifecycle_move()
        self.assertEqual(action["res_model"], "crm.lifecycle.move.wizard")
        action = self.customer.with_user(self.salesman).action_view_crm_lifecycle_history()
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])
