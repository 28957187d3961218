"""A SOAP WebService SMS gateway (短信平台) of a company, called through zeep."""

import logging
import threading

import requests
from lxml import etree

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

try:
    import zeep
    from zeep.exceptions import Error as ZeepError
    from zeep.exceptions import Fault, TransportError
    from zeep.helpers import serialize_object
except ImportError:  # pragma: no cover - declared in external_dependencies
    zeep = None

# A zeep client reads and parses the WSDL once; it is a pure cache keyed by the
# gateway's address and last change (nothing else is kept between requests).
_CLIENTS = {}
_CLIENTS_LOCK = threading.Lock()

MANAGER_GROUPS = "base.group_system,crm_sms_gateway.group_sms_manager"


class SmsGatewayError(Exception):
    """A call to the gateway failed.

    ``outcome`` says what happened to a message: ``'failed'`` (the gateway did
    not take it: it may be sent again) or ``'unknown'`` (it may have taken it:
    only the status operation can tell).
    """

    def __init__(self, message, outcome="failed"):
        super().__init__(message)
        self.outcome = outcome


class SmsGateway(models.Model):
    _name = "sms.gateway"
    _description = "SMS Gateway (SOAP)"
    _inherit = ["mail.thread"]
    _check_company_auto = True
    _order = "sequence, id"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    wsdl_url = fields.Char(
        string="WSDL URL",
        required=True,
        tracking=True,
        groups=MANAGER_GROUPS,
        help="Address of the gateway's WSDL, e.g. http://sms.example.cn/Service.asmx?WSDL",
    )
    username = fields.Char(string="Account", groups=MANAGER_GROUPS, copy=False)
    password = fields.Char(groups=MANAGER_GROUPS, copy=False)
    signature = fields.Char(
        string="Sender Signature", help="Signature (签名) registered with the operator, e.g. 【某某公司】"
    )
    timeout = fields.Float(string="Timeout (s)", default=10.0, help="Seconds to wait for each answer of the gateway.")
    batch_size = fields.Integer(default=200, help="Messages sent per run of the queue job.")
    max_attempts = fields.Integer(default=8, help="Failed sends after which a message stays in error.")
    retry_delay = fields.Integer(
        string="First Retry Delay (s)", default=60, help="Delay before the first retry; it doubles after each failure."
    )
    lease = fields.Integer(
        string="In-flight Lease (s)",
        default=300,
        help="A message handed to the gateway by a run that did not finish within this delay is settled "
        "through the status operation.",
    )
    number_format = fields.Selection(
        [("national", "National (13800138000)"), ("e164", "International (+8613800138000)")],
        default="national",
        required=True,
    )
    country_id = fields.Many2one(
        "res.country", string="Default Country", default=lambda self: self.env.ref("base.cn", raise_if_not_found=False)
    )
    responsible_id = fields.Many2one(
        "res.users",
        string="Responsible",
        check_company=True,
        help="Gets an activity for each reply that no keyword handler understood.",
    )
    # send operation and its parameters
    send_operation = fields.Char(default="SendSms", required=True)
    param_username = fields.Char(string="Account Parameter", default="account")
    param_password = fields.Char(string="Password Parameter", default="password")
    param_number = fields.Char(string="Number Parameter", default="mobile", required=True)
    param_text = fields.Char(string="Text Parameter", default="content", required=True)
    param_signature = fields.Char(string="Signature Parameter", default="sign")
    param_client_id = fields.Char(string="Client Message Id Parameter", default="clientMsgId", required=True)
    result_code_field = fields.Char(default="code")
    success_codes = fields.Char(default="0", help="Comma-separated result codes meaning the gateway took the message.")
    result_id_field = fields.Char(string="Gateway Message Id Field", default="msgId")
    # status operation
    status_operation = fields.Char(default="QueryStatus")
    status_param_client_id = fields.Char(string="Status: Client Message Id Parameter", default="clientMsgId")
    status_code_field = fields.Char(string="Status Field", default="status")
    status_sent_codes = fields.Char(
        string="Status Codes: Taken",
        default="ACCEPTED,DELIVERED",
        help="Comma-separated statuses meaning the gateway has the message.",
    )
    status_notfound_codes = fields.Char(
        string="Status Codes: Unknown to Gateway",
        default="NOT_FOUND",
        help="Comma-separated statuses meaning the gateway never got the message: it is sent again.",
    )
    # receive operation
    receive_operation = fields.Char(default="ReceiveSms")
    receive_list_field = fields.Char(string="Receive: List Field", default="item")
    receive_number_field = fields.Char(string="Receive: Number Field", default="mobile")
    receive_text_field = fields.Char(string="Receive: Text Field", default="content")
    receive_id_field = fields.Char(string="Receive: Message Id Field", default="msgId")
    receive_ref_field = fields.Char(string="Receive: Answered Client Id Field", default="clientMsgId")

    _sql_constraints = [
        ("timeout_positive", "CHECK(timeout > 0)", "The gateway's timeout must be positive."),
        ("batch_size_positive", "CHECK(batch_size > 0)", "The batch size must be positive."),
    ]

    # ------------------------------------------------------------------ actions

    def action_test_connection(self):
        """Read the WSDL, check the operations and call the gateway once with
        the credentials; raise a clear error otherwise."""
        self.ensure_one()
        self._check_manager()
        gateway = self.sudo()
        client = gateway._get_client(reload=True)
        operations = set()
        for service in client.wsdl.services.values():
            for port in service.ports.values():
                operations |= set(port.binding._operations)
        for operation in filter(None, [gateway.send_operation, gateway.status_operation, gateway.receive_operation]):
            if operation not in operations:
                raise UserError(
                    _(
                        "The gateway's WSDL has no operation %(operation)s (it has: %(operations)s).",
                        operation=operation,
                        operations=", ".join(sorted(operations)),
                    )
                )
        try:
            if gateway.status_operation:
                gateway._call_status("odoo-connection-test")
            elif gateway.receive_operation:
                gateway._call(gateway.receive_operation, gateway._credential_params())
        except SmsGatewayError as error:
            raise UserError(_("The gateway did not accept the test call: %(error)s", error=error)) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Connection successful"),
                "message": _("The gateway %(name)s answered.", name=gateway.name),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_receive(self):
        self._check_manager()
        self.env["sms.gateway.inbound"]._fetch_from_gateways(self)
        return self.env["ir.actions.act_window"]._for_xml_id("crm_sms_gateway.sms_gateway_inbound_action")

    def action_process_queue(self):
        self._check_manager()
        self.env["sms.sms"].sudo()._gateway_process_queue(gateways=self)
        return True

    def _check_manager(self):
        if not (self.env.su or self.env.user.has_group("crm_sms_gateway.group_sms_manager")):
            raise AccessError(_("Only SMS managers can use the gateways."))

    # ------------------------------------------------------------------ SOAP

    def _get_client(self, reload=False):
        self.ensure_one()
        if zeep is None:
            raise UserError(_("The Python library zeep is missing: pip install zeep"))
        key = (self.env.cr.dbname, self.id, self.wsdl_url, self.timeout)
        with _CLIENTS_LOCK:
            client = None if reload else _CLIENTS.get(key)
        if client is not None:
            return client
        session = requests.Session()
        transport = zeep.Transport(session=session, timeout=self.timeout, operation_timeout=self.timeout)
        try:
            client = zeep.Client(self.wsdl_url, transport=transport)
        except requests.exceptions.RequestException as error:
            raise UserError(
                _("The gateway's host cannot be reached (%(url)s): %(error)s", url=self.wsdl_url, error=error)
            ) from error
        except (ZeepError, etree.XMLSyntaxError, ValueError) as error:
            raise UserError(
                _("The address %(url)s does not give a valid WSDL: %(error)s", url=self.wsdl_url, error=error)
            ) from error
        if not any(service.ports for service in client.wsdl.services.values()):
            raise UserError(
                _("The address %(url)s does not give a valid WSDL: it describes no service.", url=self.wsdl_url)
            )
        with _CLIENTS_LOCK:
            _CLIENTS[key] = client
        return client

    def _credential_params(self):
        params = {}
        if self.param_username:
            params[self.param_username] = self.username or ""
        if self.param_password:
            params[self.param_password] = self.password or ""
        return params

    def _call(self, operation, params):
        """Call ``operation``; raise :class:`SmsGatewayError` with the outcome."""
        try:
            client = self._get_client()
        except UserError as error:
            raise SmsGatewayError(str(error), "failed") from error
        try:
            return client.service[operation](**params)
        except requests.exceptions.ReadTimeout as error:
            raise SmsGatewayError(
                _("No answer within %(s)s s: %(error)s", s=self.timeout, error=error), "unknown"
            ) from error
        except requests.exceptions.ConnectionError as error:
            raise SmsGatewayError(_("The gateway cannot be reached: %(error)s", error=error), "failed") from error
        except Fault as error:
            raise SmsGatewayError(_("The gateway refused: %(error)s", error=error.message), "failed") from error
        except TransportError as error:
            outcome = "unknown" if error.status_code >= 500 else "failed"
            raise SmsGatewayError(_("HTTP error %(code)s from the gateway", code=error.status_code), outcome) from error
        except (ZeepError, etree.XMLSyntaxError, requests.exceptions.RequestException) as error:
            raise SmsGatewayError(_("Unreadable answer from the gateway: %(error)s", error=error), "unknown") from error

    @staticmethod
    def _field(result, name):
        if not name:
            return result
        if isinstance(result, dict):
            return result.get(name)
        return getattr(result, name, None)

    @staticmethod
    def _codes(text):
        return {code.strip() for code in (text or "").split(",") if code.strip()}

    @staticmethod
    def _answer_text(result):
        try:
            return str(serialize_object(result))[:1000]
        except Exception:  # noqa: BLE001 - only for the log
            return str(result)[:1000]

    def _call_send(self, number, text, client_id):
        """Send one message. :return: (gateway message id, answer text)"""
        params = self._credential_params()
        params.update({self.param_number: number, self.param_text: text, self.param_client_id: client_id})
        if self.param_signature:
            params[self.param_signature] = self.signature or ""
        result = self._call(self.send_operation, params)
        answer = self._answer_text(result)
        if self.result_code_field:
            code = self._field(result, self.result_code_field)
            if str(code) not in self._codes(self.success_codes):
                raise SmsGatewayError(_("The gateway refused the message: %(answer)s", answer=answer), "failed")
        return str(self._field(result, self.result_id_field) or "") if self.result_id_field else "", answer

    def _call_status(self, client_id):
        """:return: ('taken' | 'notfound' | 'other', answer text)"""
        params = self._credential_params()
        params[self.status_param_client_id] = client_id
        result = self._call(self.status_operation, params)
        answer = self._answer_text(result)
        code = str(self._field(result, self.status_code_field))
        if code in self._codes(self.status_sent_codes):
            return "taken", answer
        if code in self._codes(self.status_notfound_codes):
            return "notfound", answer
        return "other", answer

    def _call_receive(self):
        """:return: list of dicts with number, body, external_id, reference"""
        result = self._call(self.receive_operation, self._credential_params())
        items = self._field(result, self.receive_list_field) if self.receive_list_field else result
        if items is None:
            return []
        if not isinstance(items, list | tuple):
            items = [items]
        return [
            {
                "number": str(self._field(item, self.receive_number_field) or ""),
                "body": str(self._field(item, self.receive_text_field) or ""),
                "external_id": str(self._field(item, self.receive_id_field) or ""),
                "reference": str(self._field(item, self.receive_ref_field) or "") if self.receive_ref_field else "",
            }
            for item in items
        ]

    @api.model
    def _for_company(self, company):
        """The active gateway of ``company`` (or an empty recordset)."""
        gateway = company.sudo().sms_gateway_id
        return gateway if gateway.active else self.browse()
