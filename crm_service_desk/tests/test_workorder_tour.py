from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestWorkOrderTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.agent = new_test_user(
            cls.env,
            login="tour_workorder_agent",
            name="Tour Technician",
            groups="crm_service_desk.crm_service_desk_group_user,stock.group_stock_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer = cls.env["res.partner"].create({"name": "苏州物流有限公司", "is_company": True})
        cls.queue = cls.env["crm.service.queue"].create(
            {"name": "Tour Field Queue", "member_ids": [Command.set(cls.agent.ids)], "assignment_method": "manual"}
        )
        cls.env["crm.service.routing.rule"].search([]).active = False
        Product = cls.env["product.product"]
        pump = Product.create(
            {"name": "Tour Pump", "is_storable": True, "tracking": "serial", "service_create_asset": True}
        )
        cls.seal_kit = Product.create({"name": "Tour Seal Kit", "is_storable": True, "list_price": 320.0})
        cls.labour = Product.create({"name": "Tour Labour Hour", "type": "service", "list_price": 260.0})
        cls.lot = cls.env["stock.lot"].create({"name": "TOUR-0001", "product_id": pump.id})
        cls.asset = cls.env["crm.service.asset"].create(
            {"lot_id": cls.lot.id, "partner_id": cls.customer.id, "warranty_start": fields.Date.today()}
        )
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.seal_kit, cls.warehouse.lot_stock_id, 5.0)

    def test_agent_dispatches_and_closes(self):
        request = self.env["crm.service.request"].create(
            {
                "name": "Pump pressure drop",
                "partner_id": self.customer.id,
                "lot_id": self.lot.id,
                "queue_id": self.queue.id,
            }
        )
        self.start_tour(
            f"/odoo/action-crm_service_desk.crm_service_request_action/{request.id}",
            "crm_service_workorder_dispatch_tour",
            login="tour_workorder_agent",
        )
        self.assertEqual(request.state, "closed")
        self.assertEqual(request.user_id, self.agent)
        repair = request.repair_ids
        self.assertEqual(len(repair), 1)
        self.assertEqual(repair.state, "done")
        self.assertEqual((repair.technician_id, repair.service_asset_id), (self.agent, self.asset))
        self.assertEqual(repair.move_ids.product_id, self.seal_kit)
        self.assertEqual(repair.move_ids.state, "done")
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(self.seal_kit, self.warehouse.lot_stock_id), 4.0
        )
        self.assertEqual(repair.service_line_ids.product_id, self.labour)
        self.assertEqual(repair.service_line_ids.quantity, 2.0)
        self.assertTrue(repair.service_line_ids.under_warranty)

    def test_work_order_pdf(self):
        repair = self.env["repair.order"].create(
            {"partner_id": self.customer.id, "service_asset_id": self.asset.id, "technician_id": self.agent.id}
        )
        Report = self.env["ir.actions.report"].with_user(self.agent)
        html, _fmt = Report._render_qweb_html("crm_service_desk.report_service_work_order", repair.ids)
        self.assertIn("苏州物流有限公司", html.decode())
        pdf, fmt = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            "crm_service_desk.report_service_work_order", repair.ids
        )
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
