import { registry } from "@web/core/registry";

// Data comes from tests/test_sales_target_tour.py: a salesperson with a
// confirmed order of 250 this year; the sales manager plans 1,000 for him.

registry.category("web_tour.tours").add("crm_sales_target_plan_tour", {
    steps: () => [
        {
            content: "Create a plan",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: "edit Tour Sales Plan",
        },
        {
            content: "Add a target line",
            trigger: ".o_field_widget[name='line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the salesperson",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row .o_field_widget[name='user_id'] input",
            run: "edit Tour Target Salesman",
        },
        {
            content: "Pick him",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Target Salesman')",
            run: "click",
        },
        {
            content: "Set the target amount",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row .o_field_widget[name='target_amount'] input",
            run: "edit 1000",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The line shows what he already ordered",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row td[name='ordered_amount']:contains('250.00')",
        },
        {
            content: "Confirm the plan",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The plan is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Confirmed')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_sales_target_salesman_tour", {
    steps: () => [
        {
            content: "His target with its achievement, and nothing to create",
            trigger:
                ".o_list_view:not(:has(.o_list_button_add)) .o_data_row:contains('Tour Sales Plan'):contains('1,000.00'):contains('250.00')",
        },
        {
            content: "Achievement 25%",
            trigger: ".o_data_row td[name='achievement']:contains('25')",
        },
    ],
});
