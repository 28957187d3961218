import re

from odoo.exceptions import AccessError, ValidationError
from odoo.http import Request
from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import ServiceCommon
from .workorder_common import WorkOrderCommon

# the service desk's own business: a customer may not read it
INTERNAL_FIELDS = [
    "queue_id",
    "user_id",
    "assign_date",
    "assignment_ids",
    "escalation_log_ids",
    "sla_id",
    "sla_start_date",
    "response_deadline",
    "resolution_deadline",
    "first_response_date",
    "resolved_date",
    "closed_date",
    "pause_start",
    "paused_hours",
    "response_breached",
    "resolution_breached",
    "is_late",
    "can_claim",
    "complaint_department_id",
    "complaint_category",
    "complaint_severity",
    "root_cause",
    "capa_action_ids",
    "capa_open_count",
    "defect_ids",
    "asset_id",
    "service_plan_id",
    "service_plan_due_date",
]


@tagged("post_install", "-at_install")
class TestPortalReadableFields(ServiceCommon):
    """A customer reads their requests' subject, type, state... but none of the desk's internals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.request = cls._request(
            partner_id=cls.contact_a.id,
            queue_id=cls.queue_rr.id,
            request_type="complaint",
            root_cause="安装人员未按规范操作",
        )

    def test_portal_user_cannot_read_internal_fields(self):
        mine = self.request.with_user(self.portal_a)
        values = mine.read(["name", "reference", "state", "request_type", "priority", "partner_id", "description"])
        self.assertEqual(values[0]["name"], "发动机无法启动")
        for fname in INTERNAL_FIELDS:
            with self.subTest(field=fname), self.assertRaises(AccessError):
                mine.read([fname])
        # neither by default, nor in the field list the client gets
        self.assertFalse(set(INTERNAL_FIELDS) & set(mine.read()[0]), "read() without fields leaves them out")
        Request = self.env["crm.service.request"].with_user(self.portal_a)
        self.assertFalse(set(INTERNAL_FIELDS) & set(Request.fields_get()))
        # nor searched, grouped or sorted on
        with self.assertRaises(AccessError):
            Request.search([("response_breached", "=", True)])
        with self.assertRaises(AccessError):
            Request.read_group([], ["user_id"], ["user_id"])
        # the back office still reads them
        self.assertEqual(self.request.with_user(self.agent1).queue_id, self.queue_rr)
        self.assertTrue(self.request.with_user(self.agent1).resolution_deadline)


@tagged("post_install", "-at_install")
class TestPortalNewRequest(WorkOrderCommon, HttpCase):
    """The portal's new-request form, as a customer's portal user in a browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._deliver(cls.lots[0], cls.contact_b)  # installed at customer B (an asset)
        cls._deliver(cls.lots[1], cls.contact_a)  # installed at customer A
        cls._deliver(cls.gearbox_lot, cls.contact_b, product=cls.plain_serial)  # delivered to B, no asset
        # lots[2] was never delivered

    def _submit(self, serial, login="portal_a"):
        self.authenticate(login, login)
        response = self.url_open(
            "/my/service_requests/new",
            data={
                "name": "液压泵漏油",
                "request_type": "repair",
                "priority": "2",
                "serial": serial,
                "description": "举升无力",
                "csrf_token": Request.csrf_token(self),
            },
            allow_redirects=False,
        )
        return response

    def _serial_error(self, response):
        self.assertEqual(response.status_code, 200, "the form is shown again")
        found = re.search(r'<div class="invalid-feedback">(.*?)</div>', response.text, re.S)
        self.assertTrue(found, "the serial number field shows an error")
        return found.group(1).strip()

    def test_serial_of_another_customer_is_answered_as_unknown(self):
        Request_ = self.env["crm.service.request"]
        count = Request_.search_count([])
        unknown = self._serial_error(self._submit("HP200-9999"))
        self.assertIn("HP200-9999", unknown)
        for serial in ("HP200-0001", "GB-0001", "HP200-0003"):  # B's asset, B's delivery, never delivered
            with self.subTest(serial=serial):
                message = self._serial_error(self._submit(serial))
                self.assertEqual(message, unknown.replace("HP200-9999", serial))
                self.assertNotIn("西安运输集团", message)
        self.assertEqual(Request_.search_count([]), count, "nothing was created")
        # the customer's own serial is accepted
        response = self._submit("HP200-0002")
        self.assertEqual(response.status_code, 303, response.text[:500])
        request = Request_.search([("name", "=", "液压泵漏油")])
        self.assertEqual((request.lot_id, request.product_id), (self.lots[1], self.pump))
        self.assertEqual(request.partner_id, self.contact_a)

    def test_lot_constraints_name_nobody_to_a_portal_user(self):
        """What the form creates (as the portal user, with sudo) meets the same neutral checks."""
        as_portal = self.env["crm.service.request"].with_user(self.portal_a).sudo()
        for lot in (self.lots[0], self.gearbox_lot):
            with self.subTest(lot=lot.name), self.assertRaises(ValidationError) as caught:
                as_portal.create({"name": "x", "partner_id": self.contact_a.id, "lot_id": lot.id})
            self.assertIn(f"Serial number {lot.name} is not among your company's products", str(caught.exception))
            self.assertNotIn("西安运输集团", str(caught.exception))
        # an agent is told who has it
        with self.assertRaises(ValidationError) as caught:
            self._request(user=self.agent1, partner_id=self.contact_a.id, lot_id=self.lots[0].id)
        self.assertIn("西安运输集团", str(caught.exception))

    def test_internal_fields_not_readable_over_json_rpc(self):
        request = self._request(partner_id=self.contact_a.id, queue_id=self.queue_rr.id)
        self.authenticate("portal_a", "portal_a")

        def call_kw(method, args, kwargs=None):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/crm.service.request/{method}",
                {"model": "crm.service.request", "method": method, "args": args, "kwargs": kwargs or {}},
            )

        self.assertEqual(call_kw("read", [request.ids, ["name", "state"]])[0]["state"], "assigned")
        for fnames in (["resolution_deadline"], ["user_id"], ["queue_id", "response_breached"], ["root_cause"]):
            with self.subTest(fields=fnames), mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
                call_kw("read", [request.ids, fnames])
        rows = call_kw("search_read", [[("id", "=", request.id)]])
        self.assertEqual(len(rows), 1)
        self.assertFalse(set(INTERNAL_FIELDS) & set(rows[0]))

    def test_form_labels_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.portal_a.lang = "zh_CN"
        # the labels' translations (which the module's zh_CN.po loads)
        Selection = self.env["ir.model.fields.selection"].with_context(lang="zh_CN")
        for fname, value, label in (("request_type", "repair", "维修"), ("priority", "2", "高")):
            selection = Selection.search(
                [
                    ("field_id.model", "=", "crm.service.request"),
                    ("field_id.name", "=", fname),
                    ("value", "=", value),
                ]
            )
            selection.name = label
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/service_requests/new").text
        self.assertRegex(page, r'<option value="repair"[^>]*>维修</option>')
        self.assertRegex(page, r'<option value="2"[^>]*>高</option>')
        self.assertNotIn(">Repair</option>", page)
        self.assertNotIn(">High</option>", page)
