from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user

from .soap_gateway import LoopbackSmsGateway


class SmsGatewayCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = LoopbackSmsGateway(delay=0.6).start()
        cls.addClassCleanup(cls.server.stop)
        cls.app = cls.server.app
        cls.company = cls.env["res.company"].create({"name": "SMS Co", "country_id": cls.env.ref("base.cn").id})
        cls.gateway = cls.env["sms.gateway"].create(
            {
                "name": "Loopback gateway",
                "company_id": cls.company.id,
                "wsdl_url": cls.server.wsdl_url,
                "username": "odoo",
                "password": "secret",
                "signature": "【测试】",
                "timeout": 0.3,
                "retry_delay": 10,
                "batch_size": 200,
            }
        )
        cls.company.write({"sms_gateway_id": cls.gateway.id, "sms_bulk_threshold": 0})
        cls.manager = new_test_user(
            cls.env,
            "sms_manager",
            groups="base.group_user,crm_sms_gateway.group_sms_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.user = new_test_user(
            cls.env,
            "sms_user",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "张三",
                "mobile": "138 0013 8000",
                "country_id": cls.env.ref("base.cn").id,
                "company_id": cls.company.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.app.taken.clear()
        self.app.calls.clear()
        self.app.messages.clear()
        self.app.inbound.clear()
        self.app.behaviour = lambda client_id, call_no: "ok"

    def _create_sms(self, count, company=None):
        company = company or self.company
        return (
            self.env["sms.sms"]
            .with_company(company)
            .create([{"number": f"+86 139{i:08d}", "body": f"您好 {i}"} for i in range(count)])
        )

    def _run_until_settled(self, rounds=30):
        """Run the queue job, moving the clock past every back-off, until nothing is left."""
        now = fields.Datetime.now()
        sms_model = self.env["sms.sms"]
        for _i in range(rounds):
            sms_model._gateway_process_queue(now=now)
            pending = sms_model.search_count([("gateway_state", "in", ("queued", "inflight", "unknown"))])
            if not pending:
                return
            now += timedelta(hours=7)
        self.fail("The queue did not settle")
