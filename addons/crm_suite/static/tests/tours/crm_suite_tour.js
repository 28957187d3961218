import { registry } from "@web/core/registry";

// Data comes from tests/test_suite.py: the administrator works in Chinese and
// a customer 浙江之江测试机械有限公司 exists.

registry.category("web_tour.tours").add("crm_suite_chinese_admin_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the CRM app",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "The suite's customer menu is in Chinese",
            trigger: ".o_menu_sections button:contains('客户管理')",
            run: "click",
        },
        {
            content: "Open all customers",
            trigger: ".dropdown-item[data-menu-xmlid='crm_core_ext.crm_core_ext_menu_partner']",
            run: "click",
        },
        {
            content: "The customer is listed",
            trigger: ".o_kanban_record:contains('浙江之江测试机械有限公司')",
        },
    ],
});
