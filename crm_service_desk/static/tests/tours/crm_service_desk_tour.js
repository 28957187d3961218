import { registry } from "@web/core/registry";

// Data comes from tests/test_tour.py.

registry.category("web_tour.tours").add("crm_service_portal_submit_tour", {
    url: "/my/service_requests",
    steps: () => [
        {
            content: "Start a new request",
            trigger: "a.o_service_request_new",
            run: "click",
        },
        {
            content: "Subject",
            trigger: "form.o_service_request_form input[name='name']",
            run: "edit Tipper hydraulic leak",
        },
        {
            content: "Type",
            trigger: "form.o_service_request_form select[name='request_type']",
            run: "select repair",
        },
        {
            content: "Description",
            trigger: "form.o_service_request_form textarea[name='description']",
            run: "edit Oil under the truck since this morning",
        },
        {
            content: "Submit",
            trigger: "form.o_service_request_form button.o_service_request_submit",
            run: "click",
        },
        {
            content: "The request is received, with its reference",
            trigger: ".o_portal_service_request .alert-success:contains('Your request was received')",
        },
        {
            content: "It shows its subject",
            trigger: ".o_portal_service_request .card-header:contains('Tipper hydraulic leak')",
        },
        {
            content: "The conversation is loaded",
            trigger: "#chatterRoot:shadow .o-mail-Chatter",
        },
        {
            content: "Write to the service desk",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Photos of the leak sent by WeChat",
        },
        {
            content: "Send",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is in the conversation",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('Photos of the leak')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_service_portal_rate_tour", {
    url: "/my/service_requests?filterby=all",
    steps: () => [
        {
            content: "Open the closed request",
            trigger: "td a:contains('Tipper hydraulic leak')",
            run: "click",
        },
        {
            content: "Choose 'Okay'",
            trigger: ".o_service_request_rating input[name='rate'][value='3']",
            run: "click",
        },
        {
            content: "Give feedback",
            trigger: ".o_service_request_rating textarea[name='feedback']",
            run: "edit Fixed, but the engineer came late",
        },
        {
            content: "Send the rating",
            trigger: ".o_service_request_rating button.o_service_request_rate",
            run: "click",
        },
        {
            content: "Thanked",
            trigger: ".o_portal_service_request .alert-success:contains('Thank you for your feedback')",
        },
        {
            content: "The conversation is still there",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('Photos of the leak')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_service_agent_claim_tour", {
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
            content: "Start working",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_start']",
            run: "click",
        },
        {
            content: "In progress",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Progress')",
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
