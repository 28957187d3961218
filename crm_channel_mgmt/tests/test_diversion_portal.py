import io

from PIL import Image

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .test_diversion import DiversionCommon


@tagged("post_install", "-at_install")
class TestDiversionPortal(DiversionCommon, HttpCase):
    """Field checks recorded in the portal by the portal users of contacts
    flagged as portal field inspectors (an audit firm's staff)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.audit_firm = cls.env["res.partner"].create({"name": "华信市场稽查事务所", "is_company": True})
        cls.portal_inspector = cls._portal_inspector("audit_inspector_1")
        cls.portal_inspector2 = cls._portal_inspector("audit_inspector_2")
        cls.Check = cls.env["crm.channel.diversion.check"]

    @classmethod
    def _portal_inspector(cls, login):
        user = cls._user(login, "base.group_portal")
        # set by the channel manager that sets the data up (ChannelCommon)
        user.partner_id.write({"parent_id": cls.audit_firm.id, "crm_channel_portal_inspector": True})
        return user

    def _post(self, lot="A2601", state=None, photo=None, **values):
        data = {
            "lot": lot,
            "date": self.today.isoformat(),
            "state_id": str((state or self.state_js).id),
            "csrf_token": http.Request.csrf_token(self),
            **values,
        }
        files = {"photo": ("photo.png", photo, "image/png")} if photo else None
        return self.url_open("/my/channel/checks/new", data=data, files=files)

    def _checks(self, user=None):
        return self.Check.search([("user_id", "=", (user or self.portal_inspector).id)])

    @staticmethod
    def _png():
        output = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(output, format="PNG")
        return output.getvalue()

    def test_portal_check_opens_a_case(self):
        self.authenticate(self.portal_inspector.login, self.portal_inspector.login)
        self.assertIn("/my/channel/checks", self.url_open("/my").text)
        self.assertIn("o_crm_channel_check_form", self.url_open("/my/channel/checks/new").text)
        # a post without the form's CSRF token is refused
        with self.assertLogs("odoo.http", "WARNING"):
            response = self.url_open("/my/channel/checks/new", data={"lot": "A2601", "state_id": self.state_js.id})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._checks())
        response = self._post(place="南京市鼓楼区中山路 1 号 百姓大药房", city="南京市", photo=self._png())
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-result="diversion"', response.text)
        # the portal user learns that a case was opened, not whose lot it is nor the case
        self.assertNotIn(self.dealer_sh.name, response.text)
        check = self._checks()
        self.assertRecordValues(
            check,
            [
                {
                    "lot_id": self.lot_a1.id,
                    "company_id": self.company.id,
                    "state": "done",
                    "result": "diversion",
                    "date": self.today,
                    "state_id": self.state_js.id,
                    "city": "南京市",
                }
            ],
        )
        self.assertTrue(check.photo)
        self.assertRecordValues(
            check.diversion_id,
            [
                {
                    "source": "field",
                    "reason": "territory",
                    "lot_id": self.lot_a1.id,
                    "authorized_partner_id": self.dealer_sh.id,
                    "found_state_id": self.state_js.id,
                    "found_city": "南京市",
                    "found_place": "南京市鼓楼区中山路 1 号 百姓大药房",
                    "found_user_id": self.portal_inspector.id,
                    "state": "investigation",
                }
            ],
        )
        self.assertEqual(check.diversion_id.source_ref, check)
        # the list shows the check and its result, not the case; the home counts it
        page = self.url_open("/my/channel/checks").text
        self.assertIn("A2601", page)
        self.assertNotIn(self.dealer_sh.name, page)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["crm_channel_check_count"]})
        self.assertEqual(counters["crm_channel_check_count"], 1)

    def test_portal_bad_input_records_nothing(self):
        company_b = self.env["res.company"].create({"name": "Field Portal Company B"})
        self.env["stock.lot"].create({"name": "C2601", "product_id": self.amoxicillin.id, "company_id": company_b.id})
        self.authenticate(self.portal_inspector.login, self.portal_inspector.login)
        for lot in ("NOPE", "C2601"):  # unknown, or another company's lot
            response = self._post(lot=lot)
            self.assertIn(f"Lot {lot} is not one of ours", response.text)
            self.assertIn(f'value="{lot}"', response.text, "the form keeps what was typed")
        future = self.today.replace(year=self.today.year + 1).isoformat()
        self.assertIn("cannot be in the future", self._post(date=future).text)
        self.assertIn("Choose the province", self._post(state=self.env.ref("base.state_us_1")).text)
        self.assertIn("could not be decoded as an image", self._post(photo=b"not an image").text)
        self.assertFalse(self._checks())
        self.assertFalse(self._cases(self.lot_a1))

    def test_portal_check_inside_the_territory(self):
        self.authenticate(self.portal_inspector.login, self.portal_inspector.login)
        self.assertIn('data-result="clear"', self._post(state=self.state_sh).text)
        self.assertIn('data-result="unknown"', self._post(lot="A2698").text)
        self.assertEqual(sorted(self._checks().mapped("result")), ["clear", "unknown"])
        self.assertFalse(self._cases(self.lot_a1) | self._cases(self.lot_a9))

    def test_refused_portal_users(self):
        plain = self._user("plain_portal", "base.group_portal")
        # a dealer's contact, even flagged, is refused: it would check its competitors' lots
        dealer_portal = self._user("dealer_sh_check_portal", "base.group_portal")
        dealer_portal.partner_id.write({"parent_id": self.dealer_sh.id, "crm_channel_portal_inspector": True})
        for user in (plain, dealer_portal):
            self.authenticate(user.login, user.login)
            self.assertNotIn("/my/channel/checks", self.url_open("/my").text)
            for url in ("/my/channel/checks", "/my/channel/checks/new"):
                self.assertTrue(self.url_open(url).url.endswith("/my"), url)
            self.assertTrue(self._post().url.endswith("/my"))
            self.assertFalse(self._checks(user))
        # a back-office user with the flag uses the back-office form
        self.inspector.partner_id.crm_channel_portal_inspector = True
        self.authenticate(self.inspector.login, self.inspector.login)
        self.assertTrue(self._post().url.endswith("/my"))
        self.assertFalse(self._checks(self.inspector))

    def test_inspectors_see_their_own_checks(self):
        self.authenticate(self.portal_inspector.login, self.portal_inspector.login)
        self._post(place="上海市第一药房")
        self.authenticate(self.portal_inspector2.login, self.portal_inspector2.login)
        self._post(lot="B2601", place="南京市第二药房")
        page = self.url_open("/my/channel/checks").text
        self.assertIn("南京市第二药房", page)
        self.assertNotIn("上海市第一药房", page)
        self.assertEqual(self._checks(self.portal_inspector2).lot_id, self.lot_b1)
        # over RPC, portal users read no check, not even their own
        with self.assertRaises(AccessError):
            self.Check.with_user(self.portal_inspector).search([])

    def test_only_channel_managers_flag_inspectors(self):
        contact = self.env["res.partner"].create({"name": "稽查员 王", "parent_id": self.audit_firm.id})
        for user in (self.channel_user, self.salesman):
            with self.assertRaises(AccessError):
                contact.with_user(user).write({"crm_channel_portal_inspector": True})
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).create(
                    {"name": "稽查员 李", "crm_channel_portal_inspector": True}
                )
        self.assertFalse(contact.crm_channel_portal_inspector)
        contact.with_user(self.channel_manager).crm_channel_portal_inspector = True
        self.assertTrue(contact.crm_channel_portal_inspector)
        # other changes of a flagged contact stay open to the salespeople
        contact.with_user(self.salesman).write({"phone": "021-12345678", "crm_channel_portal_inspector": True})

    def test_tour_portal_inspector_records_a_diversion(self):
        self.start_tour("/my", "crm_channel_portal_field_check_tour", login=self.portal_inspector.login)
        check = self._checks()
        self.assertEqual(check.result, "diversion")
        self.assertRecordValues(
            check.diversion_id,
            [
                {
                    "authorized_partner_id": self.dealer_sh.id,
                    "found_state_id": self.state_js.id,
                    "found_user_id": self.portal_inspector.id,
                }
            ],
        )
