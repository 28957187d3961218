import { registry } from "@web/core/registry";

// Data comes from tests/test_pool_tour.py: a salesperson and a customer in
// the public pool of their company.

registry.category("web_tour.tours").add("crm_pool_claim_tour", {
    steps: () => [
        {
            content: "Open the Customer Management menu of CRM",
            trigger: ".o_main_navbar button.dropdown-toggle:contains('Customer Management')",
            run: "click",
        },
        {
            content: "Open the public pool",
            trigger: ".dropdown-menu .dropdown-item:contains('Public Pool')",
            run: "click",
        },
        {
            content: "Open the customer in the pool",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains('Tour Pool Customer')",
            run: "click",
        },
        {
            content: "The form says the customer is in the public pool",
            trigger: ".o_form_view .alert-info:contains('In the public pool since')",
        },
        {
            content: "Claim it",
            trigger: ".o_form_view .alert-info button[name='action_crm_pool_claim']",
            run: "click",
        },
        {
            content: "The customer is out of the pool",
            trigger: ".o_notification:contains('are now yours')",
        },
        {
            // The form reloads the record after the claim; opening the tab
            // before that reload would be undone by it.
            content: "The pool banner is gone",
            trigger: ".o_form_view:not(:has(.alert-info:contains('In the public pool since')))",
        },
        {
            content: "Open the sales tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Sales & Purchase')",
            run: "click",
        },
        {
            content: "The salesperson is the user",
            trigger: ".o_form_view .o_field_widget[name='user_id'] input:value('Tour Pool Salesman')",
        },
    ],
});
