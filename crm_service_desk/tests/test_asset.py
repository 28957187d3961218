from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .workorder_common import WorkOrderCommon


@tagged("post_install", "-at_install")
class TestServiceAsset(WorkOrderCommon):
    def test_delivery_creates_assets_with_warranty(self):
        self.pump.service_warranty_months = 18
        Asset = self.env["crm.service.asset"]
        self.assertFalse(Asset.search([("lot_id", "in", self.lots.ids)]))
        picking = self._deliver(self.lots[:2], self.contact_a)
        self._deliver(self.gearbox_lot, self.contact_a, product=self.plain_serial)

        assets = Asset.search([("lot_id", "in", self.lots.ids)])
        self.assertEqual(assets.lot_id, self.lots[:2])
        today = fields.Date.context_today(Asset, timestamp=picking.date_done)
        for asset in assets:
            self.assertEqual(asset.partner_id, self.customer_a)
            self.assertEqual(asset.address_id, self.contact_a)
            self.assertEqual(asset.delivery_picking_id, picking)
            self.assertEqual(asset.state, "in_service")
            self.assertEqual(asset.warranty_start, today)
            self.assertEqual(asset.warranty_end, today + relativedelta(months=18, days=-1))
            self.assertEqual(asset.warranty_state, "active")
        # the gearbox is not flagged: no asset
        self.assertFalse(Asset.search([("lot_id", "=", self.gearbox_lot.id)]))
        # the customer sees its installed base
        self.assertEqual(self.contact_a.with_user(self.agent1).service_asset_count, 2)
        self.assertEqual(self.customer_a.with_user(self.agent1).service_asset_count, 2)

    def test_no_warranty_period(self):
        self.pump.service_warranty_months = 0
        self._deliver(self.lots[0], self.contact_a)
        asset = self.env["crm.service.asset"].search([("lot_id", "=", self.lots[0].id)])
        self.assertTrue(asset.warranty_start)
        self.assertFalse(asset.warranty_end)
        self.assertEqual(asset.warranty_state, "none")

    def test_product_default_warranty_from_company(self):
        self.company.service_warranty_months = 36
        product = self.env["product.template"].create({"name": "New crane"})
        self.assertEqual(product.service_warranty_months, 36)

    def test_return_then_redelivery_keeps_one_asset(self):
        lot = self.lots[0]
        self._deliver(lot, self.contact_a)
        asset = self.env["crm.service.asset"].search([("lot_id", "=", lot.id)])
        start, end = asset.warranty_start, asset.warranty_end

        self._return(lot, self.contact_a)
        self.assertEqual(asset.state, "returned")
        self.assertEqual(asset.partner_id, self.customer_a)

        self._deliver(lot, self.contact_b)
        assets = self.env["crm.service.asset"].with_context(active_test=False).search([("lot_id", "=", lot.id)])
        self.assertEqual(assets, asset, "redelivery reuses the asset")
        self.assertEqual(asset.state, "in_service")
        self.assertEqual(asset.partner_id, self.customer_b)
        self.assertEqual(asset.address_id, self.contact_b)
        self.assertEqual((asset.warranty_start, asset.warranty_end), (start, end))

    def test_asset_unique_per_serial(self):
        self._asset(self.lots[0], self.customer_a)
        with self.assertRaises(ValidationError):
            self._asset(self.lots[0], self.customer_b)
        self.assertEqual(self.env["crm.service.asset"].search_count([("lot_id", "=", self.lots[0].id)]), 1)

    def test_request_with_serial_of_another_customer_refused(self):
        asset = self._asset(self.lots[0], self.customer_a)
        Request = self.env["crm.service.request"].with_user(self.agent1)
        # the customer's own request gets the asset
        own = Request.create({"name": "泵压力不足", "partner_id": self.contact_a.id, "lot_id": self.lots[0].id})
        self.assertEqual(own.asset_id, asset)
        before = Request.search_count([])
        with self.assertRaises(ValidationError) as refused:
            Request.create({"name": "Pump leaks", "partner_id": self.customer_b.id, "lot_id": self.lots[0].id})
        self.assertIn("HP200-0001", str(refused.exception))
        self.assertEqual(Request.search_count([]), before)
        other = Request.create({"name": "Pump leaks", "partner_id": self.customer_b.id})
        with self.assertRaises(ValidationError):
            other.write({"lot_id": self.lots[0].id})
        self.assertFalse(other.lot_id)
        # a returned asset no longer belongs to anybody
        asset.state = "returned"
        other.write({"lot_id": self.lots[0].id})
        self.assertEqual(other.lot_id, self.lots[0])

    def test_only_service_manager_edits_assets(self):
        asset = self._asset(self.lots[0], self.customer_a)
        new_end = fields.Date.today() + relativedelta(years=3)
        with self.assertRaises(AccessError):
            asset.with_user(self.agent1).write({"warranty_end": new_end})
        asset.with_user(self.manager).write({"warranty_end": new_end})
        self.assertEqual(asset.warranty_end, new_end)
        self.assertEqual(asset.warranty_state, "active")

    def test_warranty_states_computed_and_searched_alike(self):
        self.pump.service_warranty_months = 12
        today = fields.Date.context_today(self.env["crm.service.asset"])
        assets = {
            "upcoming": self._asset(self.lots[0], self.customer_a, start=today + relativedelta(days=2)),
            "active": self._asset(self.lots[1], self.customer_a, start=today - relativedelta(months=11)),
            "expired": self._asset(self.lots[2], self.customer_a, start=today - relativedelta(months=12)),
            "none": self._asset(self.gearbox_lot, self.customer_a, warranty_start=False),
        }
        Asset = self.env["crm.service.asset"]
        ours = Asset.browse([asset.id for asset in assets.values()])
        for state, asset in assets.items():
            self.assertEqual(asset.warranty_state, state)
            self.assertEqual(Asset.search([("id", "in", ours.ids), ("warranty_state", "=", state)]), asset, state)
            self.assertEqual(Asset.search([("id", "in", ours.ids), ("warranty_state", "!=", state)]), ours - asset)
        # a warranty ends on its last day, not before
        self.assertEqual(assets["active"].warranty_end, today + relativedelta(months=1, days=-1))
        self.assertEqual(assets["expired"].warranty_end, today - relativedelta(days=1))
        with self.assertRaises(ValidationError):
            Asset.search([("warranty_state", "in", ["active"])])

    def test_asset_history(self):
        asset = self._asset(self.lots[0], self.customer_a)
        request = self._request(partner_id=self.contact_a.id, lot_id=self.lots[0].id)
        asset.invalidate_recordset(["request_ids", "request_count"])
        self.assertEqual(asset.with_user(self.agent1).request_ids, request)
        self.assertEqual(asset.request_count, 1)
