"""A real SOAP SMS gateway served on the loopback (a WSDL and a WSGI app), for
the tests and the benchmark. It counts what it takes per client message id."""

import threading
import time
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from xml.sax.saxutils import escape

from lxml import etree

NS = "http://sms.example.cn/"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"

WSDL = """<?xml version="1.0" encoding="utf-8"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="{ns}" targetNamespace="{ns}">
  <types>
    <xs:schema targetNamespace="{ns}" elementFormDefault="qualified">
      <xs:element name="SendSms"><xs:complexType><xs:sequence>
        <xs:element name="account" type="xs:string"/><xs:element name="password" type="xs:string"/>
        <xs:element name="mobile" type="xs:string"/><xs:element name="content" type="xs:string"/>
        <xs:element name="sign" type="xs:string" minOccurs="0"/><xs:element name="clientMsgId" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="SendSmsResponse"><xs:complexType><xs:sequence>
        <xs:element name="code" type="xs:string"/><xs:element name="msgId" type="xs:string"/>
        <xs:element name="message" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="QueryStatus"><xs:complexType><xs:sequence>
        <xs:element name="account" type="xs:string"/><xs:element name="password" type="xs:string"/>
        <xs:element name="clientMsgId" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="QueryStatusResponse"><xs:complexType><xs:sequence>
        <xs:element name="status" type="xs:string"/><xs:element name="message" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="ReceiveSms"><xs:complexType><xs:sequence>
        <xs:element name="account" type="xs:string"/><xs:element name="password" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:complexType name="InboundItem"><xs:sequence>
        <xs:element name="mobile" type="xs:string"/><xs:element name="content" type="xs:string"/>
        <xs:element name="msgId" type="xs:string"/><xs:element name="clientMsgId" type="xs:string" minOccurs="0"/>
      </xs:sequence></xs:complexType>
      <xs:element name="ReceiveSmsResponse"><xs:complexType><xs:sequence>
        <xs:element name="count" type="xs:int"/>
        <xs:element name="item" type="tns:InboundItem" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence></xs:complexType></xs:element>
    </xs:schema>
  </types>
  {messages}
  <portType name="SmsPort">{port_ops}</portType>
  <binding name="SmsBinding" type="tns:SmsPort">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    {binding_ops}
  </binding>
  <service name="SmsService"><port name="SmsPort" binding="tns:SmsBinding">
    <soap:address location="{location}"/></port></service>
</definitions>"""

OPERATIONS = ("SendSms", "QueryStatus", "ReceiveSms")


def _wsdl(location):
    messages = "".join(
        f'<message name="{op}In"><part name="parameters" element="tns:{op}"/></message>'
        f'<message name="{op}Out"><part name="parameters" element="tns:{op}Response"/></message>'
        for op in OPERATIONS
    )
    port_ops = "".join(
        f'<operation name="{op}"><input message="tns:{op}In"/><output message="tns:{op}Out"/></operation>'
        for op in OPERATIONS
    )
    binding_ops = "".join(
        f'<operation name="{op}"><soap:operation soapAction="{NS}{op}"/>'
        '<input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>'
        for op in OPERATIONS
    )
    return WSDL.format(ns=NS, messages=messages, port_ops=port_ops, binding_ops=binding_ops, location=location)


def _envelope(inner):
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP_NS}">'
        f"<soap:Body>{inner}</soap:Body></soap:Envelope>"
    )


def _response(op, values):
    parts = []
    for key, value in values:
        if isinstance(value, dict):
            value = "".join(f"<tns:{k}>{escape(str(v))}</tns:{k}>" for k, v in value.items())
            parts.append(f"<tns:{key}>{value}</tns:{key}>")
        else:
            parts.append(f"<tns:{key}>{escape(str(value))}</tns:{key}>")
    return _envelope(f'<tns:{op}Response xmlns:tns="{NS}">{"".join(parts)}</tns:{op}Response>')


def _fault(message):
    return _envelope(
        f"<soap:Fault><faultcode>soap:Client</faultcode><faultstring>{escape(message)}</faultstring></soap:Fault>"
    )


class SmsGatewayApp:
    """The WSGI application. ``behaviour(client_id, call_no)`` decides each send:
    ``'ok'``, ``'fault'``, ``'timeout_taken'`` (takes it, answers too late) or
    ``'timeout_lost'`` (answers too late without taking it)."""

    def __init__(self, account="odoo", password="secret", delay=1.0):
        self.account, self.password, self.delay = account, password, delay
        self.lock = threading.Lock()
        self.taken = {}  # client id -> times taken
        self.calls = {}  # client id -> send calls
        self.messages = []  # (mobile, content, sign, client id)
        self.inbound = []  # dicts mobile, content, msgId, clientMsgId
        self.behaviour = lambda client_id, call_no: "ok"
        self.location = None

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "GET":
            if "wsdl" not in environ.get("QUERY_STRING", "").lower():
                start_response("200 OK", [("Content-Type", "text/html")])
                return [b"<html><body>SMS platform home page</body></html>"]
            start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8")])
            return [_wsdl(self.location).encode()]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = etree.fromstring(environ["wsgi.input"].read(length))
        request = body.find(f"{{{SOAP_NS}}}Body")[0]
        op = etree.QName(request).localname
        args = {etree.QName(child).localname: child.text or "" for child in request}
        status, payload = self.handle(op, args)
        start_response(status, [("Content-Type", "text/xml; charset=utf-8")])
        return [payload.encode()]

    def handle(self, op, args):
        if args.get("account") != self.account or args.get("password") != self.password:
            return "500 Internal Server Error", _fault("Invalid account or password (账号或密码错误)")
        if op == "SendSms":
            client_id = args["clientMsgId"]
            with self.lock:
                call_no = self.calls[client_id] = self.calls.get(client_id, 0) + 1
            behaviour = self.behaviour(client_id, call_no)
            if behaviour == "fault":
                return "500 Internal Server Error", _fault("Gateway busy, try later")
            if behaviour == "timeout_lost":
                time.sleep(self.delay)
                return "500 Internal Server Error", _fault("lost")
            with self.lock:
                self.taken[client_id] = self.taken.get(client_id, 0) + 1
                self.messages.append((args["mobile"], args["content"], args.get("sign"), client_id))
                msg_id = f"GW{len(self.messages)}"
            if behaviour == "timeout_taken":
                time.sleep(self.delay)
            return "200 OK", _response(op, [("code", "0"), ("msgId", msg_id), ("message", "OK")])
        if op == "QueryStatus":
            with self.lock:
                taken = args["clientMsgId"] in self.taken
            return "200 OK", _response(op, [("status", "DELIVERED" if taken else "NOT_FOUND"), ("message", "")])
        if op == "ReceiveSms":
            with self.lock:
                items, self.inbound = self.inbound, []
            return "200 OK", _response(op, [("count", len(items))] + [("item", item) for item in items])
        return "500 Internal Server Error", _fault(f"Unknown operation {op}")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class LoopbackSmsGateway:
    """Serve a :class:`SmsGatewayApp` on 127.0.0.1 in a thread."""

    def __init__(self, **kwargs):
        self.app = SmsGatewayApp(**kwargs)
        self.server = make_server("127.0.0.1", 0, self.app, server_class=_ThreadingServer, handler_class=_QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.app.location = self.url + "soap"
        self.wsdl_url = self.url + "?wsdl"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
