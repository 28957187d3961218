import { registry } from "@web/core/registry";

// Data comes from tests/test_credit_tour.py: a quotation over the customer's
// credit limit, opened by the salesperson, then by the credit manager.

registry.category("web_tour.tours").add("crm_credit_refused_tour", {
    steps: () => [
        {
            content: "The quotation shows why credit refuses it",
            trigger: ".o_form_view div[name='crm_credit_block'] .o_field_widget:contains('would exceed its credit limit')",
        },
        {
            content: "Try to confirm",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_confirm']:visible",
            run: "click",
        },
        {
            content: "The server refuses, giving the numbers",
            trigger: ".modal .modal-body:contains('would exceed its credit limit'):contains('10,000.00')",
        },
        {
            content: "Close the error",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Ask a credit manager",
            trigger: ".o_form_view button[name='action_crm_credit_request_approval']",
            run: "click",
        },
        {
            content: "The request is recorded",
            trigger: ".o_form_view .alert-info:contains('Credit approval requested')",
        },
        {
            content: "Still a quotation",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Quotation')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_credit_approve_tour", {
    steps: () => [
        {
            content: "Open the approval",
            trigger: ".o_form_view button[name='action_crm_credit_open_approval']",
            run: "click",
        },
        {
            content: "The problems are shown",
            trigger: ".modal .o_field_widget[name='problems']:contains('would exceed its credit limit')",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Long-standing customer, payment promised next week",
        },
        {
            content: "Approve and confirm",
            trigger: ".modal button[name='action_approve']",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
        {
            content: "The reason is in the chatter",
            trigger: ".o-mail-Message:contains('payment promised next week')",
        },
    ],
});
