from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionSecurity(CommissionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_2 = cls.env["res.partner"].create(
            {"name": "温州代理商", "is_company": True, "agent": True, "commission_id": cls.commission_agent.id}
        )
        cls.dealer_js.agent_ids = cls.agent_2
        cls.portal_agent = cls._user("commission_agent_portal", "base.group_portal")
        cls.portal_agent.partner_id.parent_id = cls.agent
        cls.other_salesman = cls._user("commission_other_salesman", "sales_team.group_sale_salesman")
        cls.other_salesman.partner_id.write(
            {"agent": True, "agent_type": "salesman", "commission_id": cls.commission_tiers.id}
        )
        invoice_1 = cls._invoice(cls.dealer_sh, [(cls.banlangen, 1000.0)])
        invoice_2 = cls._invoice(cls.dealer_js, [(cls.banlangen, 1000.0)], user=cls.other_salesman)
        cls._pay(invoice_1)
        cls._pay(invoice_2)
        Line = cls.env["crm.channel.commission.line"]
        cls.line_agent = Line.search([("move_id", "=", invoice_1.id)])
        cls.line_agent_2 = Line.search([("move_id", "=", invoice_2.id), ("agent_id", "=", cls.agent_2.id)])
        cls.line_employee = Line.search(
            [("move_id", "=", invoice_2.id), ("agent_id", "=", cls.other_salesman.partner_id.id)]
        )

    def test_portal_agent_sees_only_its_own(self):
        Line = self.env["crm.channel.commission.line"].with_user(self.portal_agent)
        self.assertEqual(Line.search([]), self.line_agent)
        with self.assertRaises(AccessError):
            self.line_agent_2.with_user(self.portal_agent).read(["amount"])
        with self.assertRaises(AccessError):
            self.line_agent.with_user(self.portal_agent).write({"amount": 1000.0})
        with self.assertRaises(AccessError):
            self.env["commission.settlement"].with_user(self.portal_agent).search([])

    def test_channel_user_sees_agents_not_colleagues(self):
        self.assertTrue(self.line_employee)
        Line = self.env["crm.channel.commission.line"].with_user(self.channel_user)
        self.assertEqual(
            Line.search([]) & (self.line_agent | self.line_agent_2 | self.line_employee),
            self.line_agent | self.line_agent_2,
        )
        with self.assertRaises(AccessError):
            self.line_employee.with_user(self.channel_user).read(["amount"])
        with self.assertRaises(AccessError):
            self.line_agent.with_user(self.channel_user).write({"amount": 0.0})
        with self.assertRaises(AccessError):
            self.commission_agent.with_user(self.channel_user).write({"fix_qty": 50})

    def test_salesperson_sees_own_commission(self):
        self.other_salesman.groups_id += self.env.ref("crm_channel_mgmt.crm_channel_mgmt_group_user")
        Line = self.env["crm.channel.commission.line"].with_user(self.other_salesman)
        self.assertIn(self.line_employee, Line.search([]))

    def test_manager_sees_all(self):
        Line = self.env["crm.channel.commission.line"].with_user(self.channel_manager)
        lines = self.line_agent | self.line_agent_2 | self.line_employee
        self.assertEqual(Line.search([("id", "in", lines.ids)]), lines)

    def test_multi_company_isolation(self):
        other = self.setup_other_company()["company"]
        self.commission_agent.company_id = False  # shared between the companies
        invoice = self._invoice(self.dealer_sh, [(self.banlangen, 1000.0)], company=other)
        self._pay(invoice)
        line_b = self._lines(invoice)
        self.assertEqual(line_b.company_id, other)
        manager_b = self._user("commission_manager_b", "crm_channel_mgmt.crm_channel_mgmt_group_manager", company=other)
        self.assertEqual(self.env["crm.channel.commission.line"].with_user(manager_b).search([]), line_b)
        self.assertNotIn(line_b, self.env["crm.channel.commission.line"].with_user(self.channel_manager).search([]))
        with self.assertRaises(AccessError):
            line_b.with_user(self.channel_manager).read(["amount"])
        # a commission type of company A does not pay in company B
        self.commission_agent.company_id = self.company
        invoice = self._invoice(self.dealer_sh, [(self.banlangen, 1000.0)], company=other)
        self._pay(invoice)
        self.assertFalse(self._lines(invoice))
