import { registry } from "@web/core/registry";

// Data comes from tests/test_rebate_tour.py: a running 2025 agreement whose
// first quarter earned 上海康健医药有限公司 a rebate of 300.00.

registry.category("web_tour.tours").add("crm_channel_rebate_settle_tour", {
    steps: () => [
        {
            content: "Open the agreement",
            trigger: ".o_data_row:contains('2025 年度药品返利') .o_data_cell[name='name']",
            run: "click",
        },
        {
            content: "Open its periods",
            trigger: ".o_notebook .nav-link:contains('Periods')",
            run: "click",
        },
        {
            content: "Settle the first quarter",
            trigger: ".o_field_widget[name='period_ids'] .o_data_row:first button[name='action_settle']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Open the credit note from the agreement",
            trigger: ".o_form_view button[name='action_view_moves']",
            run: "click",
        },
        {
            content: "The credit note of the rebate is shown",
            trigger: ".o_form_view:has(button[name='action_crm_view_rebate_agreement']) .o_form_sheet:contains('Customer Credit Note')",
        },
    ],
});
