import { registry } from "@web/core/registry";

// Data comes from tests/test_recall_tour.py (RecallCommon): lot L20261201
// delivered to a pharmacy (40, 15 of them returned) and to a hospital (20).

registry.category("web_tour.tours").add("crm_pharma_recall_tour", {
    url: "/odoo/gsp-recalls/new",
    steps: () => [
        {
            content: "Name the recalled lot",
            trigger: ".o_field_widget[name='lot_ids'] input",
            run: "edit L20261201",
        },
        {
            content: "Choose it",
            trigger: ".o-autocomplete--dropdown-item:contains('L20261201')",
            run: "click",
        },
        {
            content: "Level I",
            trigger: ".o_field_widget[name='level'] select",
            run: 'select "1"',
        },
        {
            content: "Give the reason",
            trigger: ".o_field_widget[name='reason'] textarea",
            run: "edit 含量测定不合格，一级召回",
        },
        {
            content: "Find the customers that received the lot",
            trigger: ".o_form_view button[name='action_find_customers']",
            run: "click",
        },
        {
            content: "The hospital is found",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Test 第一人民医院')",
        },
        {
            content: "The pharmacy's return is counted: 25 outstanding",
            trigger:
                ".o_field_widget[name='line_ids'] .o_data_row:contains('上海华康大药房') " +
                "td[name='qty_outstanding']:contains('25')",
        },
        {
            content: "Record the pharmacy's acknowledgement",
            trigger:
                ".o_field_widget[name='line_ids'] .o_data_row:contains('上海华康大药房') " +
                "button[name='action_acknowledge']",
            run: "click",
        },
        {
            content: "Who acknowledged",
            trigger: ".modal .o_field_widget[name='ack_contact'] input",
            run: "edit 李药师",
        },
        {
            content: "What the pharmacy said",
            trigger: ".modal .o_field_widget[name='response'] textarea",
            run: "edit 剩余25盒已封存，下周退回",
        },
        {
            content: "Record it",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The pharmacy has acknowledged",
            trigger:
                ".o_field_widget[name='line_ids'] .o_data_row:contains('上海华康大药房') " +
                "[name='state']:contains('Acknowledged')",
        },
    ],
});
