import base64

from odoo import http
from odoo.tests import HttpCase, tagged

from .sellthrough_common import SellthroughCommon


@tagged("post_install", "-at_install")
class TestSellthroughPortal(SellthroughCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_sh = cls._user("st_dealer_sh_portal", "base.group_portal")
        cls.portal_sh.partner_id.parent_id = cls.dealer_sh
        cls.portal_js = cls._user("st_dealer_js_portal", "base.group_portal")
        cls.portal_js.partner_id.parent_id = cls.dealer_js

    def _upload(self, rows, replace=False):
        data = {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "csrf_token": http.Request.csrf_token(self),
        }
        if replace:
            data["replace"] = "1"
        files = {"report_file": ("report.xlsx", base64.b64decode(self._workbook(rows)))}
        return self.url_open("/my/channel/sellthrough/upload", data=data, files=files)

    def test_upload_and_isolation(self):
        self.authenticate(self.portal_sh.login, self.portal_sh.login)
        response = self._upload([self._row(10)])
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_crm_sellthrough_done", response.text)
        report = self._reports()
        self.assertEqual(report.source, "portal")
        self.assertEqual(report.line_ids.quantity, 10)
        # the Jiangsu dealer uploads a lot no dealer received: refused, and it does not see the
        # Shanghai report
        self.authenticate(self.portal_js.login, self.portal_js.login)
        response = self._upload([self._row(1, lot="A2698")])
        self.assertIn("never received lot A2698", response.text)
        self.assertFalse(self._reports(self.dealer_js))
        page = self.url_open("/my/channel/sellthrough")
        self.assertNotIn("o_crm_sellthrough_reports", page.text)
        # the Shanghai dealer's lot in the Jiangsu dealer's report: imported, and a diversion case
        # opens for the back office (the dealer sees none of it)
        response = self._upload([self._row(1)])
        self.assertIn("o_crm_sellthrough_done", response.text)
        self.assertEqual(self._reports(self.dealer_js).line_ids.source_dealer_id, self.dealer_sh)
        case = self.env["crm.channel.diversion"].search([("lot_id", "=", self.lot_a1.id)])
        self.assertRecordValues(
            case,
            [
                {
                    "source": "sellthrough",
                    "reason": "dealer",
                    "authorized_partner_id": self.dealer_sh.id,
                    "found_partner_id": self.dealer_js.id,
                }
            ],
        )

    def test_upload_errors_and_repeated_period(self):
        self.authenticate(self.portal_sh.login, self.portal_sh.login)
        response = self._upload([self._row(10), self._row(1, lot="NOPE")])
        self.assertIn("Unknown lot", response.text)
        self.assertIn("Nothing was imported", response.text)
        self.assertFalse(self._reports())
        self._upload([self._row(10)])
        self.assertIn("already has a report", self._upload([self._row(20)]).text)
        self.assertEqual(self._reports().line_ids.quantity, 10)
        self._upload([self._row(20)], replace=True)
        self.assertEqual(self._reports().line_ids.quantity, 20)

    def test_tour_dealer_uploads_and_sees_errors(self):
        content = self._workbook([self._row(10), self._row(1, lot="NOPE")])
        attachment = self.env["ir.attachment"].create(
            {"name": "report.xlsx", "datas": content, "public": True, "res_model": "res.partner"}
        )
        token = attachment.generate_access_token()[0]
        url = (
            f"/my/channel/sellthrough?file={attachment.id}&token={token}"
            f"&date_from={self.date_from.isoformat()}&date_to={self.date_to.isoformat()}"
        )
        self.start_tour(url, "crm_channel_sellthrough_portal_tour", login=self.portal_sh.login)
        self.assertFalse(self._reports())
