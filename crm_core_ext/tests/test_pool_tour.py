from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPoolTour(HttpCase):
    def test_claim_from_public_pool(self):
        company = self.env.ref("base.main_company")
        company.write({"crm_pool_days": 90, "crm_pool_claim_cap": 5})
        salesman = new_test_user(
            self.env,
            login="tour_pool_salesman",
            name="Tour Pool Salesman",
            groups="sales_team.group_sale_salesman,crm_core_ext.crm_core_ext_group_own_customers",
            company_id=company.id,
        )
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Pool Customer",
                "is_company": True,
                "city": "杭州",
                "crm_pool_since": "2025-01-01 00:00:00",
                "crm_pool_company_id": company.id,
            }
        )
        self.start_tour("/odoo/crm", "crm_pool_claim_tour", login=salesman.login)
        self.assertEqual(customer.user_id, salesman)
        self.assertFalse(customer.crm_pool_since)
        history = self.env["crm.customer.assignment"].search([("partner_id", "=", customer.id)])
        self.assertEqual(history.type, "claim")
        self.assertEqual(history.user_to_id, salesman)
