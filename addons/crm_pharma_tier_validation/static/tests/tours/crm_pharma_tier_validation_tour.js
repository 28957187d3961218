import { registry } from "@web/core/registry";

// Data comes from tests/test_tier_tour.py: a new customer (杭州仁和诊所) with
// valid licences, its first-business approval submitted and waiting for the
// quality manager's tier, and its first quotation.

registry.category("web_tour.tours").add("crm_pharma_tier_validation_tour", {
    url: "/odoo/gsp-approvals",
    steps: () => [
        {
            content: "Open the customer's approval waiting in the list",
            trigger: ".o_data_row:contains('杭州仁和诊所') .o_data_cell",
            run: "click",
        },
        {
            content: "The quality manager's tier waits for a review",
            trigger: ".o_form_view .o_field_widget[name='review_ids']",
        },
        {
            content: "Validate the tier as the quality manager",
            trigger: ".o_form_view button[name='action_approve']",
            run: "click",
        },
        {
            content: "The approval is approved",
            trigger: ".o_statusbar_status button[data-value='approved'][aria-checked='true']",
        },
        {
            content: "Go to the quotations",
            trigger: "body",
            run() {
                window.location.href = window.location.origin + "/odoo/sales";
            },
        },
        {
            content: "Open the customer's first quotation",
            trigger: ".o_data_row:contains('杭州仁和诊所') .o_data_cell",
            run: "click",
        },
        {
            content: "Confirm it",
            trigger: ".o_form_view button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button[data-value='sale'][aria-checked='true']",
        },
    ],
});
