import { registry } from "@web/core/registry";

// Data comes from tests/test_portal.py: a posted invoice of a customer with a
// loyalty program that earns points on payment, then a quotation for the same
// customer, then the customer's portal statement.

registry.category("web_tour.tours").add("crm_loyalty_pay_invoice_tour", {
    steps: () => [
        {
            content: "Register the customer's payment",
            trigger: "button[name='action_register_payment']",
            run: "click",
        },
        {
            content: "Create the payment",
            trigger: ".modal button[name='action_create_payments']",
            run: "click",
        },
        {
            content: "Open the invoice's loyalty points",
            trigger: ".o_form_view button[name='action_crm_loyalty_ledger']",
            run: "click",
        },
        {
            content: "The payment earned points",
            trigger: ".o_list_view .o_data_row:contains('Payment of'):contains('1,000.00')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_loyalty_use_reward_tour", {
    steps: () => [
        {
            content: "Claim the loyalty reward",
            trigger: ".o_form_view button[name='action_open_reward_wizard']",
            run: "click",
        },
        {
            content: "The reward line is on the order",
            trigger: ".o_field_widget[name='order_line'] .o_data_row:contains('per point')",
        },
        {
            content: "Confirm the order",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_confirm']:visible",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_loyalty_portal_statement_tour", {
    steps: () => [
        {
            content: "The statement lists the points earned by the payment",
            trigger: ".o_portal_my_loyalty .crm_loyalty_line:contains('Payment of')",
        },
        {
            content: "and the points used on the order",
            trigger: ".o_portal_my_loyalty .crm_loyalty_line:contains('Redeemed')",
        },
        {
            content: "with the balance",
            trigger: ".o_portal_my_loyalty .crm_loyalty_balance:contains('900.00')",
        },
    ],
});
