from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.crm_core_ext.tools.partner_keys import crm_credit_code_is_valid

SUITE = (
    "crm_core_ext",
    "crm_loyalty",
    "crm_service_desk",
    "crm_channel_mgmt",
    "crm_industry_pharma",
    "crm_sms_gateway",
    "crm_channel_service",
    "crm_pharma_channel",
    "crm_pharma_sms",
)


def _with_demo(env):
    return env["ir.module.module"]._get("crm_suite").demo


@tagged("post_install", "-at_install")
class TestSuiteInstall(TransactionCase):
    def test_installs_every_module_of_the_suite(self):
        modules = self.env["ir.module.module"].search([("name", "in", SUITE)])
        self.assertEqual(sorted(modules.mapped("name")), sorted(SUITE))
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        suite = self.env["ir.module.module"]._get("crm_suite")
        self.assertTrue(set(SUITE) <= set(suite.dependencies_id.mapped("name")))

    def test_demo_company_and_administrator_work_in_chinese(self):
        company = self.env.ref("base.main_company")
        admin = self.env.ref("base.user_admin")
        if not _with_demo(self.env):
            # Without demo data the meta module changes nobody's company or language.
            self.assertNotEqual(company.name, "杭州华远机电设备有限公司")
            self.assertNotEqual(admin.lang, "zh_CN")
            return
        self.assertEqual(company.country_id, self.env.ref("base.cn"))
        self.assertEqual(company.state_id, self.env.ref("base.state_cn_ZJ"))
        self.assertTrue(crm_credit_code_is_valid(company.company_registry))
        self.assertEqual(company.partner_id.crm_credit_code, company.company_registry)
        self.assertEqual(admin.lang, "zh_CN")
        self.assertEqual(admin.tz, "Asia/Shanghai")
        self.assertTrue(self.env["res.lang"]._lang_get("zh_CN").active)

    def test_chinese_terms_loaded_for_the_host_and_the_suite(self):
        """The modules installed before the language was turned on have their
        terms too: the host's (sale, crm) as well as the suite's."""
        if not _with_demo(self.env):
            self.env["res.lang"]._crm_suite_install_language("zh_CN")
        Menu = self.env["ir.ui.menu"].with_context(lang="zh_CN")
        self.assertEqual(Menu.browse(self.env.ref("crm_core_ext.crm_core_ext_menu_customers").id).name, "客户管理")
        self.assertEqual(Menu.browse(self.env.ref("crm_core_ext.crm_core_ext_menu_partner").id).name, "全部客户")
        self.assertEqual(Menu.browse(self.env.ref("sale.sale_menu_root").id).name, "销售")
        self.assertEqual(Menu.browse(self.env.ref("crm.crm_menu_root").id).name, "客户关系管理")

    def test_installing_the_language_twice_changes_nothing(self):
        Lang = self.env["res.lang"]
        first = Lang._crm_suite_install_language("zh_CN")
        self.assertEqual(Lang._crm_suite_install_language("zh_CN"), first)
        self.assertEqual(Lang.search_count([("code", "=", "zh_CN")]), 1)


@tagged("post_install", "-at_install")
class TestSuiteTour(HttpCase):
    def test_chinese_administrator_finds_the_customers(self):
        if not _with_demo(self.env):
            self.env["res.lang"]._crm_suite_install_language("zh_CN")
            self.env.ref("base.user_admin").lang = "zh_CN"
        self.env["res.partner"].create({"name": "浙江之江测试机械有限公司", "is_company": True})
        self.start_tour("/odoo", "crm_suite_chinese_admin_tour", login="admin")
