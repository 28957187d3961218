import re
from pathlib import Path

import polib
from lxml import etree

from odoo import Command
from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

SUITE_MODULES = ("crm_core_ext", "crm_loyalty", "crm_service_desk")

# Words of the suite's Chinese that one English word used for two meanings
# once put in the wrong place, and the words the suite does not use.
WRONG_WORDS = {
    "升迁": "escalation is 升级",
    "业务员": "a salesperson is 销售员",
    "顾客": "a customer is 客户",
    "州": "the state of an address is 省份",
}


def load_zh_cn(env, modules):
    """Simplified Chinese active, with the suite's translations loaded."""
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"]._load_module_terms(list(modules), ["zh_CN"], overwrite=True)
    env.registry.clear_all_caches()


@tagged("post_install", "-at_install")
class TestChineseLabels(TransactionCase):
    """Key screens read right in Simplified Chinese: each English source
    string means one thing, so that its translation fits every place it is
    shown (a sales plan's end date once showed 新负责人, the "To" of the
    assignment history)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_zh_cn(cls.env, ["crm_core_ext"])
        cls.manager = new_test_user(
            cls.env,
            login="zh_labels_manager",
            groups="sales_team.group_sale_manager,crm_core_ext.crm_core_ext_group_manager,"
            "crm_core_ext.crm_core_ext_group_credit_manager",
            lang="zh_CN",
        )

    def _views(self, model, views):
        return self.env[model].with_user(self.manager).with_context(lang="zh_CN").get_views(views)

    def _labels(self, result, model):
        return {name: desc["string"] for name, desc in result["models"][model]["fields"].items()}

    def _selection(self, result, model, field):
        return dict(result["models"][model]["fields"][field]["selection"])

    def _arch(self, result, view_type):
        return etree.fromstring(result["views"][view_type]["arch"])

    def test_sales_plan_form(self):
        result = self._views("crm.sales.target", [(False, "form")])
        labels = self._labels(result, "crm.sales.target")
        self.assertEqual((labels["date_from"], labels["date_to"]), ("开始日期", "结束日期"))
        self.assertEqual(self._selection(result, "crm.sales.target", "period_type")["year"], "年度")
        lines = self._labels(result, "crm.sales.target.line")
        self.assertEqual((lines["date_from"], lines["date_to"]), ("开始日期", "结束日期"))
        self.assertEqual(lines["achievement"], "完成率（%）")
        year = self._arch(result, "form").xpath("//field[@name='year']")[0]
        self.assertIn("'enable_formatting': false", year.get("options"), "a year is shown as 2026, not 2,026")

    def test_assignment_history(self):
        result = self._views("crm.customer.assignment", [(False, "list"), (False, "search")])
        labels = self._labels(result, "crm.customer.assignment")
        self.assertEqual((labels["user_from_id"], labels["user_to_id"]), ("原销售员", "新销售员"))
        self.assertEqual(self._selection(result, "crm.customer.assignment", "type")["transfer"], "客户移交")
        group_bys = {f.get("name"): f.get("string") for f in self._arch(result, "search").iter("filter")}
        self.assertEqual((group_bys["group_from"], group_bys["group_to"]), ("原销售员", "新销售员"))

    def test_transfer_wizard(self):
        result = self._views("crm.customer.transfer.wizard", [(False, "form")])
        arch = self._arch(result, "form")
        self.assertEqual(arch.xpath("//button[@name='action_transfer']")[0].get("string"), "移交")
        labels = self._labels(result, "crm.customer.transfer.wizard")
        self.assertEqual((labels["user_from_id"], labels["user_to_id"]), ("移交销售员", "接收销售员"))
        self.assertNotIn("调拨", etree.tostring(arch, encoding="unicode"))

    def test_partner_forms(self):
        competitor = self.env.ref("crm_core_ext.res_partner_view_form_competitor")
        arch = self._arch(self._views("res.partner", [(competitor.id, "form")]), "form")
        self.assertEqual(arch.xpath("//field[@name='state_id']")[0].get("placeholder"), "省份")
        result = self._views("res.partner", [(False, "form")])
        labels = self._labels(result, "res.partner")
        self.assertEqual(labels["crm_credit_code"], "统一社会信用代码")
        self.assertEqual(labels["crm_lifecycle_stage_id"], "生命周期阶段")
        self.assertEqual(labels["crm_value_level_id"], "价值等级")

    def test_sale_order_form(self):
        result = self._views("sale.order", [(False, "form")])
        arch = self._arch(result, "form")
        self.assertEqual(
            arch.xpath("//button[@name='action_crm_credit_request_approval']")[0].get("string"), "申请信用审批"
        )
        self.assertEqual(self._labels(result, "sale.order")["crm_credit_approval_state"], "信用审批")

    def test_one_word_one_meaning(self):
        """Labels that shared an English word with another meaning."""
        increase = self._labels(
            self._views("crm.credit.limit.increase", [(False, "form")]), "crm.credit.limit.increase"
        )
        self.assertEqual((increase["date_start"], increase["date_end"]), ("生效日期", "截止日期"))
        result = self._views("crm.credit.model", [(False, "form")])
        self.assertEqual(self._labels(result, "crm.credit.model")["level_ids"], "信用等级")
        order = self.env["crm.competitor.order"].with_context(lang="zh_CN").fields_get(["rating_ids"], ["string"])
        self.assertEqual(order["rating_ids"]["string"], "评价")
        roles = self._views("crm.lead.buying.role", [(False, "list")])
        self.assertEqual(self._selection(roles, "crm.lead.buying.role", "role")["user"], "使用者")
        log = self._labels(self._views("crm.care.log", [(False, "form")]), "crm.care.log")
        self.assertEqual(log["mail_status"], "邮件状态")

    def test_customer_management_menu(self):
        """The customer management menu holds a few sub-menus a sales manager
        understands, every action stays reachable, each user sees what their
        groups allow."""
        root = self.env.ref("crm_core_ext.crm_core_ext_menu_customers")
        Menu = self.env["ir.ui.menu"].with_context(lang="zh_CN")
        sub_menus = Menu.search([("parent_id", "=", root.id)])
        self.assertFalse(sub_menus.filtered("action"), "only sub-menus directly under 客户管理")
        names = set(sub_menus.mapped("name"))
        self.assertLessEqual(
            {"客户", "信用", "价值与生命周期", "竞争对手", "客户关怀", "分配与公海", "查重与导入", "销售目标"}, names
        )
        actions = Menu.search([("id", "child_of", root.id), ("action", "!=", False)]).mapped("action")
        for xmlid in (
            "crm_core_ext.crm_credit_exposure_report_action",
            "crm_core_ext.sale_order_action_credit_approval",
            "crm_core_ext.crm_credit_limit_increase_action",
            "crm_core_ext.res_partner_action_crm_lifecycle_analysis",
            "crm_core_ext.crm_lifecycle_history_action",
            "crm_core_ext.crm_lifecycle_flow_action",
            "crm_core_ext.crm_value_pyramid_action",
            "crm_core_ext.crm_value_history_action",
            "crm_core_ext.res_partner_action_competitor",
            "crm_core_ext.crm_competitor_product_action",
            "crm_core_ext.crm_competitor_product_action_comparison",
            "crm_core_ext.crm_lead_competitor_action",
            "crm_core_ext.crm_competitor_order_action",
            "crm_core_ext.crm_care_activity_action",
            "crm_core_ext.crm_care_event_action",
            "crm_core_ext.crm_care_log_action",
            "crm_core_ext.res_partner_action_crm_pool",
            "crm_core_ext.crm_customer_transfer_wizard_action",
            "crm_core_ext.crm_customer_assignment_action",
            "crm_core_ext.crm_partner_duplicate_action",
            "crm_core_ext.crm_partner_import_action",
            "crm_core_ext.crm_sales_target_action",
            "crm_core_ext.crm_sales_target_line_action",
            "crm_core_ext.crm_lead_buying_role_action",
        ):
            self.assertIn(self.env.ref(xmlid), actions, xmlid)

        salesman = new_test_user(
            self.env,
            login="zh_menu_salesman",
            groups="sales_team.group_sale_salesman,crm_core_ext.crm_core_ext_group_user",
        )
        visible = Menu.with_user(salesman)._visible_menu_ids()
        self.assertIn(self.env.ref("crm_core_ext.res_partner_menu_crm_pool").id, visible)
        self.assertIn(self.env.ref("crm_core_ext.crm_core_ext_menu_assignment").id, visible)
        self.assertNotIn(self.env.ref("crm_core_ext.crm_customer_transfer_wizard_menu").id, visible)
        self.assertNotIn(self.env.ref("crm_core_ext.crm_partner_import_menu").id, visible)
        self.assertIn(
            self.env.ref("crm_core_ext.crm_partner_import_menu").id, Menu.with_user(self.manager)._visible_menu_ids()
        )

    def test_glossary(self):
        """The suite's Chinese uses one word per notion (客户, 销售员, 升级,
        省份); 调拨 is only the inventory transfer (stock.picking)."""
        problems = []
        for module in SUITE_MODULES:
            path = get_module_path(module)
            if not path:
                continue
            for entry in polib.pofile(str(Path(path) / "i18n" / "zh_CN.po")):
                for word, why in WRONG_WORDS.items():
                    if word in entry.msgstr and not (word == "州" and re.search(r"[杭苏福广徐郑]州", entry.msgstr)):
                        problems.append(f"{module}: {entry.msgid!r} -> {entry.msgstr!r} ({why})")
                if "调拨" in entry.msgstr and not all(
                    occurrence.endswith(".model_stock_picking") for occurrence, __ in entry.occurrences
                ):
                    problems.append(f"{module}: {entry.msgid!r} -> {entry.msgstr!r} (a customer transfer is 移交)")
        self.assertFalse(problems, "\n".join(problems))


@tagged("post_install", "-at_install")
class TestChineseListTour(HttpCase):
    """A user working in Chinese sees whole dates in lists (the columns were
    sized for 01/05/2026 and cut 2026年01月05日 to 2026年0…) and years without a
    thousands separator, and finds the assignment history in its sub-menu."""

    def test_zh_cn_lists(self):
        load_zh_cn(self.env, ["crm_core_ext"])
        manager = new_test_user(
            self.env,
            login="zh_list_manager",
            groups="sales_team.group_sale_manager,crm_core_ext.crm_core_ext_group_manager",
            lang="zh_CN",
        )
        self.env["crm.sales.target"].create(
            {
                "name": "中文日期测试计划",
                "period_type": "year",
                "year": 2026,
                "user_id": manager.id,
                "line_ids": [Command.create({"user_id": manager.id, "target_amount": 1000})],
            }
        )
        customer = self.env["res.partner"].create({"name": "中文日期测试客户", "is_company": True})
        self.env["crm.customer.assignment"].create(
            {
                "partner_id": customer.id,
                "type": "transfer",
                "user_from_id": self.env.ref("base.user_admin").id,
                "user_to_id": manager.id,
                "reason": "调岗",
            }
        )
        self.start_tour("/odoo/crm-sales-targets", "crm_core_ext_zh_list_tour", login=manager.login)
