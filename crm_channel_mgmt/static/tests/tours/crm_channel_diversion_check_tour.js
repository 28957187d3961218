import { registry } from "@web/core/registry";

// Data comes from tests/test_diversion_tour.py: lot TOUR2601 delivered to
// 上海康健医药有限公司 (territory 上海); the inspector finds it in Jiangsu.

registry.category("web_tour.tours").add("crm_channel_diversion_check_tour", {
    steps: () => [
        {
            content: "New field check",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Type the lot number from the package",
            trigger: ".o_field_widget[name='lot_id'] input",
            run: "edit TOUR2601",
        },
        {
            content: "Pick the lot",
            trigger: ".o-autocomplete--dropdown-item:contains('TOUR2601')",
            run: "click",
        },
        {
            content: "Where: the shop",
            trigger: ".o_field_widget[name='place'] input",
            run: "edit 南京百姓大药房 中山路 1 号",
        },
        {
            content: "The province",
            trigger: ".o_field_widget[name='state_id'] input",
            run: "edit 江苏",
        },
        {
            content: "Pick Jiangsu",
            trigger: ".o-autocomplete--dropdown-item:contains('江苏')",
            run: "click",
        },
        {
            content: "Record the check",
            trigger: ".o_form_view button[name='action_record']",
            run: "click",
        },
        {
            content: "A diversion is found",
            trigger: ".o_form_view .alert-danger:contains('上海康健医药有限公司')",
        },
        {
            content: "Open the diversion case",
            trigger: ".o_form_view button[name='action_view_diversion']",
            run: "click",
        },
        {
            content: "The case is under investigation, with the evidence",
            trigger: ".o_form_view:has(.o_statusbar_status button[data-value='investigation'][aria-checked='true']) .o_field_widget[name='found_place']:contains('南京百姓大药房')",
        },
    ],
});
