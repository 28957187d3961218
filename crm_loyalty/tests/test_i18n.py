from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_core_ext.tests.i18n_check import TranslationCompletenessMixin
from odoo.addons.crm_core_ext.tests.test_i18n_labels import load_zh_cn


@tagged("post_install", "-at_install")
class TestTranslation(TranslationCompletenessMixin, TransactionCase):
    _i18n_module = "crm_loyalty"


@tagged("post_install", "-at_install")
class TestChineseLabels(TransactionCase):
    """The points have their own sub-menu of 客户管理 in Chinese, and the
    inventory transfer keeps Odoo's word (调拨)."""

    def test_menus_and_transfer(self):
        load_zh_cn(self.env, ["crm_core_ext", "crm_loyalty"])
        points = self.env.ref("crm_loyalty.crm_loyalty_menu_points").with_context(lang="zh_CN")
        self.assertEqual(points.name, "会员积分")
        self.assertEqual(points.parent_id, self.env.ref("crm_core_ext.crm_core_ext_menu_customers"))
        self.assertEqual(
            (points.child_id.sorted("sequence").mapped("name")),
            ["积分台账", "等级变动"],
        )
        self.assertEqual(self.env["ir.model"].with_context(lang="zh_CN")._get("stock.picking").name, "调拨")
