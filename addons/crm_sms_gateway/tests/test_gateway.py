from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.crm_sms_gateway.models.sms_gateway import SmsGateway

from .common import SmsGatewayCommon


class Crash(BaseException):
    """The server process stops."""


@tagged("post_install", "-at_install")
class TestSmsGatewayOutbound(SmsGatewayCommon):
    def test_send_through_gateway_normalised(self):
        sms = (
            self.env["sms.sms"]
            .with_company(self.company)
            .create({"number": "138 0013 8000", "body": "你好", "partner_id": self.customer.id})
        )
        sms.send()
        self.assertEqual(sms.gateway_state, "queued")
        self.assertEqual(sms.gateway_number, "13800138000")
        self._run_until_settled()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(sms.gateway_state, "done")
        self.assertEqual(self.app.taken, {sms.uuid: 1})
        self.assertEqual(self.app.messages[0], ("13800138000", "你好", "【测试】", sms.uuid))
        self.assertTrue(sms.gateway_answer)

    def test_composer_from_customer(self):
        """A salesperson sends an SMS from a customer's form: it leaves through the company's gateway."""
        self.user.groups_id += self.env.ref("crm_sms_gateway.group_sms_user")
        self.customer.user_id = self.user
        composer = (
            self.env["sms.composer"]
            .with_user(self.user)
            .with_company(self.company)
            .with_context(active_model="res.partner", active_id=self.customer.id)
            .create({"body": "张先生您好，您的设备已检修完毕。"})
        )
        composer.action_send_sms()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(sms.gateway_id, self.gateway)
        self.assertEqual(sms.company_id, self.company)
        self._run_until_settled()
        self.assertEqual(sms.state, "pending")
        self.assertEqual([m[0] for m in self.app.messages], ["13800138000"])
        # the send log: the user sees it, a user of no SMS group does not
        self.assertEqual(self.env["sms.sms"].with_user(self.user).search([("id", "=", sms.id)]).create_uid, self.user)

    def test_gateway_of_another_company(self):
        company2 = self.env["res.company"].create({"name": "Other"})
        with self.assertRaises(ValidationError):
            company2.sms_gateway_id = self.gateway

    def test_exactly_once_with_failures(self):
        """1,000 messages, the gateway failing or timing out on half the calls."""
        messages = self._create_sms(1000)
        messages.send()
        ids = messages.mapped("uuid")
        # every other message fails: a fault (not taken) on its first two calls,
        # and a few time out on the first call, taken or lost by the gateway
        failing = set(ids[::2])
        timeout_taken, timeout_lost = set(ids[1:6:2]), set(ids[7:12:2])

        def behaviour(client_id, call_no):
            if call_no == 1 and client_id in timeout_taken:
                return "timeout_taken"
            if call_no == 1 and client_id in timeout_lost:
                return "timeout_lost"
            if client_id in failing and call_no <= 2:
                return "fault"
            return "ok"

        self.app.behaviour = behaviour
        self._run_until_settled()
        self.assertEqual(len(self.app.taken), 1000)
        self.assertEqual(set(self.app.taken.values()), {1})
        self.assertEqual(set(messages.mapped("state")), {"pending"})
        self.assertGreater(sum(messages.mapped("gateway_attempts")), 1000)

    def test_scheduler_steps(self):
        """Under the scheduler a step claims, the next step sends; a step that died in
        between leaves the claim to be settled by status, not sent blindly."""
        cron = self.env.ref("crm_sms_gateway.ir_cron_sms_gateway_queue")

        def scheduler_call(run=True):
            progress = cron._add_progress()[1]
            if run:
                self.env["sms.sms"].with_context(
                    cron_id=cron.id, ir_cron_progress_id=progress.id
                )._gateway_process_queue()
            self.env.invalidate_all()
            return progress

        messages = self._create_sms(3)
        messages.send()
        progress = scheduler_call()
        self.assertEqual(set(messages.mapped("gateway_state")), {"inflight"})
        self.assertEqual((progress.done, progress.remaining), (3, 3))
        scheduler_call()
        self.assertEqual(set(messages.mapped("state")), {"pending"})
        self.assertEqual(set(self.app.calls.values()), {1})
        # a claim whose next call died (its progress exists, its work was rolled back)
        others = self._create_sms(2)
        others.send()
        scheduler_call()
        scheduler_call(run=False)
        with patch.object(SmsGateway, "_call_status", autospec=True, side_effect=SmsGateway._call_status) as status:
            scheduler_call()
        self.assertEqual(status.call_count, 2)
        self.assertEqual(set(others.mapped("gateway_state")), {"inflight"})  # not found: claimed again
        scheduler_call()
        self.assertEqual(set(others.mapped("state")), {"pending"})
        self.assertEqual(set(self.app.taken.values()), {1})
        self.assertEqual(len(self.app.taken), 5)

    def test_unknown_outcome_settled_by_status(self):
        taken, lost = self._create_sms(2)
        first_call = {taken.uuid: "timeout_taken", lost.uuid: "timeout_lost"}
        self.app.behaviour = lambda cid, n: first_call[cid] if n == 1 else "ok"
        (taken | lost).send()
        self.env["sms.sms"]._gateway_process_queue()
        self.assertEqual((taken | lost).mapped("gateway_state"), ["unknown", "unknown"])
        self._run_until_settled()
        self.assertEqual(self.app.calls, {taken.uuid: 1, lost.uuid: 2})
        self.assertEqual(self.app.taken, {taken.uuid: 1, lost.uuid: 1})
        self.assertEqual((taken | lost).mapped("state"), ["pending", "pending"])

    def test_restart_mid_batch(self):
        messages = self._create_sms(20)
        messages.send()
        sms_model = self.env["sms.sms"]
        sms_model._gateway_step("run1", None)  # claim, committed by the scheduler
        self.assertEqual(set(messages.mapped("gateway_state")), {"inflight"})
        original = SmsGateway._call_send
        calls = []

        def crash_after_eight(gateway, *args):
            result = original(gateway, *args)
            calls.append(1)
            if len(calls) == 8:
                raise Crash()
            return result

        with patch.object(SmsGateway, "_call_send", crash_after_eight), self.assertRaises(Crash):
            with self.env.cr.savepoint():
                sms_model._gateway_step("run2", "run1")
        self.env.invalidate_all()
        self.assertEqual(set(messages.mapped("gateway_state")), {"inflight"})
        self.assertEqual(len(self.app.taken), 8)
        # the server comes back: a new run settles the in-flight batch by status
        self._run_until_settled()
        self.assertEqual(len(self.app.taken), 20)
        self.assertEqual(set(self.app.taken.values()), {1})
        self.assertEqual(set(messages.mapped("state")), {"pending"})

    def test_max_attempts_error(self):
        self.gateway.max_attempts = 2
        sms = self._create_sms(1)
        self.app.behaviour = lambda cid, n: "fault"
        sms.send()
        self._run_until_settled()
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.gateway_attempts, 2)
        self.assertIn("Gateway busy", sms.gateway_error)
        # a person resends it once the gateway works again
        self.app.behaviour = lambda cid, n: "ok"
        sms.resend_failed()
        self.assertEqual(sms.gateway_state, "queued")
        self._run_until_settled()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(self.app.taken, {sms.uuid: 1})

    def test_no_gateway_uses_host(self):
        other = self.env["res.company"].create({"name": "No gateway"})
        sms = self._create_sms(1, company=other)
        iap_result = [{"uuid": sms.uuid, "state": "success"}]
        with patch("odoo.addons.sms.tools.sms_api.SmsApi._send_sms_batch", return_value=iap_result):
            sms.send()
        self.assertFalse(sms.gateway_id)
        self.assertEqual(sms.state, "pending")

    def test_multi_company_gateways(self):
        company2 = self.env["res.company"].create({"name": "SMS Co 2", "country_id": self.env.ref("base.cn").id})
        gateway2 = self.env["sms.gateway"].create(
            {
                "name": "Second",
                "company_id": company2.id,
                "wsdl_url": self.server.wsdl_url,
                "username": "odoo",
                "password": "secret",
                "signature": "【二】",
            }
        )
        company2.sms_gateway_id = gateway2
        first, second = self._create_sms(1), self._create_sms(1, company=company2)
        (first | second).send()
        self.assertEqual(first.gateway_id, self.gateway)
        self.assertEqual(second.gateway_id, gateway2)
        self._run_until_settled()
        signs = {m[3]: m[2] for m in self.app.messages}
        self.assertEqual(signs, {first.uuid: "【测试】", second.uuid: "【二】"})
        # a user of the first company does not see the second's gateway
        self.assertFalse(self.env["sms.gateway"].with_user(self.manager).search([("id", "=", gateway2.id)]))


