import contextlib
from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import PharmaCommon


@tagged("post_install", "-at_install")
class TestSaleGate(PharmaCommon):
    def test_form_confirms_licensed_order(self):
        form = Form(self.env["sale.order"].with_user(self.salesman))
        form.partner_id = self.pharmacy
        for product in (self.amoxicillin, self.banlangen, self.not_a_drug):
            with form.order_line.new() as line:
                line.product_id = product
        order = form.save()
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_form_refuses_missing_licence(self):
        self.licence_gsp.unlink()
        form = Form(self.env["sale.order"].with_user(self.salesman))
        form.partner_id = self.pharmacy
        with form.order_line.new() as line:
            line.product_id = self.amoxicillin
        order = form.save()
        with self.assertRefused(UserError, self.pharmacy.name, self.type_gsp.name, "requires"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_rpc_refuses_expired_licence(self):
        self.licence_dbl.write({"date_end": self.today - timedelta(days=1)})
        order = self._order(self.pharmacy, self.amoxicillin, user=self.salesman)
        with self.assertRefused(UserError, self.pharmacy.name, "沪CA0210057", "is not valid"):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_newer_licence_replaces_expired_one(self):
        self.licence_dbl.write({"date_end": self.today - timedelta(days=1)})
        self._licence(self.pharmacy, self.type_dbl, "沪CA0210058", self.scope_rx)
        order = self._order(self.pharmacy, self.amoxicillin, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_write_state_refuses_out_of_scope_product(self):
        order = self._order(self.pharmacy, self.amoxicillin | self.vaccine, user=self.salesman)
        with self.assertRefused(
            UserError, self.pharmacy.name, self.vaccine.name, self.scope_bio.name, "沪CA0210057"
        ) as catcher:
            order.with_user(self.salesman).write({"state": "sale"})
        self.assertNotIn(self.amoxicillin.name, str(catcher.exception))
        self.assertEqual(order.state, "draft")

    def test_create_confirmed_refused(self):
        with self.assertRefused(UserError, self.vaccine.name):
            self.env["sale.order"].with_user(self.salesman).create(
                {
                    "partner_id": self.pharmacy.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.vaccine.id})],
                }
            )
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.pharmacy.id)]))

    def test_line_added_to_confirmed_order(self):
        order = self._order(self.pharmacy, self.amoxicillin, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        with self.assertRefused(UserError, self.vaccine.name):
            order.with_user(self.salesman).order_line = [Command.create({"product_id": self.vaccine.id})]
        self.assertEqual(order.order_line.product_id, self.amoxicillin)

    def test_unapproved_partner_refused(self):
        clinic = self._partner("Test 新客户诊所", approved=False)
        self._licence(clinic, self.type_dbl, "沪CA0000001", self.scope_otc)
        self._licence(clinic, self.type_gsp, "SH-GSP-0001")
        order = self._order(clinic, self.not_a_drug, user=self.salesman)
        with self.assertRefused(UserError, clinic.name, "first-business approval"):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_unapproved_product_refused(self):
        order = self._order(self.pharmacy, self.new_drug, user=self.salesman)
        with self.assertRefused(UserError, self.new_drug.name, "first-business approval"):
            order.with_user(self.salesman).action_confirm()

    def test_contact_of_licensed_company(self):
        contact = self.env["res.partner"].create({"name": "王经理", "parent_id": self.pharmacy.id})
        order = self._order(contact, self.amoxicillin, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_company_without_gsp_unchanged(self):
        self.company.crm_pharma_gsp = False
        clinic = self._partner("Test 无证诊所", approved=False)
        order = self._order(clinic, self.vaccine | self.new_drug, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_licence_of_another_company_does_not_count(self):
        other = self.env["res.company"].create({"name": "Pharma Other Co"})
        self.licence_gsp.company_id = other
        order = self._order(self.pharmacy, self.amoxicillin, user=self.salesman)
        with self.assertRefused(UserError, self.type_gsp.name):
            order.with_user(self.salesman).action_confirm()
        self.licence_gsp.company_id = False
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_gate_queries_constant(self):
        """The same queries for the whole check (the check itself is one),
        whatever the number of lines."""
        small = self._order(self.pharmacy, self.amoxicillin)
        big = self._order(self.pharmacy, list(self.amoxicillin | self.banlangen | self.not_a_drug) * 7)
        for order in (small, big):
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(2):
                order._crm_pharma_check()


@tagged("post_install", "-at_install")
class TestDeliveryGate(PharmaCommon):
    def _confirmed_delivery(self, products):
        order = self._order(self.pharmacy, products, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 1, "picked": True})
        return picking

    def test_delivery_validates_when_licensed(self):
        picking = self._confirmed_delivery(self.amoxicillin | self.banlangen)
        picking.with_user(self.stock_user).button_validate()
        self.assertEqual(picking.state, "done")

    def test_delivery_refused_after_licence_expired(self):
        picking = self._confirmed_delivery(self.amoxicillin)
        self.licence_dbl.date_end = self.today - timedelta(days=1)
        with self.assertRefused(UserError, self.pharmacy.name, "沪CA0210057", picking.name):
            picking.with_user(self.stock_user).button_validate()
        self.assertNotEqual(picking.state, "done")

    def test_delivery_refused_out_of_scope(self):
        picking = self._confirmed_delivery(self.banlangen)
        self.licence_dbl.scope_ids = self.scope_rx
        with self.assertRefused(UserError, self.banlangen.name, self.scope_otc.name):
            picking.with_user(self.stock_user).button_validate()
        self.assertNotEqual(picking.state, "done")

    def test_delivery_refused_through_move_done(self):
        """Other modules finish moves without button_validate."""
        picking = self._confirmed_delivery(self.amoxicillin)
        self.licence_gsp.date_end = self.today - timedelta(days=2)
        with self.assertRefused(UserError, self.type_gsp.name):
            picking.move_ids.with_user(self.stock_user)._action_done()
        self.assertNotEqual(picking.move_ids.state, "done")


@tagged("post_install", "-at_install")
class TestPurchaseGate(PharmaCommon):
    def test_form_confirms_licensed_purchase(self):
        form = Form(self.env["purchase.order"].with_user(self.buyer))
        form.partner_id = self.supplier
        with form.order_line.new() as line:
            line.product_id = self.amoxicillin
        order = form.save()
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_purchase_refused_missing_licence(self):
        self.licence_dpl.unlink()
        order = self._purchase(self.supplier, self.amoxicillin, user=self.buyer)
        with self.assertRefused(UserError, self.supplier.name, self.type_dpl.name):
            order.with_user(self.buyer).button_confirm()
        self.assertEqual(order.state, "draft")

    def test_purchase_refused_expired_licence(self):
        self.licence_dpl.date_end = self.today - timedelta(days=1)
        order = self._purchase(self.supplier, self.amoxicillin, user=self.buyer)
        with self.assertRefused(UserError, "冀20160012"):
            order.with_user(self.buyer).write({"state": "purchase"})
        self.assertEqual(order.state, "draft")

    def test_purchase_refused_out_of_scope(self):
        order = self._purchase(self.supplier, self.vaccine, user=self.buyer)
        with self.assertRefused(UserError, self.vaccine.name, self.scope_bio.name):
            order.with_user(self.buyer).button_confirm()

    def test_purchase_refused_unapproved_supplier_and_product(self):
        supplier = self._partner("Test 新供应商", approved=False)
        self._licence(supplier, self.type_dpl, "冀00000001", self.scope_otc)
        order = self._purchase(supplier, self.new_drug, user=self.buyer)
        with self.assertRefused(UserError, supplier.name, self.new_drug.name):
            order.with_user(self.buyer).button_confirm()
        self.assertEqual(order.state, "draft")

    def test_line_added_to_confirmed_purchase(self):
        order = self._purchase(self.supplier, self.amoxicillin, user=self.buyer)
        order.with_user(self.buyer).button_confirm()
        with self.assertRefused(UserError, self.vaccine.name, self.scope_bio.name):
            order.with_user(self.buyer).order_line = [Command.create({"product_id": self.vaccine.id})]
        self.assertEqual(order.order_line.product_id, self.amoxicillin)
        order.with_user(self.buyer).order_line = [Command.create({"product_id": self.banlangen.id})]
        self.assertEqual(order.order_line.product_id, self.amoxicillin | self.banlangen)

    def test_supplier_kind_uses_supplier_requirements(self):
        """A customer's required licences are not asked of suppliers."""
        self.assertFalse(self.supplier.crm_pharma_licence_ids.filtered(lambda lic: lic.type_id == self.type_gsp))
        order = self._purchase(self.supplier, self.banlangen, user=self.buyer)
        order.with_user(self.buyer).button_confirm()
        self.assertEqual(order.state, "purchase")


@tagged("post_install", "-at_install")
class TestGateQueries(PharmaCommon):
    """The gate's queries on confirmation and on delivery validation do not
    grow with the number of lines nor with the customer's licences."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("stock.group_stock_manager")
        # a pharmacy chain with 10 licences: the current ones and eight older or narrower ones
        cls.chain = cls._partner("Test 国大药房连锁有限公司")
        cls._licence(cls.chain, cls.type_dbl, "沪CA0300001", cls.scope_rx | cls.scope_otc)
        cls._licence(cls.chain, cls.type_gsp, "SH-GSP-0400")
        for year in range(1, 9):
            cls._licence(
                cls.chain,
                cls.type_dbl if year % 2 else cls.type_gsp,
                f"OLD-{year:02d}",
                cls.scope_otc,
                date_start=cls.today - timedelta(days=365 * (year + 5)),
                date_end=cls.today - timedelta(days=365 * (year + 1)),
            )
        cls.drugs = cls.env["product.product"]
        for i in range(20):
            cls.drugs |= cls._product(f"Test 药品 {i:02d}", cls.scope_rx if i % 2 else cls.scope_otc)
        cls.biologics = cls.env["product.product"]
        for i in range(20):
            cls.biologics |= cls._product(f"Test 生物制品 {i:02d}", cls.scope_bio)

    def _assert_gate_queries(self, records, check, user, expected):
        """``check(records)`` run as ``user`` costs ``expected`` queries once the
        registry caches (access rights, record rules) are warm: they are not
        the gate's cost. The record cache is emptied, as in a new request."""
        records = records.with_user(user)
        for __ in range(2):
            self.env.invalidate_all()
            check(records)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(expected):
            check(records)

    def _delivery(self, partner, products):
        order = self._order(partner, products, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 1, "picked": True})
        return picking

    @staticmethod
    def _refused(method):
        def check(records):
            with contextlib.suppress(UserError):
                getattr(records, method)()
                raise AssertionError(f"{method} did not refuse {records}")

        return check

    def test_confirmation_queries_constant(self):
        """1 line for a customer with 2 licences, 20 lines for one with 10:
        the gate costs the same queries (the user's time zone, the check), and
        the orders confirm."""
        small = self._order(self.pharmacy, self.amoxicillin, user=self.salesman)
        large = self._order(self.chain, self.drugs, user=self.salesman)
        self.assertEqual(len(self.chain.crm_pharma_licence_ids), 10)
        self.assertEqual(len(large.order_line), 20)
        for order in (small, large):
            self._assert_gate_queries(order, lambda order: order._crm_pharma_check(), self.salesman, 3)
            order.with_user(self.salesman).action_confirm()
            self.assertEqual(order.state, "sale")

    def test_refused_confirmation_queries_constant(self):
        """The refusal names every out-of-scope line: its queries do not grow
        with them either (names are read together, one query per model)."""
        for partner, products in ((self.pharmacy, self.vaccine), (self.chain, self.biologics)):
            order = self._order(partner, products, user=self.salesman)
            self._assert_gate_queries(order, self._refused("_crm_pharma_check"), self.salesman, 13)
            self.assertEqual(order.state, "draft")

    def test_delivery_queries_constant(self):
        """Validating a delivery of 1 move to a customer with 2 licences, or of
        20 moves to one with 10: the gate costs the same queries (the
        pickings, the user's time zone, the check), and both validate."""
        small = self._delivery(self.pharmacy, self.amoxicillin)
        large = self._delivery(self.chain, self.drugs)
        self.assertEqual(len(large.move_ids), 20)
        for picking in (small, large):
            self._assert_gate_queries(
                picking.move_ids, lambda moves: moves._crm_pharma_check_delivery(), self.stock_user, 4
            )
            picking.with_user(self.stock_user).button_validate()
            self.assertEqual(picking.state, "done")

    def test_refused_delivery_queries_constant(self):
        small = self._delivery(self.pharmacy, self.amoxicillin)
        large = self._delivery(self.chain, self.drugs)
        (self.licence_dbl | self.chain.crm_pharma_licence_ids).write({"scope_ids": [Command.set(self.scope_bio.ids)]})
        for picking in (small, large):
            self._assert_gate_queries(
                picking.move_ids, self._refused("_crm_pharma_check_delivery"), self.stock_user, 14
            )
            self.assertNotEqual(picking.state, "done")
