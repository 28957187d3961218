from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, new_test_user, tagged


class AssignmentCommon(TransactionCase):
    """Company A with a sales manager, three salespeople in two teams, and
    company B; helpers for customers and for the notifications users got."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Assignment Company B"})
        cls.Partner = cls.env["res.partner"]

        def user(login, groups="sales_team.group_sale_salesman", companies=None):
            companies = companies or cls.company
            return new_test_user(
                cls.env,
                login=login,
                name=login.replace("_", " ").title(),
                groups=groups,
                company_id=companies[0].id,
                company_ids=[Command.set(companies.ids)],
                notification_type="inbox",
            )

        cls.manager = user("asg_manager", "sales_team.group_sale_manager")
        cls.zhang = user("asg_zhang")
        cls.li = user("asg_li")
        cls.wang = user("asg_wang")
        cls.team_east = cls.env["crm.team"].create(
            {"name": "East China", "user_id": cls.wang.id, "member_ids": [Command.set(cls.zhang.ids)]}
        )
        cls.team_south = cls.env["crm.team"].create(
            {"name": "South China", "user_id": False, "member_ids": [Command.set(cls.li.ids)]}
        )

    @classmethod
    def _customer(cls, name, user=None, **vals):
        return cls.Partner.create(
            dict({"name": name, "is_company": True, "user_id": user.id if user else False}, **vals)
        )

    def setUp(self):
        super().setUp()
        # notifications of this test only (creating records notifies too)
        self.message_mark = self.env["mail.message"].search([], order="id desc", limit=1).id

    def _notifications(self, user):
        """Notifications ``user`` got from the assignment features during this test."""
        return self.env["mail.message"].search(
            [
                ("id", ">", self.message_mark),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", user.partner_id.ids),
                # Odoo's own ("You have been assigned to ...", activities) are not ours
                "|",
                ("subject", "ilike", "customers"),
                ("subject", "ilike", "leads and activities"),
            ]
        )

    def _history(self, partners):
        return self.env["crm.customer.assignment"].search([("partner_id", "in", partners.ids)], order="id")

    def _assign_wizard(self, partners=None, **vals):
        ctx = {"active_model": "res.partner", "active_ids": partners.ids} if partners else {}
        form = Form(self.env["crm.customer.assign.wizard"].with_user(self.manager).with_context(**ctx))
        for name, value in vals.items():
            setattr(form, name, value)
        return form.save()


@tagged("post_install", "-at_install")
class TestCustomerAssignment(AssignmentCommon):
    def test_assign_selected_replace(self):
        c1 = self._customer("宁波港机械有限公司", self.zhang)
        follower = self.Partner.create({"name": "王芳", "parent_id": c1.id})
        own_contact = self.Partner.create({"name": "赵强", "parent_id": c1.id, "user_id": self.wang.id})
        c2 = self._customer("温州鞋业有限公司")
        self.assertEqual(follower.user_id, self.zhang, "a contact starts with its company's salesperson")

        wizard = self._assign_wizard(c1 | follower | c2, user_id=self.li, reason="Territory split")
        self.assertEqual(wizard.partner_ids, c1 | c2, "contacts are replaced by their company")
        self.assertEqual(wizard.customer_count, 2)
        wizard.action_apply()

        self.assertEqual((c1 | c2 | follower).user_id, self.li)
        self.assertEqual(own_contact.user_id, self.wang, "a contact with its own salesperson keeps it")
        self.assertEqual(c1.crm_team_id, self.team_south, "the customer follows the new salesperson's team")
        self.assertTrue(c1.crm_owner_since)
        history = self._history(c1 | c2)
        self.assertRecordValues(
            history,
            [
                {
                    "partner_id": c1.id,
                    "type": "assign",
                    "user_from_id": self.zhang.id,
                    "user_to_id": self.li.id,
                    "reason": "Territory split",
                    "assigned_by_id": self.manager.id,
                    "company_id": self.company.id,
                    "team_to_id": self.team_south.id,
                },
                {
                    "partner_id": c2.id,
                    "type": "assign",
                    "user_from_id": False,
                    "user_to_id": self.li.id,
                    "reason": "Territory split",
                    "assigned_by_id": self.manager.id,
                    "company_id": self.company.id,
                    "team_to_id": self.team_south.id,
                },
            ],
        )
        self.assertTrue(all(history.mapped("date")))
        # one notification per person concerned, never to the one who acted
        received = self._notifications(self.li)
        self.assertEqual(len(received), 1)
        self.assertIn("2 customers assigned to you by Asg Manager", received.subject)
        self.assertIn("宁波港机械有限公司", received.body)
        self.assertIn("Territory split", received.body)
        lost = self._notifications(self.zhang)
        self.assertEqual(len(lost), 1)
        self.assertIn("宁波港机械有限公司", lost.body)
        self.assertNotIn("温州鞋业有限公司", lost.body)
        self.assertFalse(self._notifications(self.manager))
        self.assertEqual(c1.with_user(self.li).crm_assignment_count, 1)

    def test_assign_add_coowners(self):
        c1 = self._customer("苏州园林设计院", self.zhang)
        self._assign_wizard(c1, user_id=self.li, mode="add", reason="Joint project").action_apply()
        self.assertEqual(c1.user_id, self.zhang, "adding keeps the salesperson")
        self.assertEqual(c1.crm_shared_user_ids, self.li)
        self.assertRecordValues(
            self._history(c1), [{"type": "add", "user_from_id": self.zhang.id, "user_to_id": self.li.id}]
        )
        self.assertEqual(len(self._notifications(self.li)), 1)
        self.assertFalse(self._notifications(self.zhang), "the salesperson loses nothing")
        # a team: every member shares the customer
        self._assign_wizard(c1, team_id=self.team_east, mode="add", reason="Team account").action_apply()
        self.assertEqual(c1.crm_shared_user_ids, self.li | self.wang)

    def test_assign_by_region(self):
        zj = self.env.ref("base.state_cn_ZJ")
        js = self.env.ref("base.state_cn_JS")
        in_zj = self._customer("绍兴纺织有限公司", self.zhang, state_id=zj.id)
        in_zj_2 = self._customer("嘉兴五金有限公司", state_id=zj.id)
        in_js = self._customer("无锡电机有限公司", self.zhang, state_id=js.id)
        vendor = self._customer("浙江原料供应商", None, state_id=zj.id, supplier_rank=1)
        colleague = self.li.partner_id
        colleague.state_id = zj
        wizard = self._assign_wizard(scope="region", user_id=self.wang, reason="Zhejiang to Wang")
        wizard.state_ids = zj
        self.assertEqual(wizard.customer_count, len(wizard._get_customers()))
        self.assertIn(in_zj, wizard._get_customers())
        wizard.action_apply()
        self.assertEqual((in_zj | in_zj_2).user_id, self.wang)
        self.assertEqual(in_js.user_id, self.zhang)
        self.assertFalse(vendor.user_id, "vendors are not customers")
        self.assertFalse(colleague.user_id, "colleagues are not customers")

    def test_assign_by_salesperson_and_team(self):
        a = self._customer("合肥家电有限公司", self.zhang)
        b = self._customer("芜湖汽配有限公司", self.zhang)
        other = self._customer("蚌埠玻璃有限公司", self.li)
        wizard = self._assign_wizard(scope="salesperson", source_user_id=self.zhang, user_id=self.wang, reason="Leave")
        self.assertEqual(wizard.customer_count, 2)
        wizard.action_apply()
        self.assertEqual((a | b).user_id, self.wang)
        self.assertEqual(other.user_id, self.li)
        # by team, to a team without salesperson: outside customers go to the leader
        self.assertEqual(other.crm_team_id, self.team_south)
        wizard = self._assign_wizard(
            scope="team", source_team_id=self.team_south, team_id=self.team_east, reason="Merge teams"
        )
        wizard.action_apply()
        self.assertEqual(other.user_id, self.wang, "the team leader takes customers of non-members")
        self.assertEqual(other.crm_team_id, self.team_east)
        # a team without leader cannot take customers of non-members
        wizard = self._assign_wizard(other, team_id=self.team_south, reason="Back")
        with self.assertRaisesRegex(UserError, "has no team leader"):
            wizard.action_apply()

    def test_assign_checks(self):
        c1 = self._customer("扬州漆器厂", self.zhang)
        wizard = self._assign_wizard(c1, user_id=self.li, reason="x")
        wizard.reason = False
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_apply()
        wizard.reason = "   "
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_apply()
        wizard.write({"reason": "ok", "user_id": False})
        with self.assertRaisesRegex(UserError, "salesperson or the sales team"):
            wizard.action_apply()
        self.assertEqual(c1.user_id, self.zhang)
        self.assertFalse(self._history(c1), "nothing was half-written")
        with self.assertRaises(AccessError):
            self.env["crm.customer.assign.wizard"].with_user(self.zhang).create(
                {"partner_ids": [Command.set(c1.ids)], "user_id": self.zhang.id, "reason": "mine"}
            )
        with self.assertRaises(AccessError):
            wizard.with_user(self.zhang).action_apply()

    def test_assign_constant_queries(self):
        """The number of queries does not grow with the number of customers."""

        def run(count):
            partners = self.Partner.create(
                [
                    # Owner since an earlier day: a date equal to the new one
                    # would not be written, and the flush would split into
                    # one UPDATE per set of changed columns.
                    {
                        "name": f"Bulk {count}-{i}",
                        "is_company": True,
                        "user_id": self.zhang.id,
                        "crm_owner_since": "2025-01-01 08:00:00",
                    }
                    for i in range(count)
                ]
            )
            for i, partner in enumerate(partners):
                self.Partner.create({"name": f"Contact {count}-{i}", "parent_id": partner.id})
            wizard = self._assign_wizard(partners, user_id=self.li, reason="Bulk")
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            wizard.action_apply()
            self.env.flush_all()
            self.assertEqual(set(partners.mapped("user_id")), {self.li})
            return self.env.cr.sql_log_count - start

        run(3)
        run(3)
        small, large = run(5), run(40)
        self.assertEqual(small, large, "assigning 40 customers takes as many queries as assigning 5")

    def test_direct_change_is_recorded(self):
        c1 = self._customer("镇江醋业有限公司", self.zhang)
        with Form(c1.with_user(self.manager)) as form:
            form.user_id = self.wang
        self.assertRecordValues(
            self._history(c1),
            [
                {
                    "type": "assign",
                    "user_from_id": self.zhang.id,
                    "user_to_id": self.wang.id,
                    "assigned_by_id": self.manager.id,
                }
            ],
        )
        self.assertEqual(c1.crm_team_id, self.team_east, "the leader's team is the one of the new salesperson")
        notes = self._notifications(self.wang) | self._notifications(self.zhang)
        self.assertEqual(notes.partner_ids, self.zhang.partner_id, "the new salesperson is notified by Odoo itself")
        # writing the same salesperson again records nothing
        c1.with_user(self.manager).write({"user_id": self.wang.id})
        self.assertEqual(len(self._history(c1)), 1)


@tagged("post_install", "-at_install")
class TestCustomerTransfer(AssignmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("常州纺机有限公司", cls.zhang)
        cls.contact = cls.Partner.create({"name": "陈静", "parent_id": cls.customer.id})
        cls.shared = cls._customer("泰州医药有限公司", cls.li, crm_shared_user_ids=[Command.set(cls.zhang.ids)])
        cls.untouched = cls._customer("南通家纺有限公司", cls.li)
        Lead = cls.env["crm.lead"]
        won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.opportunity = Lead.create(
            {"name": "纺机改造项目", "type": "opportunity", "partner_id": cls.customer.id, "user_id": cls.zhang.id}
        )
        cls.lead = Lead.create({"name": "展会线索", "type": "lead", "user_id": cls.zhang.id})
        cls.won = Lead.create(
            {
                "name": "已赢项目",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.zhang.id,
                "stage_id": won_stage.id,
            }
        )
        todo = cls.env.ref("mail.mail_activity_data_todo")

        def activity(record, user, summary):
            return cls.env["mail.activity"].create(
                {
                    "res_model_id": cls.env["ir.model"]._get_id(record._name),
                    "res_id": record.id,
                    "activity_type_id": todo.id,
                    "user_id": user.id,
                    "summary": summary,
                }
            )

        cls.act_customer = activity(cls.customer, cls.zhang, "回访")
        cls.act_contact = activity(cls.contact, cls.zhang, "生日问候")
        cls.act_lead = activity(cls.opportunity, cls.zhang, "发报价")
        cls.act_other_user = activity(cls.customer, cls.li, "对账")
        cls.act_elsewhere = activity(cls.untouched, cls.zhang, "帮同事送样品")
        # company B: a customer in zhang's name the manager does not work in
        cls.customer_b = cls.Partner.sudo().create(
            {"name": "B公司客户", "is_company": True, "user_id": cls.zhang.id, "company_id": cls.company_b.id}
        )

    def _transfer_wizard(self, **vals):
        form = Form(
            self.env["crm.customer.transfer.wizard"]
            .with_user(self.manager)
            .with_context(active_model="res.users", active_id=self.zhang.id)
        )
        for name, value in vals.items():
            setattr(form, name, value)
        return form.save()

    def test_transfer_everything_at_once(self):
        wizard = self._transfer_wizard(user_to_id=self.wang, reason="Zhang leaves on 30 June")
        self.assertEqual(wizard.user_from_id, self.zhang, "opened from the user, it transfers that user")
        self.assertEqual(
            (wizard.customer_count, wizard.shared_count, wizard.lead_count, wizard.activity_count), (2, 1, 2, 3)
        )
        wizard.action_transfer()

        self.assertEqual((self.customer | self.contact).user_id, self.wang)
        self.assertEqual(self.shared.user_id, self.li)
        self.assertEqual(self.shared.crm_shared_user_ids, self.wang)
        self.assertEqual((self.opportunity | self.lead).user_id, self.wang)
        self.assertEqual(self.won.user_id, self.zhang, "won opportunities stay with who won them")
        self.assertEqual((self.act_customer | self.act_contact | self.act_lead).user_id, self.wang)
        self.assertEqual(self.act_other_user.user_id, self.li)
        self.assertEqual(self.act_elsewhere.user_id, self.zhang, "activities on other records stay")
        self.assertEqual(self.customer_b.user_id, self.zhang, "companies the manager does not work in are untouched")
        self.assertRecordValues(
            self._history(self.customer | self.shared),
            [
                {
                    "partner_id": self.customer.id,
                    "type": "transfer",
                    "user_from_id": self.zhang.id,
                    "user_to_id": self.wang.id,
                    "reason": "Zhang leaves on 30 June",
                },
                {
                    "partner_id": self.shared.id,
                    "type": "transfer",
                    "user_from_id": self.zhang.id,
                    "user_to_id": self.wang.id,
                    "reason": "Zhang leaves on 30 June",
                },
            ],
        )
        received = self._notifications(self.wang)
        self.assertEqual(len(received), 1, "one summary, not one message per record")
        self.assertIn("2 customers transferred to you by Asg Manager", received.subject)
        self.assertIn("常州纺机有限公司", received.body)
        self.assertIn("2 open leads and opportunities and 3 activities", received.body)
        self.assertEqual(len(self._notifications(self.zhang)), 1)

    def test_transfer_options_and_checks(self):
        wizard = self._transfer_wizard(user_to_id=self.zhang, reason="x")
        with self.assertRaisesRegex(UserError, "two different salespeople"):
            wizard.action_transfer()
        wizard = self._transfer_wizard(user_to_id=self.wang, reason="x")
        wizard.reason = " "
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_transfer()
        self.assertEqual(self.customer.user_id, self.zhang, "nothing was half-written")
        with self.assertRaises(AccessError):
            wizard.with_user(self.li).action_transfer()
        wizard = self._transfer_wizard(
            user_to_id=self.wang,
            reason="Only customers",
            include_leads=False,
            include_activities=False,
            include_shared=False,
        )
        wizard.action_transfer()
        self.assertEqual(self.customer.user_id, self.wang)
        self.assertEqual(self.opportunity.user_id, self.zhang)
        self.assertEqual(self.act_customer.user_id, self.zhang)
        self.assertEqual(self.shared.crm_shared_user_ids, self.zhang)