@tagged("post_install", "-at_install")
class TestSmsGatewayConnection(SmsGatewayCommon):
    def test_connection_ok(self):
        action = self.gateway.with_user(self.manager).action_test_connection()
        self.assertEqual(action["params"]["type"], "success")

    def test_bad_wsdl(self):
        self.gateway.wsdl_url = self.server.url + "soap-not-a-wsdl"
        with self.assertRaisesRegex(UserError, "valid WSDL"):
            self.gateway.with_user(self.manager).action_test_connection()

    def test_unreachable(self):
        self.gateway.wsdl_url = "http://127.0.0.1:1/?wsdl"
        with self.assertRaisesRegex(UserError, "cannot be reached"):
            self.gateway.with_user(self.manager).action_test_connection()

    def test_wrong_credentials(self):
        self.gateway.password = "wrong"
        with self.assertRaisesRegex(UserError, "Invalid account or password"):
            self.gateway.with_user(self.manager).action_test_connection()

    def test_missing_operation(self):
        self.gateway.send_operation = "SubmitSms"
        with self.assertRaisesRegex(UserError, "SubmitSms"):
            self.gateway.with_user(self.manager).action_test_connection()

    def test_access_credentials(self):
        user = self.user
        user.groups_id += self.env.ref("crm_sms_gateway.group_sms_user")
        gateway = self.gateway.with_user(user)
        self.assertEqual(gateway.name, "Loopback gateway")
        with self.assertRaises(AccessError):
            gateway.read(["password"])
        with self.assertRaises(AccessError):
            gateway.action_test_connection()
        with self.assertRaises(AccessError):
            gateway.write({"signature": "x"})
        self.assertEqual(self.gateway.with_user(self.manager).read(["password"])[0]["password"], "secret")
        plain = new_test_user(
            self.env,
            "plain_user",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["sms.gateway"].with_user(plain).search([])


@tagged("post_install", "-at_install")
class TestSmsGatewayBulkOptOut(SmsGatewayCommon):
    def test_bulk_needs_approval(self):
        self.company.sms_bulk_threshold = 5
        messages = self._create_sms(6)
        messages.send()
        self._run_until_settled()
        self.assertFalse(self.app.taken)
        self.assertEqual(set(messages.mapped("gateway_state")), {"approval"})
        bulk = messages.gateway_bulk_id
        self.assertEqual(len(bulk), 1)
        with self.assertRaises(AccessError):
            bulk.with_user(self.user).action_approve()
        with self.assertRaises(AccessError):
            bulk.with_user(self.user).sudo(False).write({"state": "approved"})
        bulk.with_user(self.manager).action_approve()
        self._run_until_settled()
        self.assertEqual(len(self.app.taken), 6)
        # below the threshold: no approval
        small = self._create_sms(5)
        small.send()
        self.assertEqual(set(small.mapped("gateway_state")), {"queued"})

    def test_mass_sms_personalised_approved(self):
        """Mass SMS (群发) from a template with the recipient's fields, above the threshold."""
        self.company.sms_bulk_threshold = 1
        partners = self.customer | self.env["res.partner"].create(
            {"name": "李四", "mobile": "13900000009", "country_id": self.env.ref("base.cn").id}
        )
        composer = (
            self.env["sms.composer"]
            .with_company(self.company)
            .with_context(active_model="res.partner", active_ids=partners.ids, default_composition_mode="mass")
            .create({"body": "{{ object.name }}，您好"})
        )
        composer.action_send_sms()
        self.env["sms.sms"]._process_queue()
        self._run_until_settled()
        self.assertFalse(self.app.taken)
        bulk = self.env["sms.gateway.bulk"].search([("company_id", "=", self.company.id)])
        self.assertEqual(bulk.sms_count, 2)
        bulk.with_user(self.manager).action_approve()
        self._run_until_settled()
        self.assertEqual(sorted(m[1] for m in self.app.messages), ["张三，您好", "李四，您好"])

    def test_bulk_rejected(self):
        self.company.sms_bulk_threshold = 1
        messages = self._create_sms(2)
        messages.gateway_bulk_id.with_user(self.manager).action_reject()
        messages.send()
        self._run_until_settled()
        self.assertFalse(self.app.taken)
        self.assertEqual(set(messages.mapped("state")), {"canceled"})

    def test_opt_out(self):
        self.env["phone.blacklist"].sudo().add("+8613900000001")
        opted, other = self._create_sms(2)[:2].sorted("number")
        self.assertEqual(opted.number, "+86 13900000000")
        self.env["phone.blacklist"].sudo().add("+8613900000000")
        (opted | other).send()
        self._run_until_settled()
        self.assertEqual(opted.state, "error")
        self.assertEqual(opted.failure_type, "sms_blacklist")
        self.assertEqual(other.state, "error")
        self.assertEqual(list(self.app.taken), [])


@tagged("post_install", "-at_install")
class TestSmsGatewayInbound(SmsGatewayCommon):
    def test_inbound_match_keyword_and_unknown(self):
        sms = (
            self.env["sms.sms"]
            .with_company(self.company)
            .create({"number": self.customer.mobile, "body": "您的订单已发货", "partner_id": self.customer.id})
        )
        sms.send()
        self._run_until_settled()
        Inbound = type(self.env["sms.gateway.inbound"])
        handled = []

        original = Inbound._sms_keyword_handlers

        def handlers(inbound):
            # what another module registers, e.g. a dealer asking for its rebate balance (FL = 返利)
            return {**original(inbound), "FL": lambda: handled.append(inbound) or "balance 100"}

        self.app.inbound = [
            {"mobile": "13800138000", "content": "收到，谢谢", "msgId": "in1", "clientMsgId": sms.uuid},
            {"mobile": "13800138000", "content": "fl 查询", "msgId": "in2", "clientMsgId": ""},
            {"mobile": "13800138000", "content": "HELLO", "msgId": "in3", "clientMsgId": ""},
            {"mobile": "13700000000", "content": "TD", "msgId": "in4", "clientMsgId": ""},
        ]
        with patch.object(Inbound, "_sms_keyword_handlers", handlers):
            replies = self.env["sms.gateway.inbound"]._fetch_from_gateways(self.gateway)
        self.assertEqual(len(replies), 4)
        answered, keyword, unknown, optout = replies.sorted("external_id")
        self.assertEqual(answered.partner_id, self.customer)
        self.assertEqual(answered.sms_id, sms)
        self.assertEqual(keyword.state, "done")
        self.assertEqual(keyword.answer, "balance 100")
        self.assertEqual(keyword.partner_id, self.customer)
        self.assertEqual(unknown.state, "unknown")
        self.assertTrue(unknown.activity_ids)
        self.assertEqual(optout.state, "done")
        self.assertTrue(self.env["phone.blacklist"].sudo().search([("number", "=", "+8613700000000")]))
        self.assertTrue(any("收到，谢谢" in body for body in self.customer.message_ids.mapped("body")))
        # fetched once
        self.app.inbound = [{"mobile": "13800138000", "content": "HELLO", "msgId": "in3", "clientMsgId": ""}]
        self.assertFalse(self.env["sms.gateway.inbound"]._fetch_from_gateways(self.gateway))
