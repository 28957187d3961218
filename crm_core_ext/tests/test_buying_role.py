from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .competitor_common import CompetitorCommon


@tagged("post_install", "-at_install")
class TestBuyingRole(CompetitorCommon):
    """Buying roles (联系人决策树): the boss decides, the engineer evaluates and
    reports to the boss, the buyer keeps the gate and reports to the engineer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls._lead("华信 ERP 项目", cls.salesman, revenue=80000.0)
        Role = cls.env["crm.lead.buying.role"]
        cls.boss_role = Role.create(
            {"lead_id": cls.lead.id, "partner_id": cls.boss.id, "role": "decision_maker", "influence": 5}
        )
        cls.engineer_role = Role.create(
            {
                "lead_id": cls.lead.id,
                "partner_id": cls.engineer.id,
                "role": "technical_evaluator",
                "influence": 4,
                "attitude": "opponent",
                "reports_to_id": cls.boss_role.id,
            }
        )
        cls.buyer_role = Role.create(
            {
                "lead_id": cls.lead.id,
                "partner_id": cls.buyer.id,
                "role": "gatekeeper",
                "influence": 2,
                "attitude": "supporter",
                "reports_to_id": cls.engineer_role.id,
            }
        )
        cls.roles = cls.boss_role | cls.engineer_role | cls.buyer_role

    def _reports_to(self):
        self.env.invalidate_all()
        return {role.partner_id.name: role.reports_to_id.partner_id.name for role in self.roles}

    def test_salesperson_fills_the_tab(self):
        """On the opportunity form, a salesperson adds contacts with their role, influence and attitude."""
        lead = self._lead("表单商机", self.salesman)
        with Form(lead.with_user(self.salesman)) as form:
            with form.crm_buying_role_ids.new() as line:
                line.partner_id = self.boss
                line.role = "decision_maker"
                line.influence = 5
                line.attitude = "supporter"
            with form.crm_buying_role_ids.new() as line:
                line.partner_id = self.buyer
                line.role = "user"
        self.assertRecordValues(
            lead.crm_buying_role_ids.sorted("id"),
            [
                {"partner_id": self.boss.id, "role": "decision_maker", "influence": 5, "attitude": "supporter"},
                {"partner_id": self.buyer.id, "role": "user", "influence": 3, "attitude": "neutral"},
            ],
        )
        boss, buyer = lead.crm_buying_role_ids.sorted("id")
        buyer.with_user(self.salesman).reports_to_id = boss
        self.assertEqual(boss.child_ids, buyer)
        self.assertEqual(boss.function, "总经理")
        self.assertEqual(boss.display_name, "王总 (Decision Maker)")

    def test_influence_out_of_range(self):
        """Influence 0 or 6 is refused on create and on write; nothing is written."""
        Role = self.env["crm.lead.buying.role"].with_user(self.salesman)
        other = self.env["res.partner"].create({"name": "钱主任", "parent_id": self.customer.id})
        for influence in (0, 6, -1):
            with self.assertRaises(ValidationError):
                Role.create({"lead_id": self.lead.id, "partner_id": other.id, "influence": influence})
            with self.assertRaises(ValidationError):
                self.buyer_role.with_user(self.salesman).write({"influence": influence, "attitude": "opponent"})
        self.env.invalidate_all()
        self.assertFalse(Role.search([("partner_id", "=", other.id)]))
        self.assertEqual((self.buyer_role.influence, self.buyer_role.attitude), (2, "supporter"))
        for influence in (1, 5):
            self.buyer_role.with_user(self.salesman).influence = influence
            self.assertEqual(self.buyer_role.influence, influence)

    def test_reporting_cycle_refused(self):
        """Nobody reports to themselves, directly or through others; nothing is written."""
        before = self._reports_to()
        self.assertEqual(before, {"王总": False, "李工": "王总", "赵采购": "李工"})
        boss = self.boss_role.with_user(self.salesman)
        with self.assertRaises(ValidationError):
            boss.reports_to_id = self.boss_role
        with self.assertRaises(ValidationError):
            boss.reports_to_id = self.buyer_role  # boss -> buyer -> engineer -> boss
        with self.assertRaises(ValidationError):  # through the opportunity form's commands
            self.lead.with_user(self.salesman).crm_buying_role_ids = [
                Command.update(self.boss_role.id, {"reports_to_id": self.engineer_role.id, "influence": 4}),
            ]
        self.assertEqual(self._reports_to(), before)
        self.assertEqual(self.boss_role.influence, 5)

    def test_reports_to_other_opportunity_refused(self):
        """A contact reports to someone on the same opportunity only, also when a role moves; nothing is written."""
        other_lead = self._lead("另一商机", self.salesman)
        stranger = self.env["crm.lead.buying.role"].create(
            {"lead_id": other_lead.id, "partner_id": self.boss.id, "role": "decision_maker"}
        )
        before = self._reports_to()
        with self.assertRaises(ValidationError):
            self.buyer_role.with_user(self.salesman).reports_to_id = stranger
        with self.assertRaises(ValidationError):  # the boss moves away, the engineer still reports to them
            self.boss_role.with_user(self.salesman).lead_id = other_lead
        with self.assertRaises(ValidationError):  # a contact twice on one opportunity
            self.env["crm.lead.buying.role"].create(
                {"lead_id": self.lead.id, "partner_id": self.boss.id, "role": "user"}
            )
        self.assertEqual(self._reports_to(), before)
        self.assertEqual(self.boss_role.lead_id, self.lead)
        self.assertEqual(len(self.lead.crm_buying_role_ids), 3)

    def test_hierarchy(self):
        """The decision tree view reads the roles of one opportunity as a tree from the decision maker."""
        action = self.lead.with_user(self.salesman).action_crm_buying_role_hierarchy()
        self.assertEqual(action["view_mode"].split(",")[0], "hierarchy")
        self.assertEqual(action["domain"], [("lead_id", "=", self.lead.id)])
        Role = self.env["crm.lead.buying.role"].with_user(self.salesman)
        nodes = {
            node["id"]: node
            for node in Role.hierarchy_read(action["domain"], ["partner_id", "role", "influence"], "reports_to_id")
        }
        self.assertEqual(set(nodes), set(self.roles.ids))
        self.assertFalse(nodes[self.boss_role.id]["reports_to_id"])
        self.assertEqual(nodes[self.boss_role.id]["__child_ids__"], self.engineer_role.ids)
        self.assertEqual(nodes[self.engineer_role.id]["__child_ids__"], self.buyer_role.ids)
        arch = Role.get_views([(False, "hierarchy")])["views"]["hierarchy"]["arch"]
        self.assertIn('parent_field="reports_to_id"', arch)

    def test_access_salesperson_vs_manager(self):
        """Roles follow the opportunity: a salesperson sees and edits own ones, a manager every one."""
        other = self._lead("别人的项目", self.salesman_2)
        other_role = self.env["crm.lead.buying.role"].create(
            {"lead_id": other.id, "partner_id": self.boss.id, "role": "decision_maker"}
        )
        Role = self.env["crm.lead.buying.role"]
        domain = [("lead_id", "in", (self.lead | other).ids)]
        self.assertEqual(Role.with_user(self.salesman).search(domain), self.roles)
        self.assertEqual(Role.with_user(self.manager).search(domain), self.roles | other_role)
        self.engineer_role.with_user(self.salesman).attitude = "neutral"
        with self.assertRaises(AccessError):
            other_role.with_user(self.salesman).write({"attitude": "opponent"})
        with self.assertRaises(AccessError):
            Role.with_user(self.salesman).create({"lead_id": other.id, "partner_id": self.buyer.id})
        other_role.with_user(self.manager).attitude = "supporter"
        self.assertEqual(other_role.attitude, "supporter")
        self.buyer_role.with_user(self.salesman).unlink()
        self.assertFalse(self.buyer_role.exists())

    def test_multi_company(self):
        """A company-B user does not see company A's decision trees; a company-B contact is refused on A."""
        b_contact = self.env["res.partner"].create({"name": "B 公司联系人", "company_id": self.company_b.id})
        b_lead = self._lead("B 的项目", self.salesman_b, company=self.company_b, partner=b_contact)
        b_role = self.env["crm.lead.buying.role"].create({"lead_id": b_lead.id, "partner_id": b_contact.id})
        Role = self.env["crm.lead.buying.role"]
        self.assertEqual(Role.with_user(self.salesman_b).search([]), b_role)
        self.assertNotIn(b_role, Role.with_user(self.salesman).search([]))
        with self.assertRaises(AccessError):
            b_role.with_user(self.salesman).read(["role"])
        with self.assertRaises(UserError):
            Role.create({"lead_id": self.lead.id, "partner_id": b_contact.id})
