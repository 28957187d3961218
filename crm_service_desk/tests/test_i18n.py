from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.crm_core_ext.tests.i18n_check import TranslationCompletenessMixin
from odoo.addons.crm_core_ext.tests.test_i18n_labels import load_zh_cn


@tagged("post_install", "-at_install")
class TestTranslation(TranslationCompletenessMixin, TransactionCase):
    _i18n_module = "crm_service_desk"


@tagged("post_install", "-at_install")
class TestChineseLabels(TransactionCase):
    """The service request reads right in Simplified Chinese: an escalation is
    升级 (not 升迁, a promotion of a person)."""

    def test_service_request_form(self):
        load_zh_cn(self.env, ["crm_core_ext", "crm_service_desk"])
        manager = new_test_user(
            self.env,
            login="zh_service_manager",
            groups="crm_service_desk.crm_service_desk_group_manager",
            lang="zh_CN",
        )
        result = (
            self.env["crm.service.request"].with_user(manager).with_context(lang="zh_CN").get_views([(False, "form")])
        )
        fields = result["models"]["crm.service.request"]["fields"]
        self.assertEqual(fields["escalation_log_ids"]["string"], "升级记录")
        self.assertEqual(fields["partner_id"]["string"], "客户")
        methods = dict(result["models"]["crm.service.assignment"]["fields"]["method"]["selection"])
        self.assertEqual(methods["escalation"], "升级")
        self.assertEqual(
            self.env["ir.model"].with_context(lang="zh_CN")._get("crm.service.escalation.level").name, "服务升级级别"
        )
        menu = self.env.ref("crm_service_desk.crm_service_escalation_level_menu").with_context(lang="zh_CN")
        self.assertEqual(menu.name, "升级级别")
