from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSalesTargetTour(HttpCase):
    def test_plan_then_salesman_sees_achievement(self):
        company = self.env.ref("base.main_company")
        manager = new_test_user(
            self.env, login="tour_target_manager", groups="sales_team.group_sale_manager", company_id=company.id
        )
        salesman = new_test_user(
            self.env,
            login="tour_target_salesman",
            name="Tour Target Salesman",
            groups="sales_team.group_sale_salesman",
            company_id=company.id,
        )
        customer = self.env["res.partner"].create({"name": "计划测试客户", "is_company": True})
        product = self.env["product.product"].create(
            {"name": "Tour Target Product", "type": "service", "list_price": 250, "taxes_id": [Command.clear()]}
        )
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": customer.id,
                    "user_id": salesman.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "price_unit": 250, "tax_id": [Command.clear()]})
                    ],
                }
            )
        )
        order.action_confirm()

        self.start_tour("/odoo/crm-sales-targets", "crm_sales_target_plan_tour", login=manager.login)
        plan = self.env["crm.sales.target"].search([("name", "=", "Tour Sales Plan")])
        self.assertEqual(plan.state, "confirmed")
        self.assertEqual((plan.line_ids.user_id, plan.line_ids.target_amount), (salesman, 1000))
        self.assertEqual(plan.line_ids.achievement, 25)

        self.start_tour("/odoo/crm-sales-target-lines", "crm_sales_target_salesman_tour", login=salesman.login)
