from odoo import http
from odoo.tests import HttpCase, tagged

from .common import ChannelCommon


@tagged("post_install", "-at_install")
class TestChannelPortal(ChannelCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.auth_sh = cls._authorize(cls.dealer_sh, product=cls.amoxicillin)
        cls.auth_js = cls._authorize(cls.dealer_js, product=cls.banlangen)
        cls.portal_sh = cls._user("dealer_sh_portal", "base.group_portal")
        cls.portal_sh.partner_id.write({"parent_id": cls.dealer_sh.id, "state_id": cls.state_sh.id})
        cls.portal_js = cls._user("dealer_js_portal", "base.group_portal")
        cls.portal_js.partner_id.write({"parent_id": cls.dealer_js.id, "state_id": cls.state_js.id})

    def _orders(self, dealer):
        return self.env["sale.order"].search([("partner_id", "child_of", dealer.id)])

    def _post_order(self, quantities):
        data = {f"qty_{product.id}": str(quantity) for product, quantity in quantities.items()}
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open("/my/channel/order", data=data)

    def test_catalogue_isolation(self):
        self.authenticate(self.portal_sh.login, self.portal_sh.login)
        page = self.url_open("/my/channel")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.amoxicillin.name, page.text)
        self.assertNotIn(self.banlangen.name, page.text)
        self.assertIn("/my/orders", page.text)
        self.assertIn("/my/invoices", page.text)

        self.authenticate(self.portal_js.login, self.portal_js.login)
        page = self.url_open("/my/channel")
        self.assertIn(self.banlangen.name, page.text)
        self.assertNotIn(self.amoxicillin.name, page.text)

    def test_not_a_dealer_is_sent_home(self):
        customer = self.env["res.partner"].create({"name": "普通客户", "is_company": True})
        portal = self._user("customer_portal", "base.group_portal")
        portal.partner_id.parent_id = customer
        self.authenticate(portal.login, portal.login)
        page = self.url_open("/my/channel", allow_redirects=False)
        self.assertEqual(page.status_code, 303)
        self.assertTrue(page.headers["Location"].endswith("/my"))

    def test_dealer_orders_from_the_portal(self):
        self.authenticate(self.portal_sh.login, self.portal_sh.login)
        response = self._post_order({self.amoxicillin: 3})
        self.assertEqual(response.status_code, 200)
        order = self._orders(self.dealer_sh)
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "draft", "the company's default: portal orders land as quotations")
        self.assertEqual(order.partner_id, self.portal_sh.partner_id)
        self.assertEqual(order.order_line.product_id, self.amoxicillin)
        self.assertEqual(order.order_line.product_uom_qty, 3)
        self.assertIn(order.name, response.text)

    def test_portal_order_confirmed_when_configured(self):
        self.company.crm_channel_portal_order_state = "sale"
        self.authenticate(self.portal_sh.login, self.portal_sh.login)
        self._post_order({self.amoxicillin: 2})
        self.assertEqual(self._orders(self.dealer_sh).state, "sale")

    def test_portal_refuses_another_dealers_product(self):
        self.authenticate(self.portal_sh.login, self.portal_sh.login)
        response = self._post_order({self.banlangen: 1})
        self.assertIn("not authorised to order this product", response.text)
        self.assertFalse(self._orders(self.dealer_sh))

    def test_portal_bad_quantities(self):
        self.authenticate(self.portal_sh.login, self.portal_sh.login)
        self.assertIn("Quantities must be numbers", self._post_order({self.amoxicillin: "abc"}).text)
        self.assertIn("cannot be negative", self._post_order({self.amoxicillin: -1}).text)
        self.assertIn("at least one product", self._post_order({self.amoxicillin: 0}).text)
        self.assertFalse(self._orders(self.dealer_sh))

    def test_portal_order_meets_the_credit_gate(self):
        self.company.write(
            {"account_use_credit_limit": True, "crm_credit_policy": "block", "crm_channel_portal_order_state": "sale"}
        )
        self.dealer_sh.with_company(self.company).credit_limit = 50
        self.authenticate(self.portal_sh.login, self.portal_sh.login)
        response = self._post_order({self.amoxicillin: 3})
        self.assertIn("credit limit", response.text)
        self.assertIn("o_crm_channel_error", response.text)
        self.assertFalse(self._orders(self.dealer_sh))

    def test_portal_order_meets_the_authorisation_gate(self):
        """An authorisation for a territory the dealer's contact is not in
        shows the product (the catalogue is for the dealer's address) but the
        confirmation gate checks the order's delivery address."""
        self.auth_sh.territory_id = self.territory_sh
        self.company.crm_channel_portal_order_state = "sale"
        self.portal_sh.partner_id.write({"type": "delivery", "state_id": self.state_js.id})
        self.authenticate(self.portal_sh.login, self.portal_sh.login)
        response = self._post_order({self.amoxicillin: 1})
        self.assertIn("is not authorised to order", response.text)
        self.assertFalse(self._orders(self.dealer_sh))
