from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .test_customer_assignment import AssignmentCommon


@tagged("post_install", "-at_install")
class TestPublicPool(AssignmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"crm_pool_days": 90, "crm_pool_claim_cap": 2})
        cls.company_b.write({"crm_pool_days": 30, "crm_pool_claim_cap": 0})
        cls.bob = new_test_user(
            cls.env,
            login="pool_bob",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
            notification_type="inbox",
        )
        cls.now = fields.Datetime.now()

    def _age(self, records, days):
        """Make partners look created and assigned ``days`` ago."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = %s, crm_owner_since = CASE WHEN user_id IS NULL THEN NULL ELSE %s END"
            " WHERE id IN %s",
            [self.now - timedelta(days=days), self.now - timedelta(days=days), tuple(records.ids)],
        )
        self.env.invalidate_all()

    def _old_customer(self, name, user, days=200, **vals):
        partner = self._customer(name, user, **vals)
        self._age(partner, days)
        return partner

    def _pool_customer(self, name, company=None, **vals):
        partner = self._customer(name, None, **vals)
        partner.sudo().write({"crm_pool_since": self.now, "crm_pool_company_id": (company or self.company).id})
        return partner

    def _activity(self, record, user, days_ago=0):
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id(record._name),
                "res_id": record.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "user_id": user.id,
            }
        )
        if days_ago:
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE mail_activity SET create_date = %s WHERE id = %s",
                [self.now - timedelta(days=days_ago), activity.id],
            )
        return activity

    # ------------------------------------------------------------------
    # nightly reclaim
    # ------------------------------------------------------------------

    def test_reclaim_idle_customers(self):
        product = self.env["product.product"].create({"name": "Pool Service", "type": "service", "list_price": 10})
        idle = self._old_customer("闲置客户", self.zhang, crm_shared_user_ids=[Command.set(self.li.ids)])
        idle_contact = self.Partner.create({"name": "闲置联系人", "parent_id": idle.id})
        other_contact = self.Partner.create({"name": "别人的联系人", "parent_id": idle.id, "user_id": self.wang.id})
        self._age(idle_contact | other_contact, 200)

        recent_order = self._old_customer("近期下单", self.zhang)
        self.env["sale.order"].create(
            {
                "partner_id": recent_order.id,
                "date_order": self.now - timedelta(days=10),
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        old_order = self._old_customer("老订单", self.zhang)
        self.env["sale.order"].create(
            {
                "partner_id": old_order.id,
                "date_order": self.now - timedelta(days=150),
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        noted = self._old_customer("有跟进记录", self.zhang)
        noted.with_user(self.zhang).message_post(body="电话回访", message_type="comment", subtype_xmlid="mail.mt_note")
        customer_wrote = self._old_customer("客户来信", self.zhang)
        customer_wrote.message_post(body="询价", message_type="email", author_id=customer_wrote.id)
        contact_activity = self._old_customer("联系人有活动", self.zhang)
        contact = self.Partner.create({"name": "活动联系人", "parent_id": contact_activity.id})
        self._activity(contact, self.zhang)
        old_activity = self._old_customer("旧活动", self.zhang)
        self._activity(old_activity, self.zhang, days_ago=120)
        lead_note = self._old_customer("商机有跟进", self.zhang)
        lead = self.env["crm.lead"].create({"name": "商机", "partner_id": lead_note.id, "user_id": self.zhang.id})
        lead.with_user(self.zhang).message_post(body="发了方案", message_type="comment", subtype_xmlid="mail.mt_note")
        newly_assigned = self._old_customer("刚分配", self.li)
        newly_assigned.write({"user_id": self.zhang.id})
        new_customer = self._customer("新客户", self.zhang)
        vendor = self._old_customer("供应商", self.zhang, supplier_rank=1)
        shared_between = self._old_customer("跨公司客户", self.zhang, company_id=False)
        b_idle = self._old_customer("B闲置", self.bob, days=50, company_id=self.company_b.id)
        b_recent = self._old_customer("B未到期", self.bob, days=20, company_id=self.company_b.id)

        self.env["res.partner"]._cron_crm_pool_reclaim()

        reclaimed = idle | old_order | customer_wrote | old_activity | shared_between
        kept = recent_order | noted | contact_activity | lead_note | newly_assigned | new_customer | vendor
        for partner in reclaimed:
            self.assertFalse(partner.user_id, f"{partner.name} is idle: back to the pool")
            self.assertEqual(partner.crm_pool_company_id, self.company, partner.name)
            self.assertTrue(partner.crm_pool_since, partner.name)
        for partner in kept:
            self.assertTrue(partner.user_id, f"{partner.name} is active: kept")
            self.assertFalse(partner.crm_pool_since, partner.name)
        self.assertFalse(idle.crm_shared_user_ids, "co-owners leave with the salesperson")
        self.assertFalse(idle_contact.user_id, "contacts that followed the salesperson follow the customer")
        self.assertEqual(other_contact.user_id, self.wang)
        self.assertTrue(idle.with_user(self.li).crm_in_pool)
        self.assertFalse(b_idle.user_id, "company B returns customers after its own 30 days")
        self.assertEqual(b_idle.crm_pool_company_id, self.company_b)
        self.assertEqual(b_recent.user_id, self.bob)
        self.assertNotIn(b_idle, self.Partner.with_user(self.li).search([("crm_in_pool", "=", True)]))

        history = self._history(idle)
        self.assertRecordValues(
            history,
            [
                {
                    "type": "reclaim",
                    "user_from_id": self.zhang.id,
                    "user_to_id": False,
                    "company_id": self.company.id,
                    "assigned_by_id": False,
                }
            ],
        )
        self.assertIn("90 days", history.reason)
        notes = self._notifications(self.zhang)
        self.assertEqual(len(notes), 1, "one notification per salesperson, whatever the number of customers")
        self.assertIn("5 of your customers went back to the public pool", notes.subject)
        self.assertEqual(len(self._notifications(self.bob)), 1)

        # nothing left: a second run returns nobody
        self.assertEqual(self.env["res.partner"]._cron_crm_pool_reclaim(), 0)

    def test_reclaim_off_and_batches(self):
        customers = self.Partner.browse([self._old_customer(f"批量{i}", self.zhang).id for i in range(5)])
        self.company.crm_pool_days = 0
        self.env["res.partner"]._cron_crm_pool_reclaim()
        self.assertEqual(set(customers.mapped("user_id")), {self.zhang}, "0 days: the pool is off")
        self.company.crm_pool_days = 90
        returned = self.env["res.partner"]._cron_crm_pool_reclaim(batch_size=2)
        self.assertGreaterEqual(returned, 5, "outside the scheduler, batches run until none is left")
        self.assertFalse(customers.user_id)
        self.assertEqual(len(self._history(customers)), 5)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.crm_pool_days = -1

    # ------------------------------------------------------------------
    # claim, cap, release
    # ------------------------------------------------------------------

    def test_claim_from_form(self):
        pool = self._pool_customer("公海客户甲")
        contact = self.Partner.create({"name": "公海联系人", "parent_id": pool.id})
        self.assertTrue(pool.with_user(self.li).crm_in_pool)
        self.assertIn(pool, self.Partner.with_user(self.li).search([("crm_in_pool", "=", True)]))
        action = pool.with_user(self.li).action_crm_pool_claim()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual((pool | contact).user_id, self.li)
        self.assertTrue(pool.crm_claimed)
        self.assertFalse(pool.crm_pool_since)
        self.assertFalse(pool.with_user(self.li).crm_in_pool)
        self.assertEqual(pool.crm_team_id, self.team_south)
        self.assertRecordValues(
            self._history(pool),
            [{"type": "claim", "user_from_id": False, "user_to_id": self.li.id, "assigned_by_id": self.li.id}],
        )
        # the second salesperson is told who has it
        with self.assertRaisesRegex(UserError, "no longer in the public pool: Asg Li has it"):
            pool.with_user(self.zhang).action_crm_pool_claim()
        not_in_pool = self._customer("普通客户")
        with self.assertRaisesRegex(UserError, "is not in the public pool"):
            not_in_pool.with_user(self.zhang).action_crm_pool_claim()

    def test_claim_cap(self):
        pools = self.Partner.browse([self._pool_customer(f"公海{i}").id for i in range(5)])
        pools[:2].with_user(self.li).action_crm_pool_claim()
        with self.assertRaisesRegex(UserError, "You hold 2 customers .* limit is 2: you cannot claim 1 more"):
            pools[2].with_user(self.li).action_crm_pool_claim()
        self.assertFalse(pools[2].user_id, "a refused claim writes nothing")
        self.assertTrue(pools[2].crm_pool_since)
        self.assertFalse(self._history(pools[2]))
        # two at once over the cap: refused as a whole
        pools[3].with_user(self.zhang).action_crm_pool_claim()
        with self.assertRaisesRegex(UserError, "You hold 1 customers claimed .* you cannot claim 2 more"):
            (pools[2] | pools[4]).with_user(self.zhang).action_crm_pool_claim()
        self.assertFalse((pools[2] | pools[4]).user_id)
        # a claimed customer that is then assigned no longer counts
        self._assign_wizard(pools[0], user_id=self.wang, reason="Key account").action_apply()
        self.assertFalse(pools[0].crm_claimed)
        pools[2].with_user(self.li).action_crm_pool_claim()
        self.assertEqual(pools[2].user_id, self.li)

    def test_claim_by_writing_the_salesperson(self):
        """Setting oneself as salesperson of a pool customer (form, import,
        RPC) is a claim: same limit, same rules, same history."""
        pools = self.Partner.browse([self._pool_customer(f"直接写入{i}").id for i in range(4)])
        pools[:2].with_user(self.li).action_crm_pool_claim()
        as_li = pools[2].with_user(self.li)
        with self.assertRaisesRegex(UserError, "You hold 2 customers .* limit is 2: you cannot claim 1 more"):
            as_li.write({"user_id": self.li.id, "function": "mine now"})
        with self.assertRaisesRegex(UserError, "You hold 2 customers"):
            # a context key sent by the client unlocks nothing
            as_li.with_context(crm_assignment_done=True).write({"user_id": self.li.id})
        self.assertFalse(pools[2].user_id)
        self.assertFalse(pools[2].function, "a refused claim writes nothing")
        self.assertTrue(pools[2].crm_pool_since)
        self.assertFalse(self._history(pools[2]))
        # under the limit: a claim, recorded as such
        pools[2].with_user(self.zhang).write({"user_id": self.zhang.id, "function": "跟进中"})
        self.assertRecordValues(
            pools[2], [{"user_id": self.zhang.id, "crm_claimed": True, "crm_pool_since": False, "function": "跟进中"}]
        )
        self.assertRecordValues(
            self._history(pools[2]), [{"type": "claim", "user_to_id": self.zhang.id, "assigned_by_id": self.zhang.id}]
        )
        # a salesperson does not hand pool customers to a colleague
        with self.assertRaisesRegex(UserError, "only a sales administrator can assign them"):
            pools[3].with_user(self.zhang).write({"user_id": self.li.id})
        self.assertFalse(pools[3].user_id)
        # nor escapes the limit by clearing the claim or the pool date
        for vals in ({"crm_claimed": False}, {"crm_pool_since": False}, {"crm_owner_since": False}):
            with self.assertRaisesRegex(AccessError, "cannot be written directly"):
                pools[:1].with_user(self.li).write(vals)
        self.assertTrue(pools[0].crm_claimed)
        self.assertTrue(pools[3].crm_pool_since)
        # a sales administrator assigns pool customers, whatever the limit
        pools[3].with_user(self.manager).write({"user_id": self.li.id})
        self.assertRecordValues(pools[3], [{"user_id": self.li.id, "crm_claimed": False, "crm_pool_since": False}])
        self.assertEqual(self._history(pools[3]).type, "assign")

    def test_direct_write_always_recorded(self):
        """The client's context cannot skip the history of a salesperson change."""
        customer = self._customer("直接改负责人", self.zhang)
        customer.with_user(self.zhang).with_context(crm_assignment_done=True).write({"user_id": self.li.id})
        self.assertRecordValues(
            self._history(customer), [{"type": "assign", "user_from_id": self.zhang.id, "user_to_id": self.li.id}]
        )

    def test_pool_multi_company(self):
        pool_a = self._pool_customer("A公司公海客户", company_id=self.company.id)
        shared_pool_a = self._pool_customer("共享公海客户", company_id=False)
        pool_b = self._pool_customer("B公司公海客户", company=self.company_b, company_id=self.company_b.id)
        as_bob = self.Partner.with_user(self.bob)
        found = as_bob.search([("crm_in_pool", "=", True)])
        self.assertIn(pool_b, found)
        self.assertNotIn(pool_a, found, "a user of company B does not see company A's pool")
        self.assertNotIn(shared_pool_a, found, "nor customers shared between companies that are in A's pool")
        with self.assertRaisesRegex(UserError, "not one of your companies"):
            shared_pool_a.with_user(self.bob).action_crm_pool_claim()
        self.assertFalse(shared_pool_a.user_id)
        pool_b.with_user(self.bob).action_crm_pool_claim()
        self.assertEqual(pool_b.user_id, self.bob)
        self.assertEqual(self._history(pool_b).company_id, self.company_b)

    def test_release(self):
        mine = self._customer("我的客户", self.zhang, crm_shared_user_ids=[Command.set(self.wang.ids)])
        theirs = self._customer("别人的客户", self.li)
        wizard = Form(
            self.env["crm.customer.release.wizard"]
            .with_user(self.zhang)
            .with_context(active_model="res.partner", active_ids=mine.ids)
        )
        wizard.reason = "客户明年才有预算"
        wizard.save().action_release()
        self.assertFalse(mine.user_id)
        self.assertFalse(mine.crm_shared_user_ids)
        self.assertEqual(mine.crm_pool_company_id, self.company)
        self.assertTrue(mine.with_user(self.li).crm_in_pool)
        self.assertRecordValues(
            self._history(mine), [{"type": "release", "user_from_id": self.zhang.id, "reason": "客户明年才有预算"}]
        )
        wizard = (
            self.env["crm.customer.release.wizard"]
            .with_user(self.zhang)
            .create({"partner_ids": [Command.set(theirs.ids)], "reason": "not mine"})
        )
        with self.assertRaisesRegex(UserError, "only release your own customers"):
            wizard.action_release()
        self.assertEqual(theirs.user_id, self.li)
        # a manager may release anyone's customer; its salesperson is told
        self.env["crm.customer.release.wizard"].with_user(self.manager).create(
            {"partner_ids": [Command.set(theirs.ids)], "reason": "Reorganisation"}
        ).action_release()
        self.assertFalse(theirs.user_id)
        self.assertEqual(len(self._notifications(self.li)), 1)
