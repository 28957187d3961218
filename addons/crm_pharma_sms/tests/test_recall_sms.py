from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.crm_industry_pharma.tests.test_recall import RecallCommon


@tagged("post_install", "-at_install")
class TestRecallSms(RecallCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.country_id = cls.env.ref("base.cn")
        cls.gateway = (
            cls.env["sms.gateway"]
            .sudo()
            .create(
                {
                    "name": "Test recall gateway",
                    "company_id": cls.company.id,
                    "wsdl_url": "http://127.0.0.1:9/sms?wsdl",
                    "username": "odoo",
                    "password": "secret",
                    "signature": "【测试】",
                }
            )
        )
        cls.company.sudo().write({"sms_gateway_id": cls.gateway.id, "sms_bulk_threshold": 0})

    def test_notice_by_sms(self):
        self.pharmacy.write({"mobile": "138 0013 8000", "country_id": self.env.ref("base.cn").id})
        self.hospital.write({"mobile": False, "phone": False})
        recall = self._recall(self.recall_user)
        recall.with_user(self.recall_user).action_find_customers()
        with self.assertRaises(AccessError):
            recall.with_user(self.salesman).action_notify()
        self.assertFalse(self.env["sms.sms"].sudo().search([("partner_id", "=", self.pharmacy.id)]))
        recall.with_user(self.recall_user).action_notify()
        lines = {line.partner_id: line for line in recall.line_ids}
        self.assertTrue(lines[self.pharmacy].notified_by_sms)
        self.assertFalse(lines[self.hospital].notified_by_sms)
        self.assertEqual(set(recall.line_ids.mapped("state")), {"notified"})
        sms = self.env["sms.sms"].sudo().search([("partner_id", "=", self.pharmacy.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.company_id, self.company)
        for text in ("召回通知", "L20261201", "二级召回", "Test 含量不合格", recall.name):
            self.assertIn(text, sms.body)
        self.assertEqual(sms.state, "outgoing")
        # the host's queue hands it to the company's gateway
        sms._send()
        self.assertEqual(sms.gateway_id, self.gateway)
        self.assertEqual(sms.gateway_state, "queued")
        self.assertTrue(sms.gateway_number.endswith("13800138000"))
        self.assertTrue(lines[self.pharmacy].message_ids.filtered(lambda m: m.message_type == "sms"))
