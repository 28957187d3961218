from email.header import Header

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ServiceCommon


@tagged("post_install", "-at_install")
class TestRequestInput(ServiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.truck = cls.env["product.product"].create({"name": "重卡 T7", "is_storable": True, "tracking": "serial"})
        cls.other_product = cls.env["product.product"].create({"name": "轻卡 L3"})
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        Lot = cls.env["stock.lot"]
        cls.lot_b = Lot.create({"name": "LZZ5CLVB8NW000001", "product_id": cls.truck.id})
        cls.lot_free = Lot.create({"name": "LZZ5CLVB8NW000002", "product_id": cls.truck.id})
        cls.env["stock.quant"]._update_available_quantity(cls.truck, warehouse.lot_stock_id, 1, lot_id=cls.lot_b)
        customers = cls.env.ref("stock.stock_location_customers")
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": cls.customer_b.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": cls.truck.name,
                            "product_id": cls.truck.id,
                            "product_uom_qty": 1,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": customers.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        assert picking.state == "done" and cls.lot_b.last_delivery_partner_id == cls.customer_b

    def test_serial_of_another_customer_refused(self):
        Request = self.env["crm.service.request"].with_user(self.agent1)
        count = Request.search_count([])
        with self.assertRaises(ValidationError) as caught:
            Request.create(
                [
                    {"name": "ok", "partner_id": self.customer_a.id},
                    {"name": "bad", "partner_id": self.contact_a.id, "lot_id": self.lot_b.id},
                ]
            )
        self.assertIn("LZZ5CLVB8NW000001 was delivered to 西安运输集团", str(caught.exception))
        self.assertEqual(Request.search_count([]), count, "nothing of the batch was created")
        self.assertFalse(self.env["crm.service.assignment"].search([("request_id.name", "in", ("ok", "bad"))]))
        # the owner itself (through a contact) may use it; a serial never delivered is free
        mine = Request.create({"name": "mine", "partner_id": self.contact_b.id, "lot_id": self.lot_b.id})
        self.assertEqual(mine.lot_id, self.lot_b)
        free = Request.create({"name": "free", "partner_id": self.customer_a.id, "lot_id": self.lot_free.id})
        # changing the customer later meets the same check
        with self.assertRaisesRegex(ValidationError, "delivered to"):
            mine.partner_id = self.customer_a
        self.assertTrue(free)

    def test_serial_of_another_product_refused(self):
        with self.assertRaisesRegex(ValidationError, "belongs to product 重卡 T7"):
            self._request(user=self.agent1, product_id=self.other_product.id, lot_id=self.lot_free.id)

    def test_state_actions_refuse_wrong_state(self):
        request = self._request(queue_id=self.queue_rr.id)
        request.action_close()
        self.assertEqual(request.state, "closed")
        with self.assertRaisesRegex(UserError, "this action is not possible"):
            request.action_wait_customer()
        request.action_reopen()
        self.assertEqual(request.state, "in_progress")
        self.assertFalse(request.closed_date)

    def test_reference_per_company(self):
        first = self._request()
        other = (
            self.env["crm.service.request"]
            .with_company(self.company2)
            .create([{"name": f"c2-{i}", "partner_id": self.customer_b.id} for i in range(2)])
        )
        self.assertEqual(other.company_id, self.company2)
        self.assertTrue(other[0].reference.endswith("00001"), other[0].reference)
        self.assertTrue(other[1].reference.endswith("00002"), other[1].reference)
        sequences = self.env["ir.sequence"].search([("code", "=", "crm.service.request")])
        self.assertIn(self.company2, sequences.company_id)
        self.assertIn(self.company, sequences.company_id)
        # each company counts on its own: company 1 goes on from its own number
        self.assertEqual(int(self._request().reference[-5:]), int(first.reference[-5:]) + 1)


@tagged("post_install", "-at_install")
class TestRequestContact(ServiceCommon):
    """The contact gets the rating link: it must be the customer or one of its company's people,
    whatever the client sends (the form's onchange is no gate)."""

    def test_contact_of_another_customer_refused_on_create(self):
        Request = self.env["crm.service.request"].with_user(self.agent1)
        count = Request.search_count([])
        with self.assertRaises(ValidationError) as caught:
            Request.create({"name": "x", "partner_id": self.customer_a.id, "contact_id": self.contact_b.id})
        self.assertIn("is not a contact of customer 苏州物流有限公司", str(caught.exception))
        self.assertEqual(Request.search_count([]), count, "nothing was created")

    def test_contact_of_another_customer_refused_on_write(self):
        request = self._request(user=self.agent1, contact_id=self.contact_a.id)
        mine = request.with_user(self.agent1)
        # (assertRaises rolls the refused write back, as the RPC layer does)
        with self.assertRaises(ValidationError) as caught:
            mine.write({"contact_id": self.contact_b.id})
        self.assertIn("is not a contact of customer 苏州物流有限公司", str(caught.exception))
        # moving the request to another customer without changing the contact is refused too
        with self.assertRaises(ValidationError) as caught:
            mine.write({"partner_id": self.customer_b.id})
        self.assertIn("is not a contact of customer 西安运输集团", str(caught.exception))
        self.assertEqual((request.partner_id, request.contact_id), (self.customer_a, self.contact_a))
        # the customer's own people (and the customer itself) are accepted; so is a change of both
        mine.write({"contact_id": self.customer_a.id})
        mine.write({"partner_id": self.contact_a.id, "contact_id": self.contact_a.id})
        mine.write({"partner_id": self.customer_b.id, "contact_id": self.contact_b.id})
        self.assertEqual(request.contact_id, self.contact_b)
        self.assertEqual(request._rating_get_partner(), self.contact_b)


@tagged("post_install", "-at_install")
class TestMultiCompany(ServiceCommon):
    def test_agent_sees_only_own_company(self):
        mine = self._request()
        theirs = (
            self.env["crm.service.request"]
            .with_company(self.company2)
            .create({"name": "other", "partner_id": self.customer_b.id})
        )
        Request = self.env["crm.service.request"].with_user(self.agent1)
        found = Request.search([("id", "in", (mine | theirs).ids)])
        self.assertEqual(found, mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.agent1).read(["name"])
        both = Request.with_user(self.senior).with_context(allowed_company_ids=(self.company | self.company2).ids)
        self.assertEqual(both.search([("id", "in", (mine | theirs).ids)]), mine | theirs)

    def test_queue_of_another_company_refused(self):
        queue2 = self.env["crm.service.queue"].create({"name": "Xi'an", "company_id": self.company2.id})
        with self.assertRaises(UserError):
            self._request(queue_id=queue2.id)

    def test_routing_rules_of_other_company_ignored(self):
        queue2 = self.env["crm.service.queue"].create({"name": "Xi'an", "company_id": self.company2.id})
        self.env["crm.service.routing.rule"].create(
            {"name": "all", "company_id": self.company2.id, "queue_id": queue2.id}
        )
        request = self._request()
        self.assertFalse(request.queue_id)
        request2 = (
            self.env["crm.service.request"]
            .with_company(self.company2)
            .create({"name": "x", "partner_id": self.customer_b.id})
        )
        self.assertEqual(request2.queue_id, queue2)


@tagged("post_install", "-at_install")
class TestPortalAccess(ServiceCommon):
    def test_portal_user_sees_only_own_customer(self):
        request_a = self._request(partner_id=self.customer_a.id)
        request_a2 = self._request(partner_id=self.contact_a.id)
        request_b = self._request(partner_id=self.customer_b.id)
        Request = self.env["crm.service.request"]
        self.assertEqual(Request.with_user(self.portal_a).search([]), request_a | request_a2)
        self.assertEqual(Request.with_user(self.portal_b).search([]), request_b)
        with self.assertRaises(AccessError):
            request_a.with_user(self.portal_b).read(["name"])
        with self.assertRaises(AccessError):
            request_a.with_user(self.portal_a).write({"priority": "3"})
        with self.assertRaises(AccessError):
            Request.with_user(self.portal_a).create({"name": "x", "partner_id": self.customer_a.id})

    def test_portal_customer_replies_and_rates_after_close(self):
        request = self._request(partner_id=self.contact_a.id, queue_id=self.queue_rr.id)
        request.message_subscribe(partner_ids=self.contact_a.ids)
        request.with_user(self.portal_a).message_post(
            body="还有一个问题", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertIn("还有一个问题", request.message_ids[0].body)
        self.assertFalse(request._get_portal_rating_token(), "no rating before close")
        request.action_close()
        rating_messages = request.message_ids.filtered(lambda m: "how satisfied" in (m.body or ""))
        self.assertTrue(rating_messages, "the satisfaction survey was sent on close")
        token = request._get_portal_rating_token()
        request.sudo().rating_apply(5, token=token, feedback="很满意")
        self.assertEqual(request.rating_last_value, 5)
        self.assertEqual(request.rating_ids.rated_partner_id, request.user_id.partner_id)
        self.assertEqual(request.rating_ids.partner_id, self.contact_a)
        self.env.flush_all()
        report = self.env["crm.service.sla.report"].search([("request_id", "=", request.id)])
        self.assertEqual(report.rating, 5)


@tagged("post_install", "-at_install")
class TestMailGateway(ServiceCommon):
    def test_email_to_queue_alias_creates_request(self):
        alias_domain = self.env["mail.alias.domain"].create({"name": "service.example.com"})
        self.company.alias_domain_id = alias_domain
        self.queue_rr.write({"alias_name": "repairs", "alias_domain_id": alias_domain.id})
        raw = (
            "From: 张伟 <zw@example.com>\r\n"
            "To: repairs@service.example.com\r\n"
            f"Subject: {Header('刹车异响', 'utf-8').encode()}\r\n"
            "Message-ID: <service-test-1@example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            "The brakes squeal when cold.\r\n"
        )
        self.env["mail.thread"].message_process(None, raw)
        request = self.env["crm.service.request"].search([("name", "=", "刹车异响")])
        self.assertEqual(len(request), 1)
        self.assertEqual(request.queue_id, self.queue_rr)
        self.assertEqual(
            request.partner_id,
            self.contact_a,
            (request.partner_id.name, request.partner_id.email, self.contact_a.email),
        )
        self.assertEqual(request.commercial_partner_id, self.customer_a)
        self.assertEqual(request.source, "email")
        self.assertIn(request.user_id, self.agent1 | self.agent2)
        self.assertTrue(request.resolution_deadline)
        self.assertIn("squeal", request.description)
