from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class CompetitorCommon(TransactionCase):
    """Two companies; in company A two salespeople and a sales manager, in
    company B a salesperson; a customer with contacts, competitors with
    products, and helpers that create opportunities."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "竞争测试 B 公司"})

        def user(login, groups, company):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.salesman = user("cmp_salesman", "sales_team.group_sale_salesman", cls.company_a)
        cls.salesman_2 = user("cmp_salesman_2", "sales_team.group_sale_salesman", cls.company_a)
        cls.manager = user("cmp_manager", "sales_team.group_sale_manager", cls.company_a)
        cls.salesman_b = user("cmp_salesman_b", "sales_team.group_sale_salesman", cls.company_b)

        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "苏州华信科技有限公司", "is_company": True})
        cls.boss, cls.engineer, cls.buyer = Partner.create(
            [
                {"name": "王总", "parent_id": cls.customer.id, "function": "总经理"},
                {"name": "李工", "parent_id": cls.customer.id, "function": "技术部经理"},
                {"name": "赵采购", "parent_id": cls.customer.id, "function": "采购专员"},
            ]
        )
        cls.competitor_x, cls.competitor_y = Partner.create(
            [
                {"name": "测试对手甲有限公司", "is_company": True, "crm_is_competitor": True},
                {"name": "测试对手乙有限公司", "is_company": True, "crm_is_competitor": True},
            ]
        )
        cls.product = cls.env["product.product"].create({"name": "Competitor Test Desk", "list_price": 1000.0})
        cls.x_desk = cls.env["crm.competitor.product"].create(
            {"competitor_id": cls.competitor_x.id, "name": "X 办公桌", "product_id": cls.product.id, "price": 850.0}
        )
        cls.y_desk = cls.env["crm.competitor.product"].create(
            {"competitor_id": cls.competitor_y.id, "name": "Y 办公桌", "product_id": cls.product.id, "price": 1200.0}
        )

    @classmethod
    def _lead(cls, name, user=None, revenue=0.0, company=None, partner=None, competitors=()):
        """An opportunity of `user` with a line per competitor in `competitors`."""
        company = company or cls.company_a
        return (
            cls.env["crm.lead"]
            .with_company(company)
            .create(
                {
                    "name": name,
                    "type": "opportunity",
                    "user_id": user.id if user else False,
                    "partner_id": (partner or cls.customer).id,
                    "expected_revenue": revenue,
                    "company_id": company.id,
                    "crm_competitor_line_ids": [
                        Command.create({"competitor_id": competitor.id}) for competitor in competitors
                    ],
                }
            )
        )
