from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ServiceCommon

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
