import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_sms_gateway_configure_tour", {
    steps: () => [
        {
            trigger: ".o_form_view div[name='password'] input",
            run: "edit secret",
        },
        {
            trigger: ".o_form_view button[name='action_test_connection']",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Connection successful')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_sms_gateway_send_tour", {
    steps: () => [
        {
            trigger: ".o_form_view div[name='mobile'] input",
            run: "hover",
        },
        {
            // the SMS button shows when the pointer is over the number
            trigger: ".o_form_view div[name='mobile'] .o_field_phone_sms:not(:visible)",
            run: "click",
        },
        {
            trigger: ".modal div[name='body'] textarea",
            run: "edit 张先生您好，您的设备已检修完毕。",
        },
        {
            trigger: ".modal button[name='action_send_sms']",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o-mail-Message:contains('张先生您好')",
        },
    ],
});
