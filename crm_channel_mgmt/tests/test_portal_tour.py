from odoo.tests import HttpCase, tagged

from .common import ChannelCommon


@tagged("post_install", "-at_install")
class TestChannelPortalTour(ChannelCommon, HttpCase):
    def test_dealer_orders_from_the_portal_catalogue(self):
        self._authorize(self.dealer_sh, product=self.amoxicillin)
        self._authorize(self.dealer_js, product=self.banlangen)
        portal = self._user("tour_dealer_portal", "base.group_portal")
        portal.partner_id.write({"parent_id": self.dealer_sh.id, "state_id": self.state_sh.id})
        self.start_tour("/my", "crm_channel_portal_order_tour", login=portal.login)
        order = self.env["sale.order"].search([("partner_id", "=", portal.partner_id.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.order_line.product_id, self.amoxicillin)
        self.assertEqual(order.order_line.product_uom_qty, 5)
        self.assertEqual(order.state, "draft")
