from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDuplicateTour(HttpCase):
    def test_duplicate_shown_and_merged(self):
        company = self.env.ref("base.main_company")
        company.country_id = self.env.ref("base.cn")
        salesman = new_test_user(
            self.env,
            login="tour_dup_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        existing = self.env["res.partner"].create(
            {"name": "北京华为技术有限公司", "is_company": True, "phone": "010-62551234"}
        )
        self.start_tour("/odoo/contacts/new", "crm_duplicate_tour", login=salesman.login)
        self.assertTrue(existing.exists(), "the oldest customer is kept")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "北京 华为技术")]))
