import { registry } from "@web/core/registry";

// Data comes from tests/test_diversion_portal.py: the portal user of an audit
// firm's contact flagged as a portal field inspector; lot A2601 was delivered
// to the Shanghai dealer, for its Shanghai territory.

registry.category("web_tour.tours").add("crm_channel_portal_field_check_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the field checks from the portal home",
            trigger: "a[href='/my/channel/checks']",
            run: "click",
        },
        {
            content: "Start a new check",
            trigger: "a.o_crm_channel_check_new",
            run: "click",
        },
        {
            content: "Type the lot number printed on the package",
            trigger: ".o_crm_channel_check_form input[name='lot']",
            run: "edit A2601",
        },
        {
            content: "The date is today's by default",
            trigger: ".o_crm_channel_check_form input[name='date']:not([value=''])",
        },
        {
            content: "Found in Jiangsu",
            trigger: ".o_crm_channel_check_form select[name='state_id']",
            run: "selectByLabel 江苏",
        },
        {
            content: "In Nanjing",
            trigger: ".o_crm_channel_check_form input[name='city']",
            run: "edit 南京市",
        },
        {
            content: "At a pharmacy",
            trigger: ".o_crm_channel_check_form input[name='place']",
            run: "edit 南京市鼓楼区中山路 1 号 百姓大药房",
        },
        {
            content: "Record the check",
            trigger: ".o_crm_channel_check_form button.o_crm_channel_check_record",
            run: "click",
        },
        {
            content: "The result says that a diversion case was opened",
            trigger: ".o_crm_channel_check_done[data-result='diversion']:contains('A2601')",
        },
        {
            content: "The check is in the inspector's list",
            trigger: "a.o_crm_channel_checks_link",
            run: "click",
        },
        {
            content: "With its lot",
            trigger: ".o_crm_channel_checks tr:contains('A2601')",
        },
    ],
});
