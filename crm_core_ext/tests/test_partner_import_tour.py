import base64

from odoo.tests import HttpCase, new_test_user, tagged

from .test_partner_import import CODE_YUNFAN, row, xlsx


@tagged("post_install", "-at_install")
class TestPartnerImportTour(HttpCase):
    def test_import_with_a_duplicate(self):
        company = self.env.ref("base.main_company")
        manager = new_test_user(
            self.env, login="tour_import_manager", groups="sales_team.group_sale_manager", company_id=company.id
        )
        new_test_user(
            self.env, login="tour_zhang", name="张销售", groups="sales_team.group_sale_salesman", company_id=company.id
        )
        existing = self.env["res.partner"].create(
            {
                "name": "北京华拓科技股份有限公司",
                "is_company": True,
                "mobile": "+86 139 1111 2222",
                "country_id": self.env.ref("base.cn").id,
            }
        )
        content = xlsx(
            [
                row("杭州云帆机械有限公司", CODE_YUNFAN, "王建国", "138 0013 8000", 省份="浙江省", 负责人="张销售"),
                row("杭州云帆机械有限公司", CODE_YUNFAN, "陈静", "+86 139-0571-2222", 省份="浙江省", 负责人="张销售"),
                row("北京 华拓科技", contact="钱伟", mobile="86-13911112222", 负责人="张销售"),
            ]
        )
        self.env["ir.attachment"].with_user(manager).create(
            {"name": "crm_partner_import_tour.xlsx", "datas": base64.b64encode(content)}
        )
        partner_count = self.env["res.partner"].search_count([])

        self.start_tour("/odoo/crm", "crm_partner_import_tour", login=manager.login)

        imported = self.env["res.partner"].search([("name", "=", "杭州云帆机械有限公司")])
        self.assertEqual(len(imported), 1)
        self.assertEqual(imported.crm_credit_code, CODE_YUNFAN)
        self.assertEqual(sorted(imported.child_ids.mapped("name")), sorted(["王建国", "陈静"]))
        self.assertFalse(self.env["res.partner"].search([("name", "in", ["北京 华拓科技", "钱伟"])]))
        self.assertFalse(existing.child_ids)
        self.assertEqual(self.env["res.partner"].search_count([]), partner_count + 3)
