from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestOwnCustomersOnly(TransactionCase):
    """A salesperson with "Own Customers Only", tested as that user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        common = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.restricted = new_test_user(
            cls.env,
            login="own_restricted",
            groups="sales_team.group_sale_salesman,crm_core_ext.crm_core_ext_group_own_customers",
            **common,
        )
        cls.restricted_all_docs = new_test_user(
            cls.env,
            login="own_restricted_all",
            groups="sales_team.group_sale_salesman_all_leads,crm_core_ext.crm_core_ext_group_own_customers",
            **common,
        )
        cls.colleague = new_test_user(cls.env, login="own_colleague", groups="sales_team.group_sale_salesman", **common)
        cls.free = new_test_user(cls.env, login="own_free", groups="sales_team.group_sale_salesman_all_leads", **common)
        Partner = cls.env["res.partner"]

        def company_partner(name, user=None, **vals):
            return Partner.create(
                dict({"name": name, "is_company": True, "user_id": user.id if user else False}, **vals)
            )

        cls.mine = company_partner("我的客户", cls.restricted)
        cls.mine_contact = Partner.create({"name": "我的联系人", "parent_id": cls.mine.id})
        cls.shared = company_partner(
            "共享客户",
            cls.colleague,
            crm_shared_user_ids=[Command.set(cls.restricted.ids + cls.restricted_all_docs.ids)],
        )
        cls.others = company_partner("同事的客户", cls.colleague)
        cls.others_contact = Partner.create({"name": "同事的联系人", "parent_id": cls.others.id})
        cls.pool = company_partner("公海客户")
        cls.pool.sudo().write({"crm_pool_since": "2024-01-01 00:00:00", "crm_pool_company_id": company.id})
        cls.unowned = company_partner("无人负责的客户")
        cls.vendor = company_partner("供应商", supplier_rank=1)
        cls.visible = (
            cls.mine
            | cls.mine_contact
            | cls.shared
            | cls.pool
            | cls.unowned
            | cls.vendor
            | company.partner_id
            | cls.colleague.partner_id
        )
        cls.hidden = cls.others | cls.others_contact

        Lead = cls.env["crm.lead"]
        cls.lead_mine = Lead.create(
            {"name": "我的线索(同事客户)", "partner_id": cls.others.id, "user_id": cls.restricted.id}
        )
        cls.lead_others = Lead.create({"name": "同事线索", "partner_id": cls.mine.id, "user_id": cls.colleague.id})
        cls.lead_free_on_others = Lead.create(
            {"name": "未分配-同事客户", "partner_id": cls.others.id, "user_id": False}
        )
        cls.lead_free_on_mine = Lead.create({"name": "未分配-我的客户", "partner_id": cls.mine.id, "user_id": False})
        cls.lead_free = Lead.create({"name": "未分配-无客户", "user_id": False})

        todo = cls.env.ref("mail.mail_activity_data_todo")

        def activity(record, user):
            return cls.env["mail.activity"].create(
                {
                    "res_model_id": cls.env["ir.model"]._get_id(record._name),
                    "res_id": record.id,
                    "activity_type_id": todo.id,
                    "user_id": user.id,
                }
            )

        cls.act_others = activity(cls.others, cls.colleague)
        cls.act_others_lead = activity(cls.lead_others, cls.colleague)
        cls.act_on_mine = activity(cls.mine, cls.colleague)
        cls.act_for_me = activity(cls.others_contact, cls.restricted)

    def _search_partners(self, user):
        ids = (self.visible | self.hidden).ids
        return self.env["res.partner"].with_user(user).search([("id", "in", ids)])

    def test_partners(self):
        self.assertEqual(self._search_partners(self.restricted), self.visible)
        self.assertEqual(
            self._search_partners(self.restricted_all_docs),
            self.visible - self.mine - self.mine_contact,
            "'All Documents' does not lift the restriction",
        )
        partners = self.env["res.partner"].with_user(self.restricted)
        self.assertFalse(partners.name_search("同事的"), "nor does a name search find them")
        self.assertEqual(partners.browse(self.mine.ids).read(["name"])[0]["name"], "我的客户")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            partners.browse(self.others.ids).read(["name"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            partners.browse(self.others_contact.ids).write({"phone": "123"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            partners.create({"name": "给同事建的客户", "user_id": self.colleague.id})
        # the user's colleagues (internal users) stay visible, as users too
        self.assertIn(self.colleague, self.env["res.users"].with_user(self.restricted).search([]))

    def test_leads(self):
        leads = self.env["crm.lead"].with_user(self.restricted)
        all_leads = (
            self.lead_mine | self.lead_others | self.lead_free_on_others | self.lead_free_on_mine | self.lead_free
        )
        self.assertEqual(
            leads.search([("id", "in", all_leads.ids)]), self.lead_mine | self.lead_free_on_mine | self.lead_free
        )
        self.assertEqual(
            self.env["crm.lead"].with_user(self.restricted_all_docs).search([("id", "in", all_leads.ids)]),
            self.lead_free,
        )
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            leads.browse(self.lead_free_on_others.ids).read(["name"])

    def test_activities(self):
        activities = self.env["mail.activity"].with_user(self.restricted)
        all_acts = self.act_others | self.act_others_lead | self.act_on_mine | self.act_for_me
        self.assertEqual(activities.search([("id", "in", all_acts.ids)]), self.act_on_mine | self.act_for_me)
        with self.assertRaises(AccessError):
            activities.browse(self.act_others.ids).read(["summary"])
        with self.assertRaises(AccessError):
            activities.browse(self.act_others_lead.ids).read(["summary"])

    def test_pool_is_claimable(self):
        self.assertIn(
            self.pool, self.env["res.partner"].with_user(self.restricted).search([("crm_in_pool", "=", True)])
        )
        self.pool.with_user(self.restricted).action_crm_pool_claim()
        self.assertEqual(self.pool.user_id, self.restricted)
        self.assertIn(self.pool, self._search_partners(self.restricted))

    def test_without_the_group_nothing_changes(self):
        self.assertEqual(self._search_partners(self.free), self.visible | self.hidden)
        self.assertEqual(self._search_partners(self.colleague), self.visible | self.hidden)
        all_acts = self.act_others | self.act_others_lead | self.act_on_mine | self.act_for_me
        self.assertEqual(self.env["mail.activity"].with_user(self.free).search([("id", "in", all_acts.ids)]), all_acts)
        # the host's own rule: a salesperson without "all documents" sees own and unassigned leads
        self.assertEqual(
            self.env["crm.lead"].with_user(self.colleague).search([("name", "like", "未分配")]),
            self.lead_free_on_others | self.lead_free_on_mine | self.lead_free,
        )

    def test_history_follows_the_customers(self):
        self.env["res.partner"]._crm_assignment_record(
            [(self.others, self.env["res.users"], self.colleague), (self.mine, self.colleague, self.restricted)],
            "assign",
            "test",
            notify=False,
        )
        history = self.env["crm.customer.assignment"].with_user(self.restricted).search([])
        self.assertIn(self.mine, history.partner_id)
        self.assertNotIn(self.others, history.partner_id)

    def test_value_lifecycle_and_duplicate_rows_follow_the_customers(self):
        """The value history, the lifecycle history and the duplicate review
        show a restricted salesperson only rows of customers they may see."""
        company = self.env.company
        value_model = self.env["crm.value.model"].create(
            {
                "name": "Own customers test model",
                "company_id": company.id,
                "active": False,  # the company may have an active one already
                "level_ids": [Command.create({"name": "A", "code": "A", "min_score": 0})],
            }
        )
        values = self.env["crm.value.history"].create(
            [
                {"partner_id": partner.id, "company_id": company.id, "model_id": value_model.id, "date": "2025-01-01"}
                for partner in (self.mine, self.others, self.pool)
            ]
        )
        stage = self.env.ref("crm_core_ext.crm_lifecycle_stage_prospect")
        moves = self.env["crm.lifecycle.history"].create(
            [
                {"partner_id": partner.id, "company_id": company.id, "stage_to_id": stage.id, "trigger": "manual"}
                for partner in (self.mine, self.others, self.pool)
            ]
        )
        Duplicate = self.env["crm.partner.duplicate"]
        Duplicate._upsert_pairs(
            [
                (self.mine.id, self.pool.id, company.id, {"name"}),
                (self.others.id, self.unowned.id, company.id, {"phone"}),
                (self.mine.id, self.others.id, company.id, {"email"}),
            ]
        )
        ours = self.mine | self.others | self.pool | self.unowned
        pairs = Duplicate.search([("partner_id", "in", ours.ids), ("duplicate_id", "in", ours.ids)])
        visible_pairs = pairs.filtered(lambda pair: (pair.partner_id | pair.duplicate_id) <= self.visible)
        hidden_pairs = pairs - visible_pairs
        self.assertTrue(visible_pairs, "the pair of the user's customer and a pool customer")
        self.assertGreaterEqual(len(hidden_pairs), 2, "the pairs with the colleague's customer")

        as_restricted = self.env(user=self.restricted)
        self.assertEqual(
            as_restricted["crm.value.history"].search([("id", "in", values.ids)]).partner_id, self.mine | self.pool
        )
        self.assertEqual(
            as_restricted["crm.lifecycle.history"].search([("id", "in", moves.ids)]).partner_id,
            self.mine | self.pool,
        )
        self.assertEqual(as_restricted["crm.partner.duplicate"].search([("id", "in", pairs.ids)]), visible_pairs)
        # nor read by id, nor through the partner's related phone and e-mail
        hidden_value = values.filtered(lambda row: row.partner_id == self.others)
        with mute_logger("odoo.addons.base.models.ir_rule"):
            with self.assertRaises(AccessError):
                hidden_value.with_user(self.restricted).read(["score"])
            with self.assertRaises(AccessError):
                moves.filtered(lambda row: row.partner_id == self.others).with_user(self.restricted).read(["date"])
            with self.assertRaises(AccessError):
                hidden_pairs[:1].with_user(self.restricted).read(["partner_phone", "duplicate_email"])
            with self.assertRaises(AccessError):
                hidden_pairs[:1].with_user(self.restricted).action_dismiss()
        # an archived customer of the user keeps its history
        self.mine.action_archive()
        self.assertIn(self.mine, as_restricted["crm.value.history"].search([("id", "in", values.ids)]).partner_id)
        # without the group: everything, as before
        as_colleague = self.env(user=self.colleague)
        self.assertEqual(as_colleague["crm.value.history"].search_count([("id", "in", values.ids)]), 3)
        self.assertEqual(as_colleague["crm.lifecycle.history"].search_count([("id", "in", moves.ids)]), 3)
        self.assertEqual(as_colleague["crm.partner.duplicate"].search([("id", "in", pairs.ids)]), pairs)
