import { registry } from "@web/core/registry";

// Data comes from tests/test_i18n_labels.py: a user working in Simplified
// Chinese, a draft sales plan of 2026 and one assignment of a customer.

function assertShownInFull(row, names) {
    for (const name of names) {
        const cell = row.querySelector(`td[name='${name}']`);
        for (const el of [cell, ...cell.querySelectorAll("*")]) {
            if (el.scrollWidth > el.clientWidth + 1) {
                throw new Error(`Column ${name} cuts ${cell.textContent.trim()}`);
            }
        }
    }
}

registry.category("web_tour.tours").add("crm_core_ext_zh_list_tour", {
    steps: () => [
        {
            content: "Sales plans: Chinese dates shown in full",
            trigger: ".o_list_view .o_data_row:contains('中文日期测试计划'):has(td[name='date_to']:contains('2026年12月31日'))",
            run() {
                assertShownInFull(this.anchor, ["date_from", "date_to"]);
            },
        },
        {
            content: "Open the plan",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('中文日期测试计划')",
            run: "click",
        },
        {
            content: "The year has no thousands separator",
            trigger: ".o_form_view .o_field_widget[name='year'] input:value('2026')",
        },
        {
            content: "Open the customer management menu",
            trigger: ".o_main_navbar button:contains('客户管理')",
            run: "click",
        },
        {
            content: "Its assignment history, under 分配与公海",
            trigger: ".dropdown-menu_group:contains('分配与公海') ~ .dropdown-item:contains('分配记录')",
            run: "click",
        },
        {
            content: "Assignment history: date and time shown in full",
            trigger: ".o_list_view .o_data_row:contains('中文日期测试客户'):has(td[name='type']:contains('客户移交'))",
            run() {
                assertShownInFull(this.anchor, ["date"]);
            },
        },
    ],
});
