import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Data comes from tests/test_quality_tour.py.

registry.category("web_tour.tours").add("crm_service_quality_tour", {
    steps: () => [
        {
            content: "The complaint is open",
            trigger: ".o_breadcrumb:contains('发动机无法启动')",
        },
        {
            content: "Open the suggested solutions",
            trigger: ".o_notebook .nav-link:contains('Suggested Solutions')",
            run: "click",
        },
        {
            content: "The matching knowledge base entry is suggested, the unrelated one is not",
            trigger:
                ".o_field_widget[name='defect_suggestion_ids'] .o_data_row:contains('冷车启动困难'):not(:has(~ .o_data_row:contains('液压油泄漏')))",
        },
        {
            content: "Apply its solution",
            trigger:
                ".o_field_widget[name='defect_suggestion_ids'] .o_data_row:contains('冷车启动困难') button[name='action_apply_solution']",
            run: "click",
        },
        {
            content: "The solution is in the chatter",
            trigger: ".o-mail-Message:contains('加热燃油滤清器')",
        },
        {
            content: "Try to resolve the complaint",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_resolve']",
            run: "click",
        },
        {
            content: "Refused: no root cause",
            trigger: ".modal:contains('without a root cause') .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Open the complaint tab",
            trigger: ".o_notebook .nav-link:contains('Complaint')",
            run: "click",
        },
        {
            content: "Write the root cause",
            trigger: ".o_field_widget[name='root_cause'] textarea",
            run: "edit 燃油滤清器结蜡",
        },
        {
            content: "Resolve",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_resolve']",
            run: "click",
        },
        {
            content: "Add it to the knowledge base",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_add_to_knowledge_base']",
            run: "click",
        },
        {
            content: "The entry is prefilled",
            trigger: ".o_form_view .o_field_widget[name='cause'] textarea:value('燃油滤清器结蜡')",
        },
        {
            content: "Write the solution",
            trigger: ".o_field_widget[name='solution'] .odoo-editor-editable p",
            run: "editor 更换冬季柴油",
        },
        ...stepUtils.saveForm(),
    ],
});
