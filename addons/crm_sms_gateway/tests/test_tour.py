from odoo.tests import HttpCase, tagged

from .soap_gateway import LoopbackSmsGateway


@tagged("post_install", "-at_install")
class TestSmsGatewayTour(HttpCase):
    def test_configure_test_and_send(self):
        server = LoopbackSmsGateway().start()
        self.addCleanup(server.stop)
        company = self.env.ref("base.main_company")
        gateway = self.env["sms.gateway"].create(
            {"name": "Tour gateway", "company_id": company.id, "wsdl_url": server.wsdl_url, "username": "odoo"}
        )
        company.write({"sms_gateway_id": gateway.id, "sms_bulk_threshold": 0})
        customer = self.env["res.partner"].create(
            {"name": "张三 (tour)", "mobile": "13800138000", "country_id": self.env.ref("base.cn").id}
        )
        self.start_tour(
            f"/odoo/action-crm_sms_gateway.sms_gateway_action/{gateway.id}",
            "crm_sms_gateway_configure_tour",
            login="admin",
        )
        self.assertEqual(gateway.password, "secret")
        self.start_tour(f"/odoo/res.partner/{customer.id}", "crm_sms_gateway_send_tour", login="admin")
        sms = self.env["sms.sms"].search([("partner_id", "=", customer.id)])
        self.assertEqual(sms.gateway_id, gateway)
        self.env["sms.sms"]._gateway_process_queue()
        self.assertEqual(server.app.taken, {sms.uuid: 1})
        self.assertEqual(sms.state, "pending")
