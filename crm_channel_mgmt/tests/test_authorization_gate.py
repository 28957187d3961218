from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ChannelCommon


@tagged("post_install", "-at_install")
class TestAuthorizationGate(ChannelCommon):
    def test_form_refuses_unauthorised_product(self):
        self._authorize(self.dealer_sh, product=self.amoxicillin)
        form = Form(self.env["sale.order"].with_user(self.salesman))
        form.partner_id = self.dealer_sh
        for product in (self.amoxicillin, self.banlangen):
            with form.order_line.new() as line:
                line.product_id = product
        order = form.save()
        with self.assertRefused(UserError, "is not authorised to order") as catcher:
            order.action_confirm()
        message = str(catcher.exception)
        self.assertIn(self.dealer_sh.name, message)
        self.assertIn(self.banlangen.name, message)
        self.assertNotIn(self.amoxicillin.name, message)
        self.assertEqual(order.state, "draft")

    def test_form_confirms_authorised_order(self):
        self._authorize(self.dealer_sh, product=self.amoxicillin)
        form = Form(self.env["sale.order"].with_user(self.salesman))
        form.partner_id = self.dealer_sh
        with form.order_line.new() as line:
            line.product_id = self.amoxicillin
        order = form.save()
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_rpc_confirm_as_salesman(self):
        order = self._order(self.dealer_sh, self.banlangen, user=self.salesman)
        with self.assertRefused(UserError, self.banlangen.name):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_write_state_refused(self):
        order = self._order(self.dealer_sh, self.banlangen, user=self.salesman)
        with self.assertRefused(UserError, self.dealer_sh.name):
            order.with_user(self.salesman).write({"state": "sale"})
        self.assertEqual(order.state, "draft")

    def test_write_state_with_new_lines_checks_the_new_lines(self):
        self._authorize(self.dealer_sh, product=self.amoxicillin)
        order = self._order(self.dealer_sh, self.amoxicillin, user=self.salesman)
        with self.assertRefused(UserError, self.banlangen.name):
            order.with_user(self.salesman).write(
                {"state": "sale", "order_line": [Command.create({"product_id": self.banlangen.id})]}
            )
        self.assertEqual(order.state, "draft")
        self.assertEqual(len(order.order_line), 1)
        order.with_user(self.salesman).write(
            {"state": "sale", "order_line": [Command.create({"product_id": self.amoxicillin.id})]}
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(order.order_line), 2, "lines written with the state are created once")

    def test_line_added_to_confirmed_order(self):
        authorization = self._authorize(self.dealer_sh, product=self.amoxicillin)
        order = self._order(self.dealer_sh, self.amoxicillin, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        with self.assertRefused(UserError, self.banlangen.name):
            order.with_user(self.salesman).order_line = [Command.create({"product_id": self.banlangen.id})]
        with self.assertRefused(UserError, self.banlangen.name):
            order.order_line.with_user(self.salesman).product_id = self.banlangen
        self.assertEqual(order.order_line.product_id, self.amoxicillin)
        # the lines already confirmed are not checked again when another is added
        authorization.date_to = self.today - timedelta(days=1)
        self._authorize(self.dealer_sh, product=self.banlangen)
        order.with_user(self.salesman).order_line = [Command.create({"product_id": self.banlangen.id})]
        self.assertEqual(order.order_line.product_id, self.amoxicillin | self.banlangen)

    def test_create_confirmed_refused(self):
        with self.assertRefused(UserError, self.banlangen.name):
            self.env["sale.order"].with_user(self.salesman).create(
                {
                    "partner_id": self.dealer_sh.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.banlangen.id})],
                }
            )
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.dealer_sh.id)]))

    def test_import_of_state_refused(self):
        order = self._order(self.dealer_sh, self.banlangen, user=self.salesman)
        result = order.with_user(self.salesman).load([".id", "state"], [[str(order.id), "sale"]])
        self.assertFalse(result["ids"])
        self.assertTrue(any(self.banlangen.name in message["message"] for message in result["messages"]))
        self.assertEqual(order.state, "draft")

    def test_import_of_confirmed_orders_refused(self):
        result = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .load(
                ["partner_id/.id", "state", "order_line/product_id/.id"],
                [[str(self.dealer_sh.id), "sale", str(self.banlangen.id)]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertTrue(any(self.dealer_sh.name in message["message"] for message in result["messages"]))
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.dealer_sh.id)]))

    def test_order_of_a_dealer_contact(self):
        contact = self.env["res.partner"].create({"name": "王芳", "parent_id": self.dealer_sh.id})
        order = self._order(contact, self.banlangen, user=self.salesman)
        with self.assertRefused(UserError, self.dealer_sh.name):
            order.with_user(self.salesman).action_confirm()

    def test_expired_and_future_authorisation(self):
        self._authorize(self.dealer_sh, product=self.banlangen, date_to=self.today - timedelta(days=1))
        self._authorize(self.dealer_sh, product=self.banlangen, date_from=self.today + timedelta(days=1))
        order = self._order(self.dealer_sh, self.banlangen, user=self.salesman)
        with self.assertRefused(UserError, self.banlangen.name):
            order.with_user(self.salesman).action_confirm()
        self._authorize(self.dealer_sh, product=self.banlangen, date_from=self.today, date_to=self.today)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_category_covers_sub_categories(self):
        self._authorize(self.dealer_sh, categ=self.categ_medicine)
        order = self._order(self.dealer_sh, self.amoxicillin | self.banlangen, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_sub_category_does_not_cover_its_siblings_or_parent(self):
        self._authorize(self.dealer_sh, categ=self.categ_antibiotic)
        order = self._order(self.dealer_sh, self.amoxicillin | self.banlangen | self.other_product, user=self.salesman)
        with self.assertRefused(UserError, self.banlangen.name) as catcher:
            order.with_user(self.salesman).action_confirm()
        self.assertIn(self.other_product.name, str(catcher.exception))
        self.assertNotIn(self.amoxicillin.name, str(catcher.exception))

    def test_territory_of_the_delivery_address(self):
        self._authorize(self.dealer_sh, product=self.amoxicillin, territory=self.territory_sh)
        in_shanghai = self._order(self.dealer_sh, self.amoxicillin, user=self.salesman)
        in_shanghai.with_user(self.salesman).action_confirm()
        self.assertEqual(in_shanghai.state, "sale")

        suzhou = self.env["res.partner"].create(
            {
                "name": "苏州仓库",
                "type": "delivery",
                "parent_id": self.dealer_sh.id,
                "country_id": self.cn.id,
                "state_id": self.state_js.id,
            }
        )
        to_jiangsu = self._order(self.dealer_sh, self.amoxicillin, user=self.salesman, shipping=suzhou)
        with self.assertRefused(UserError, suzhou.name):
            to_jiangsu.with_user(self.salesman).action_confirm()
        # an authorisation for 华东 covers its sub-territories
        self._authorize(self.dealer_sh, product=self.amoxicillin, territory=self.territory_east)
        to_jiangsu.with_user(self.salesman).action_confirm()
        self.assertEqual(to_jiangsu.state, "sale")

    def test_territory_by_city(self):
        suzhou_city = self.env["crm.channel.territory"].create(
            {"name": "苏州", "parent_id": self.territory_js.id, "city": "Suzhou"}
        )
        self._authorize(self.dealer_js, product=self.banlangen, territory=suzhou_city)
        self.dealer_js.city = " suzhou "
        order = self._order(self.dealer_js, self.banlangen, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.dealer_js.city = "Nanjing"
        order = self._order(self.dealer_js, self.banlangen, user=self.salesman)
        with self.assertRefused(UserError, self.banlangen.name):
            order.with_user(self.salesman).action_confirm()

    def test_archived_authorisation_does_not_count(self):
        authorization = self._authorize(self.dealer_sh, product=self.banlangen)
        authorization.active = False
        order = self._order(self.dealer_sh, self.banlangen, user=self.salesman)
        with self.assertRefused(UserError, self.banlangen.name):
            order.with_user(self.salesman).action_confirm()

    def test_company_without_gate_unchanged(self):
        self.company.crm_channel_gate = False
        order = self._order(self.dealer_sh, self.banlangen, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_customer_not_dealer_unchanged(self):
        customer = self.env["res.partner"].create({"name": "普通客户", "is_company": True})
        order = self._order(customer, self.banlangen, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_sections_and_notes_are_not_checked(self):
        self._authorize(self.dealer_sh, product=self.amoxicillin)
        order = self._order(self.dealer_sh, self.amoxicillin, user=self.salesman)
        order.order_line = [
            Command.create({"display_type": "line_section", "name": "药品"}),
            Command.create({"display_type": "line_note", "name": "备注"}),
        ]
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_authorisation_of_another_company_does_not_count(self):
        other = self.setup_other_company()["company"]
        self._authorize(self.dealer_sh, product=self.banlangen, company=other)
        order = self._order(self.dealer_sh, self.banlangen, user=self.salesman)
        with self.assertRefused(UserError, self.banlangen.name):
            order.with_user(self.salesman).action_confirm()

    def test_gate_queries_do_not_grow(self):
        """One query for the whole check, whatever the number of lines and
        authorisations (the indexes are on the dealer and company)."""
        small = self._order(self.dealer_sh, self.amoxicillin)
        self._authorize(self.dealer_sh, product=self.amoxicillin)
        products = self.env["product.product"].create(
            [
                {"name": f"Gate product {i}", "categ_id": self.categ_tcm.id, "taxes_id": [Command.clear()]}
                for i in range(30)
            ]
        )
        self.env["crm.channel.authorization"].create(
            [{"partner_id": self.dealer_js.id, "product_id": product.id} for product in products]
        )
        large = self._order(self.dealer_js, products)
        # a second order of an unauthorised dealer in the same batch
        other = self._order(self.dealer_sh, self.banlangen)
        for orders in (small, large, large | small):
            self.env.flush_all()
            with self.assertQueryCount(1):
                orders._crm_channel_check_authorization()
        self.env.flush_all()
        with self.assertQueryCount(1):
            rows = (small | large | other)._crm_channel_unauthorized_lines()
        self.assertEqual(rows, [(other.id, self.banlangen.id, self.dealer_sh.id)])
