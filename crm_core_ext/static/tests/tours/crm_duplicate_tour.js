import { registry } from "@web/core/registry";

// Data comes from tests/test_duplicate_tour.py: 北京华为技术有限公司 exists;
// a salesperson who may merge contacts types a new customer with a similar
// name, sees it as a possible duplicate and merges the two.

registry.category("web_tour.tours").add("crm_duplicate_tour", {
    steps: () => [
        {
            content: "A new company",
            trigger: ".o_form_view .o_field_widget[name='company_type'] input[data-value='company']",
            run: "click",
        },
        {
            content: "Type a name written differently",
            trigger: ".o_form_view .o_field_widget[name='name'] :is(input, textarea)",
            run: "edit 北京 华为技术 && click body",
        },
        {
            content: "Type a phone written differently",
            trigger: ".o_form_view .o_field_widget[name='phone'] input",
            run: "edit 010 6255 1234 && click body",
        },
        {
            content: "The existing customer is shown, with the reasons",
            trigger:
                ".o_form_view div[name='crm_duplicate_warning']:contains('北京华为技术有限公司'):contains('phone'):contains('similar name')",
        },
        {
            content: "Save: a warning does not block",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Merge with the existing customer",
            trigger: ".o_form_view div[name='crm_duplicate_warning'] button[name='action_crm_merge_duplicates']",
            run: "click",
        },
        {
            content: "The host's merge wizard lists both customers",
            trigger:
                ".modal .o_partner_merge_wizard .o_field_widget[name='partner_ids']:contains('北京华为技术有限公司'):contains('北京 华为技术')",
        },
        {
            content: "Merge",
            trigger: ".modal button[name='action_merge']",
            run: "click",
        },
        {
            content: "Merged",
            trigger: ".modal .o_partner_merge_wizard:contains('There are no more contacts to merge')",
        },
    ],
});
