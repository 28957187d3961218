"""Replies (上行短信) polled from the gateways, matched to partners by number,
and keyword handlers that other modules register."""

import logging

from markupsafe import Markup

from odoo import _, api, fields, models

from odoo.addons.crm_core_ext.tools.cron import run_isolated

from .sms_gateway import SmsGatewayError

_logger = logging.getLogger(__name__)

OPT_OUT_KEYWORDS = ("TD", "T", "N", "退订", "STOP", "UNSUBSCRIBE")


class SmsGatewayInbound(models.Model):
    _name = "sms.gateway.inbound"
    _description = "SMS Reply (上行短信)"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True
    _order = "id desc"
    _rec_name = "number"

    gateway_id = fields.Many2one("sms.gateway", required=True, readonly=True, index=True, check_company=True)
    company_id = fields.Many2one(related="gateway_id.company_id", store=True, index=True)
    external_id = fields.Char(string="Gateway Message Id", readonly=True)
    number = fields.Char(readonly=True)
    number_e164 = fields.Char(string="Normalised Number", readonly=True, index=True)
    body = fields.Text(readonly=True)
    keyword = fields.Char(readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", readonly=True, index="btree_not_null")
    sms_id = fields.Many2one("sms.sms", string="Answered SMS", readonly=True)
    res_model = fields.Char(string="Answered Document Model", readonly=True)
    res_id = fields.Many2oneReference(string="Answered Document", model_field="res_model", readonly=True)
    state = fields.Selection(
        [("new", "New"), ("done", "Handled"), ("unknown", "Unknown Keyword")],
        default="new",
        required=True,
        readonly=True,
        index=True,
    )
    answer = fields.Text(string="Handler Result", readonly=True)

    _sql_constraints = [
        (
            "external_id_unique",
            "unique(gateway_id, external_id)",
            "A reply is received once per gateway.",
        ),
    ]

    # ------------------------------------------------------------------ keywords

    @api.model
    def _sms_keyword_handlers(self):
        """Keyword (upper case) -> method of this model called with the reply.

        Other modules extend it, e.g.::

            def _sms_keyword_handlers(self):
                return {**super()._sms_keyword_handlers(), "FL": self._sms_rebate_balance}

        A handler receives the reply (``self``, sudo) and returns a text that
        is logged on the reply (and may send an answer with ``_sms_answer``).
        """
        return dict.fromkeys(OPT_OUT_KEYWORDS, self._sms_opt_out)

    def _sms_opt_out(self):
        self.env["phone.blacklist"].sudo()._add([self.number_e164], message=_("Opted out by SMS reply"))
        return _("%(number)s opted out.", number=self.number_e164)

    def _sms_answer(self, body):
        """Queue an SMS back to the sender."""
        self.ensure_one()
        self.env["sms.sms"].sudo().create(
            {
                "number": self.number_e164,
                "body": body,
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
            }
        )._send()

    # ------------------------------------------------------------------ polling

    @api.model
    def _cron_receive(self):
        self._fetch_from_gateways(self.env["sms.gateway"].sudo().search([("receive_operation", "!=", False)]))

    @api.model
    def _fetch_from_gateways(self, gateways):
        created = self.browse()
        for gateway in gateways.sudo().filtered("active"):
            try:
                items = gateway._call_receive()
            except SmsGatewayError as error:
                _logger.warning("SMS gateway %s: receiving replies failed: %s", gateway.display_name, error)
                continue
            created |= self.sudo()._create_from_gateway(gateway, items)
        run_isolated(created, lambda reply: reply._process(), "SMS reply")
        return created

    def _create_from_gateway(self, gateway, items):
        known = set(
            self.search(
                [("gateway_id", "=", gateway.id), ("external_id", "in", [i["external_id"] for i in items])]
            ).mapped("external_id")
        )
        vals_list = []
        for item in items:
            if item["external_id"] and item["external_id"] in known:
                continue
            known.add(item["external_id"])
            e164 = self.env["res.partner"]._phone_format(
                number=item["number"], country=gateway.country_id or gateway.company_id.country_id, force_format="E164"
            )
            sms = item.get("reference") and self.env["sms.sms"].sudo().search(
                [("uuid", "=", item["reference"])], limit=1
            )
            vals_list.append(
                {
                    "gateway_id": gateway.id,
                    "external_id": item["external_id"] or False,
                    "number": item["number"],
                    "number_e164": e164 or item["number"],
                    "body": item["body"],
                    "keyword": self._keyword_of(item["body"]),
                    "sms_id": sms.id if sms else False,
                    "res_model": sms.mail_message_id.model if sms else False,
                    "res_id": sms.mail_message_id.res_id if sms else False,
                }
            )
        return self.create(vals_list)

    @api.model
    def _keyword_of(self, body):
        words = (body or "").split(maxsplit=1)
        return words[0].upper() if words else False

    def _match_partner(self):
        self.ensure_one()
        if self.sms_id.partner_id:
            return self.sms_id.partner_id
        partners = (
            self.env["res.partner"]
            .sudo()
            .search(
                [("phone_sanitized", "=", self.number_e164), ("company_id", "in", [self.company_id.id, False])], limit=2
            )
        )
        return partners[:1]

    def _process(self):
        self.ensure_one()
        partner = self._match_partner()
        self.partner_id = partner
        body = Markup("<p>%s</p><p>%s</p>") % (_("SMS reply from %(number)s:", number=self.number), self.body or "")
        if partner:
            partner.message_post(body=body, message_type="sms", subtype_xmlid="mail.mt_note")
        if self.res_model and self.res_id and self.res_model in self.env:
            record = self.env[self.res_model].sudo().browse(self.res_id).exists()
            if record and hasattr(record, "message_post") and record != partner:
                record.message_post(body=body, message_type="sms", subtype_xmlid="mail.mt_note")
        handler = self._sms_keyword_handlers().get(self.keyword or "")
        if handler:
            self.write({"state": "done", "answer": handler()})
            return
        if self.res_model and self.res_id:
            self.state = "done"  # a plain answer to a message we sent
            return
        self.state = "unknown"
        user = self.gateway_id.responsible_id or self.env.ref("base.user_admin", raise_if_not_found=False)
        if user:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=_("SMS reply with an unknown keyword: %(keyword)s", keyword=self.keyword or ""),
            )
