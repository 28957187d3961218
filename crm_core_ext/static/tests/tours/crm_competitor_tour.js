import { registry } from "@web/core/registry";

// Data comes from tests/test_competitor_tour.py: an opportunity of the
// salesperson with two contacts of its customer already in its decision tree,
// and the competitors 对手甲 (on the opportunity) and 对手乙 (not yet).

registry.category("web_tour.tours").add("crm_competitor_tour", {
    steps: () => [
        {
            content: "Open the Competitors tab",
            trigger: ".o_form_view a.nav-link[name='crm_competitors']",
            run: "click",
        },
        {
            content: "对手甲 is already there",
            trigger: "div[name='crm_competitor_line_ids'] .o_data_row td[name='competitor_id']:contains('对手甲')",
        },
        {
            content: "Write our counter-strategy",
            trigger: "div[name='crm_competitor_line_ids'] .o_data_row td[name='counter_strategy']",
            run: "click",
        },
        {
            trigger: "div[name='crm_competitor_line_ids'] .o_data_row td[name='counter_strategy'] textarea",
            run: "edit 强调五年质保",
        },
        {
            content: "Open the Buying Roles tab",
            trigger: ".o_form_view a.nav-link[name='crm_buying_roles']",
            run: "click",
        },
        {
            content: "Add a contact",
            trigger: "div[name='crm_buying_role_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: "div[name='crm_buying_role_ids'] .o_data_row.o_selected_row td[name='partner_id'] input",
            run: "edit 赵采购",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('赵采购')",
            run: "click",
        },
        {
            content: "Influence 6 is refused by the server",
            trigger: "div[name='crm_buying_role_ids'] .o_data_row.o_selected_row td[name='influence'] input",
            run: "edit 6",
        },
        {
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            trigger: ".modal:contains('between 1 and 5')",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Influence 2 then",
            trigger: "div[name='crm_buying_role_ids'] .o_data_row:last td[name='influence']",
            run: "click",
        },
        {
            trigger: "div[name='crm_buying_role_ids'] .o_data_row:last td[name='influence'] input",
            run: "edit 2",
        },
        {
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "wait for save completion",
            trigger: ".o_form_readonly, .o_form_saved",
        },
        {
            content: "Open the decision tree",
            trigger: "button[name='action_crm_buying_role_hierarchy']",
            run: "click",
        },
        {
            content: "The decision maker is at the top",
            trigger: ".o_hierarchy_view .o_hierarchy_node:contains('王总') button[name='hierarchy_search_subsidiaries']",
            run: "click",
        },
        {
            content: "The engineer reports to the decision maker",
            trigger: ".o_hierarchy_view .o_hierarchy_node:contains('李工')",
        },
        {
            content: "Back to the opportunity",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('巡检商机')",
            run: "click",
        },
        {
            content: "Mark it lost",
            trigger: ".o_form_view .o_statusbar_buttons button[data-hotkey='l']:visible",
            run: "click",
        },
        {
            content: "Won by 对手乙",
            trigger: ".modal .o_field_widget[name='crm_competitor_id'] input",
            run: "edit 对手乙",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('对手乙')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='crm_competitor_price'] input",
            run: "edit 42000",
        },
        {
            trigger: ".modal .o_field_widget[name='crm_record_order'] input",
            run: "click",
        },
        {
            trigger: ".modal button[name='action_lost_reason_apply']",
            run: "click",
        },
        {
            content: "The opportunity is lost to 对手乙",
            trigger: ".o_form_view .ribbon:contains('Lost')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='crm_lost_to_competitor_id']:contains('对手乙')",
        },
    ],
});
