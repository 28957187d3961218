from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestServiceTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.agent = new_test_user(
            cls.env,
            login="tour_service_agent",
            name="Tour Agent",
            groups="crm_service_desk.crm_service_desk_group_user",
            company_id=cls.company.id,
        )
        cls.customer = cls.env["res.partner"].create({"name": "苏州物流有限公司", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "张伟", "parent_id": cls.customer.id, "email": "zw@example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env, login="tour_portal_customer", groups="base.group_portal", partner_id=cls.contact.id
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "西安运输集团", "is_company": True})
        cls.other_portal = new_test_user(
            cls.env,
            login="tour_portal_other",
            groups="base.group_portal",
            partner_id=cls.env["res.partner"].create({"name": "刘洋", "parent_id": cls.other_customer.id}).id,
        )
        cls.queue = cls.env["crm.service.queue"].create(
            {"name": "Tour Queue", "member_ids": [Command.set(cls.agent.ids)], "assignment_method": "manual"}
        )
        cls.env["crm.service.routing.rule"].search([]).active = False
        cls.env["crm.service.routing.rule"].create(
            {"name": "Tour repairs", "request_type": "repair", "queue_id": cls.queue.id}
        )

    def test_portal_submit_then_rate_after_close(self):
        self.start_tour("/my/service_requests", "crm_service_portal_submit_tour", login="tour_portal_customer")
        request = self.env["crm.service.request"].search([("name", "=", "Tipper hydraulic leak")])
        self.assertEqual(len(request), 1)
        self.assertEqual((request.partner_id, request.source, request.queue_id), (self.contact, "portal", self.queue))
        self.assertIn("Oil under the truck", request.description)
        reply = request.message_ids.filtered(lambda m: "Photos of the leak" in (m.body or ""))
        self.assertEqual(reply.author_id, self.contact)
        # the other customer's portal user gets nothing
        self.authenticate("tour_portal_other", "tour_portal_other")
        response = self.url_open(f"/my/service_requests/{request.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertNotIn("Tipper hydraulic leak", self.url_open("/my/service_requests?filterby=all").text)
        # the agent closes it in the back office
        request.with_user(self.agent).action_claim()
        request.with_user(self.agent).action_start()
        request.with_user(self.agent).action_resolve()
        request.with_user(self.agent).action_close()
        self.start_tour(
            "/my/service_requests?filterby=all", "crm_service_portal_rate_tour", login="tour_portal_customer"
        )
        self.assertEqual(request.rating_ids.filtered("consumed").rating, 3)
        self.assertEqual(request.rating_last_value, 3)
        self.assertIn("engineer came late", request.rating_ids.feedback)

    def test_agent_claims_and_closes(self):
        request = self.env["crm.service.request"].create(
            {"name": "Engine warning light", "partner_id": self.customer.id, "queue_id": self.queue.id}
        )
        self.assertEqual(request.state, "new")
        self.start_tour(
            f"/odoo/action-crm_service_desk.crm_service_request_action/{request.id}",
            "crm_service_agent_claim_tour",
            login="tour_service_agent",
        )
        self.assertEqual(request.user_id, self.agent)
        self.assertEqual(request.state, "closed")
        self.assertTrue(request.first_response_date and request.resolved_date and request.closed_date)
        self.assertEqual(request.assignment_ids.sorted("id")[-1].method, "claim")
