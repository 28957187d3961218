from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCreditTour(HttpCase):
    def test_credit_refused_then_approved(self):
        company = self.env.ref("base.main_company")
        company.write({"account_use_credit_limit": True, "crm_credit_policy": "approval"})
        salesman = new_test_user(
            self.env, login="tour_salesman", groups="sales_team.group_sale_salesman", company_id=company.id
        )
        manager = new_test_user(
            self.env,
            login="tour_credit_manager",
            groups="sales_team.group_sale_salesman,crm_core_ext.crm_core_ext_group_credit_manager",
            company_id=company.id,
        )
        customer = self.env["res.partner"].create({"name": "信用测试客户", "is_company": True})
        customer.with_company(company).credit_limit = 5000
        product = self.env["product.product"].create(
            {"name": "Tour Product", "type": "service", "list_price": 10000, "taxes_id": [Command.clear()]}
        )
        order = (
            self.env["sale.order"]
            .with_user(salesman)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "price_unit": 10000, "tax_id": [Command.clear()]})
                    ],
                }
            )
        )
        url = f"/odoo/sales/{order.id}"
        self.start_tour(url, "crm_credit_refused_tour", login=salesman.login)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.crm_credit_approval_state, "requested")
        self.assertTrue(order.activity_ids.filtered(lambda a: a.user_id == manager))

        self.start_tour(url, "crm_credit_approve_tour", login=manager.login)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.crm_credit_approval_state, "approved")
        self.assertEqual(order.crm_credit_approved_uid, manager)
