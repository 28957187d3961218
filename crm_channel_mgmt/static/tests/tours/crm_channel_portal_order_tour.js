import { registry } from "@web/core/registry";

// Data comes from tests/test_portal_tour.py: a dealer's portal user with one
// authorised product (阿莫西林胶囊) and another dealer's product it must not see.

registry.category("web_tour.tours").add("crm_channel_portal_order_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the authorised catalogue from the portal home",
            trigger: "a[href='/my/channel']",
            run: "click",
        },
        {
            content: "Only the dealer's own product is offered",
            trigger: ".o_crm_channel_order_form:contains('阿莫西林胶囊'):not(:contains('板蓝根颗粒'))",
        },
        {
            content: "Order 5 boxes",
            trigger: ".o_crm_channel_order_form tr[data-product-id] input[type='number']",
            run: "edit 5",
        },
        {
            content: "Place the order",
            trigger: ".o_crm_channel_order_form button.o_crm_channel_place_order",
            run: "click",
        },
        {
            content: "The quotation is shown with the product",
            trigger: "#portal_sale_content:contains('阿莫西林胶囊')",
        },
        {
            // the page loads its chatter after the tour's last check: ending the tour
            // before it has loaded cuts its requests ("Failed to fetch" after the tour)
            content: "The quotation's chatter has loaded",
            trigger: "#chatterRoot:shadow .o-mail-Chatter",
            run: async () => await odoo.portalChatterReady,
        },
    ],
});
