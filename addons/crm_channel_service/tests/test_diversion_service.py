from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import AGENT_GROUPS, ServiceDiversionCommon


@tagged("post_install", "-at_install")
class TestServiceDiversion(ServiceDiversionCommon):
    def test_request_outside_the_territory_opens_one_case(self):
        # lot A2601 went to the Shanghai dealer (上海); a hospital in Jiangsu asks for service on it
        form = Form(self.Request.with_user(self.agent))
        form.name = "输液泵报警"
        form.partner_id = self.pharmacy_js
        form.lot_id = self.lot_a1
        request = form.save()
        case = self._service_cases(request)
        self.assertEqual(len(case), 1)
        self.assertRecordValues(
            case,
            [
                {
                    "source": "service",
                    "lot_id": self.lot_a1.id,
                    "product_id": self.amoxicillin.id,
                    "authorized_partner_id": self.dealer_sh.id,
                    "found_partner_id": self.pharmacy_js.id,
                    "found_state_id": self.state_js.id,
                    "found_country_id": self.cn.id,
                    "found_user_id": self.agent.id,
                    "date_found": self.today,
                    "reason": "territory",
                    "company_id": self.company.id,
                    "state": "investigation",
                }
            ],
        )
        self.assertEqual(case.authorized_territory_ids, self.territory_sh)
        self.assertEqual(case.source_ref, request)
        # editing the request, saving it again or changing its customer opens no second case
        request.with_user(self.agent).write({"name": "输液泵报警（复查）"})
        request.with_user(self.agent).write({"lot_id": self.lot_a1.id, "partner_id": self.pharmacy_js.id})
        with Form(request.with_user(self.agent)) as form:
            form.description = "<p>客户再次来电</p>"
        self.assertEqual(self._service_cases(request), case)
        self.assertEqual(len(self._cases(self.lot_a1)), 1)

    def test_lot_set_later_opens_a_case(self):
        request = self._request(self.pharmacy_js)
        self.assertFalse(self._service_cases(request))
        request.with_user(self.agent).write({"product_id": self.amoxicillin.id, "lot_id": self.lot_a1.id})
        self.assertEqual(self._service_cases(request).authorized_partner_id, self.dealer_sh)

    def test_request_inside_the_territory_or_without_lot_opens_nothing(self):
        inside = self._request(self.customer_sh, self.lot_a1)
        jiangsu_lot = self._request(self.pharmacy_js, self.lot_a2)  # A2602 went to the Jiangsu dealer
        no_lot = self._request(self.pharmacy_js)
        self.assertFalse(self._service_cases(inside | jiangsu_lot | no_lot))
        self.assertFalse(self._cases(self.lot_a1) | self._cases(self.lot_a2))

    def test_request_form_shows_the_cases_to_case_readers_only(self):
        request = self._request(self.pharmacy_js, self.lot_a1)
        case = self._service_cases(request)
        as_inspector = request.with_user(self.agent_inspector)
        self.assertEqual(as_inspector.crm_diversion_count, 1)
        action = as_inspector.action_view_crm_diversions()
        self.assertEqual(self.Case.with_user(self.agent_inspector).search(action["domain"]), case)
        # the plain service agent saved the request but reads neither the count nor the cases
        with self.assertRaises(AccessError):
            request.with_user(self.agent).read(["crm_diversion_count"])
        with self.assertRaises(AccessError):
            self.Case.with_user(self.agent).search([])
        view = self.Request.with_user(self.agent).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("crm_diversion_count", view)
        view = self.Request.with_user(self.agent_inspector).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("crm_diversion_count", view)

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Service Company B"})
        lot_b = self.env["stock.lot"].create(
            {"name": "A2601", "product_id": self.amoxicillin.id, "company_id": company_b.id}
        )
        # company B delivered its own lot A2601 to the Jiangsu dealer
        self._done_delivery(company_b, self.dealer_js, lot_b, 10)
        agent_b = self._user("service_agent_b", AGENT_GROUPS, company=company_b)
        manager = "crm_channel_mgmt.crm_channel_mgmt_group_manager"
        manager_b = self._user("channel_manager_b", manager, company=company_b)
        # a Shanghai customer: company B's lot is outside the Jiangsu dealer's territory
        request_b = self._request(self.customer_sh, lot_b, user=agent_b)
        case_b = self._service_cases(request_b)
        self.assertEqual(case_b.company_id, company_b)
        self.assertEqual(case_b.authorized_partner_id, self.dealer_js)
        # company A's lot with the same name, at the same customer, is in its dealer's territory
        self.assertFalse(self._service_cases(self._request(self.customer_sh, self.lot_a1)))
        # company A's channel manager does not see company B's case; company B's does
        with self.assertRaises(AccessError):
            case_b.with_user(self.channel_manager).read(["state"])
        self.assertEqual(case_b.with_user(manager_b).state, "investigation")
        self.assertEqual(request_b.with_user(manager_b).crm_diversion_count, 1)

    def test_query_count_is_constant(self):
        """Creating one request with a diverted lot or twenty in a batch costs the same queries."""
        Request = self.Request.with_user(self.agent)

        def create(count, tag):
            requests = Request.create(
                [
                    {
                        "name": f"{tag} {index}",
                        "partner_id": self.pharmacy_js.id,
                        "product_id": self.amoxicillin.id,
                        "lot_id": self.lot_a1.id,
                    }
                    for index in range(count)
                ]
            )
            self.env.flush_all()
            self.env.cr.flush()  # precommit hooks: the tracking messages
            return requests

        create(1, "warm")
        self.env.invalidate_all()
        queries_before = self.cr.sql_log_count
        one = create(1, "one")
        queries = self.cr.sql_log_count - queries_before
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            twenty = create(20, "twenty")
        self.assertEqual(len(self._service_cases(one)), 1)
        self.assertEqual(len(self._service_cases(twenty)), 20)
