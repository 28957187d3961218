import { registry } from "@web/core/registry";

// Data comes from tests/test_workorder_tour.py.

registry.category("web_tour.tours").add("crm_service_workorder_dispatch_tour", {
    steps: () => [
        {
            content: "Claim the request",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_claim']",
            run: "click",
        },
        {
            content: "Assigned to me",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Assigned')",
        },
        {
            content: "The serial's asset is shown",
            trigger: ".o_form_view .o-form-buttonbox button[name='action_view_asset']",
        },
        {
            content: "Dispatch a work order",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_dispatch_work_order']",
            run: "click",
        },
        {
            content: "The work order is filled from the request",
            trigger: ".o_form_view .o_field_widget[name='service_request_id'] input:value(Pump pressure drop)",
        },
        {
            content: "Add a part",
            trigger: ".o_field_widget[name='move_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the seal kit",
            trigger: ".o_field_widget[name='move_ids'] .o_data_row .o_field_widget[name='product_id'] input",
            run: "edit Tour Seal Kit",
        },
        {
            content: "Pick it in the list",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Seal Kit')",
            run: "click",
        },
        {
            content: "Open the labour page",
            trigger: ".o_notebook .nav-link:contains('Labour and Expenses')",
            run: "click",
        },
        {
            content: "Add labour",
            trigger: ".o_field_widget[name='service_line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the service hour",
            trigger: ".o_field_widget[name='service_line_ids'] .o_data_row .o_field_widget[name='product_id'] input",
            run: "edit Tour Labour Hour",
        },
        {
            content: "Pick it in the list",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Labour Hour')",
            run: "click",
        },
        {
            content: "Hours spent",
            trigger: ".o_field_widget[name='service_line_ids'] .o_data_row .o_field_widget[name='quantity'] input",
            run: "edit 2",
        },
        {
            content: "Save the work order",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Confirm it",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_validate']",
            run: "click",
        },
        {
            content: "Start the repair",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_repair_start']",
            run: "click",
        },
        {
            content: "End the repair",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_repair_end']",
            run: "click",
        },
        {
            content: "Repaired",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Repaired')",
        },
        {
            content: "Back to the request",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Pump pressure drop')",
            run: "click",
        },
        {
            content: "The work order is linked",
            trigger: ".o_form_view .o-form-buttonbox button[name='action_view_work_orders']:contains('1')",
        },
        {
            content: "Start working",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_start']",
            run: "click",
        },
        {
            content: "Resolve",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_resolve']",
            run: "click",
        },
        {
            content: "Close",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_close']",
            run: "click",
        },
        {
            content: "Closed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Closed')",
        },
    ],
});
