from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .workorder_common import WorkOrderCommon


@tagged("post_install", "-at_install")
class TestServiceWorkOrder(WorkOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.asset = cls._asset(cls.lots[0], cls.customer_a, address_id=cls.contact_a.id)
        cls.old_asset = cls._asset(cls.lots[1], cls.customer_a, start=cls._years_ago(3))
        cls.request = cls._request(
            name="举升泵漏油", partner_id=cls.contact_a.id, lot_id=cls.lots[0].id, user_id=cls.technician.id
        )

    def _quantity(self, product):
        return self.env["stock.quant"]._get_available_quantity(product, self.stock_location)

    def _dispatch(self, request, parts=(), lines=()):
        """Dispatch a work order from ``request`` in the form, as the technician."""
        action = request.with_user(self.technician).action_dispatch_work_order()
        form = Form(self.env["repair.order"].with_user(self.technician).with_context(**action["context"]))
        form.service_location_type = "field"
        form.planned_duration = 2.0
        form.travel_hours = 1.5
        for product, qty in parts:
            with form.move_ids.new() as move:
                move.product_id = product
                move.product_uom_qty = qty
        for product, qty, warranty in lines:
            with form.service_line_ids.new() as line:
                line.product_id = product
                line.quantity = qty
                if warranty is not None:
                    line.under_warranty = warranty
        return form.save()

    def test_dispatch_consume_parts_and_bill_uncovered_lines(self):
        self.assertEqual(self._quantity(self.seal_kit), 10)
        repair = self._dispatch(
            self.request,
            parts=[(self.seal_kit, 2)],
            lines=[(self.labour, 3, None), (self.travel, 1, False)],
        )
        self.assertEqual(repair.service_request_id, self.request)
        self.assertEqual(repair.service_asset_id, self.asset)
        self.assertEqual(repair.partner_id, self.contact_a)
        self.assertEqual(repair.technician_id, self.technician)
        self.assertTrue(repair.service_warranty_covered)
        part = repair.move_ids
        self.assertEqual((part.repair_line_type, part.location_id), ("add", self.stock_location))
        self.assertTrue(part.service_under_warranty)
        labour, travel = repair.service_line_ids.sorted("id")
        self.assertTrue(labour.under_warranty)
        self.assertFalse(travel.under_warranty)
        self.assertEqual(repair.service_amount, 80.0)
        self.assertEqual(self.request.with_user(self.technician).repair_count, 1)

        repair = repair.with_user(self.technician)
        repair.action_validate()
        repair.action_repair_start()
        repair.action_create_sale_order()
        order = repair.sale_order_id
        self.assertTrue(order)
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        # parts really left the warehouse
        self.assertEqual(self._quantity(self.seal_kit), 8)
        self.assertEqual(part.state, "done")
        self.assertEqual(part.quantity, 2)

        prices = {line.product_id: (line.product_uom_qty, line.price_unit) for line in order.order_line}
        self.assertEqual(prices[self.seal_kit], (2, 0.0))
        self.assertEqual(prices[self.labour], (3, 0.0))
        self.assertEqual(prices[self.travel], (1, 80.0))
        self.assertEqual(order.amount_untaxed, 80.0)

        order.with_user(self.technician).action_confirm()
        invoice = order.with_user(self.technician)._create_invoices()
        amounts = {line.product_id: line.price_subtotal for line in invoice.invoice_line_ids}
        self.assertEqual(amounts, {self.seal_kit: 0.0, self.labour: 0.0, self.travel: 80.0})
        self.assertEqual(invoice.amount_untaxed, 80.0)
        request = self.request.with_user(self.technician)
        self.assertEqual(request.service_sale_order_count, 1)
        self.assertEqual(request.service_invoice_count, 1)
        self.assertEqual(request.action_view_service_invoices()["domain"], [("id", "in", invoice.ids)])
        self.assertEqual(self.asset.with_user(self.technician).part_move_ids, part)

    def test_expired_warranty_bills_everything(self):
        request = self._request(partner_id=self.contact_a.id, lot_id=self.lots[1].id, user_id=self.technician.id)
        repair = self._dispatch(request, parts=[(self.seal_kit, 1)], lines=[(self.labour, 2, None)])
        self.assertEqual(repair.service_asset_id, self.old_asset)
        self.assertFalse(repair.service_warranty_covered)
        repair.with_user(self.technician).action_create_sale_order()
        prices = {line.product_id: line.price_unit for line in repair.sale_order_id.order_line}
        self.assertEqual(prices, {self.seal_kit: 320.0, self.labour: 260.0})
        # a line added later is billed too; switching a part to warranty zeroes it
        repair.move_ids.with_user(self.technician).service_under_warranty = True
        self.assertEqual(repair.move_ids.sale_line_id.price_unit, 0.0)
        repair.service_line_ids.with_user(self.technician).under_warranty = True
        self.assertEqual(repair.service_line_ids.sale_line_id.price_unit, 0.0)

    def test_part_out_of_stock_refused_nothing_done(self):
        repair = self._dispatch(self.request, parts=[(self.seal_kit, 1), (self.filter, 3)])
        repair = repair.with_user(self.technician)
        repair.action_validate()
        repair.action_repair_start()
        with self.assertRaises(UserError) as refused:
            repair.action_repair_end()
        self.assertIn("Oil Filter", str(refused.exception))
        self.assertEqual(repair.state, "under_repair")
        self.assertFalse(repair.move_ids.filtered(lambda m: m.state == "done"))
        quants = self.env["stock.quant"].search([("product_id", "in", (self.seal_kit | self.filter).ids)])
        self.assertEqual(sum(quants.filtered(lambda q: q.product_id == self.seal_kit).mapped("quantity")), 10)
        self.assertEqual(sum(quants.filtered(lambda q: q.product_id == self.filter).mapped("quantity")), 1)

    def test_dispatch_refused_on_closed_request(self):
        self.request.action_close()
        with self.assertRaises(UserError):
            self.request.with_user(self.technician).action_dispatch_work_order()

    def test_work_order_report_renders_chinese(self):
        repair = self._dispatch(self.request, parts=[(self.seal_kit, 1)], lines=[(self.labour, 2, None)])
        Report = self.env["ir.actions.report"].with_user(self.technician)
        html, _fmt = Report._render_qweb_html("crm_service_desk.report_service_work_order", repair.ids)
        html = html.decode()
        self.assertIn("苏州物流有限公司", html)
        self.assertIn("HP200-0001", html)
        self.assertIn("上门服务工时", html)
        self.assertIn("孙师傅", html)

    def test_multi_company_isolation(self):
        company2 = self.company2
        warehouse2 = self.env["stock.warehouse"].search([("company_id", "=", company2.id)], limit=1)
        self.assertTrue(warehouse2.repair_type_id)
        lot2 = self.env["stock.lot"].create({"name": "HP200-C2", "product_id": self.pump.id, "company_id": company2.id})
        customer2 = self.env["res.partner"].create({"name": "兰州客运公司", "is_company": True})
        asset2 = self.env["crm.service.asset"].create(
            {"lot_id": lot2.id, "partner_id": customer2.id, "company_id": company2.id, "warranty_start": "2026-01-01"}
        )
        repair2 = (
            self.env["repair.order"]
            .with_company(company2)
            .create({"partner_id": customer2.id, "service_asset_id": asset2.id, "company_id": company2.id})
        )
        self.assertEqual(repair2.picking_type_id.company_id, company2)
        Asset = self.env["crm.service.asset"].with_user(self.technician)
        Repair = self.env["repair.order"].with_user(self.technician)
        self.assertFalse(Asset.search([("id", "=", asset2.id)]))
        self.assertFalse(Repair.search([("id", "=", repair2.id)]))
        self.assertTrue(Asset.search([("id", "=", self.asset.id)]))
        with self.assertRaises(AccessError):
            asset2.with_user(self.technician).read(["name"])
        with self.assertRaises(AccessError):
            repair2.with_user(self.technician).read(["name"])
        # a manager of both companies sees them
        manager = new_test_user(
            self.env,
            login="service_manager_both",
            groups="crm_service_desk.crm_service_desk_group_manager,stock.group_stock_user",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | company2).ids)],
        )
        self.assertTrue(
            self.env["crm.service.asset"]
            .with_user(manager)
            .with_context(allowed_company_ids=[company2.id])
            .search([("id", "=", asset2.id)])
        )

    def test_portal_cannot_read_work_orders(self):
        repair = self._dispatch(self.request, lines=[(self.labour, 1, None)])
        with self.assertRaises(AccessError):
            repair.with_user(self.portal_b).read(["name"])
        with self.assertRaises(AccessError):
            repair.service_line_ids.with_user(self.portal_b).read(["name"])
        with self.assertRaises(AccessError):
            self.asset.with_user(self.portal_b).read(["name"])
