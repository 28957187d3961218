"""The host's SMS queue (sms.sms) sends through the company's SOAP gateway.

Exactly once: a message is first *claimed* (state ``inflight``, with the claim
token of the job's run) and that claim is committed by the scheduler before
the next run of the job sends it with its own id (``uuid``) as the client
message id. A message still in flight under a claim that is not the previous
run's (the process stopped mid-batch) and a message whose send timed out
(``unknown``) are settled through the gateway's status operation, never sent
blindly again.
"""

import logging
from datetime import timedelta
from uuid import uuid4

import phonenumbers

from odoo import _, api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

from odoo.addons.crm_core_ext.tools.cron import run_in_batches, run_isolated

from .sms_gateway import SmsGatewayError

_logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = 6 * 3600


class SmsSms(models.Model):
    _inherit = "sms.sms"

    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    gateway_id = fields.Many2one("sms.gateway", string="Gateway", index="btree_not_null", readonly=True)
    gateway_state = fields.Selection(
        [
            ("approval", "Waiting for Approval"),
            ("queued", "Queued"),
            ("inflight", "Handed to Gateway"),
            ("unknown", "Outcome Unknown"),
            ("done", "Taken by Gateway"),
            ("failed", "Failed"),
        ],
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    gateway_number = fields.Char(string="Sent to Number", readonly=True, copy=False)
    gateway_claim = fields.Char(readonly=True, copy=False, index="btree_not_null")
    gateway_claimed_at = fields.Datetime(readonly=True, copy=False)
    gateway_attempts = fields.Integer(string="Attempts", readonly=True, copy=False)
    gateway_next_try = fields.Datetime(string="Next Try", readonly=True, copy=False)
    gateway_error = fields.Text(string="Last Error", readonly=True, copy=False)
    gateway_answer = fields.Text(readonly=True, copy=False)
    gateway_message_ref = fields.Char(string="Gateway Message Id", readonly=True, copy=False)
    gateway_sent_date = fields.Datetime(string="Sent On", readonly=True, copy=False)
    gateway_bulk_id = fields.Many2one("sms.gateway.bulk", string="Bulk Send", readonly=True, index="btree_not_null")

    def init(self):
        res = super().init()
        # what the queue job looks for: due messages of a gateway
        create_index(
            self.env.cr,
            "sms_sms_gateway_due_index",
            self._table,
            ["gateway_id", "gateway_next_try", "id"],
            where="gateway_state IN ('queued', 'unknown', 'inflight')",
        )
        return res

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for company, company_sms in records.grouped("company_id").items():
            threshold = company.sms_bulk_threshold
            if not threshold or len(company_sms) <= threshold:
                continue
            if not self.env["sms.gateway"]._for_company(company):
                continue
            bulk = (
                self.env["sms.gateway.bulk"]
                .sudo()
                .create({"company_id": company.id, "user_id": self.env.user.id, "body": company_sms[:1].body})
            )
            company_sms.sudo().write({"gateway_bulk_id": bulk.id, "gateway_state": "approval"})
            bulk._notify_managers()
        return records

    # ------------------------------------------------------------------ host hook

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """Messages of a company with a gateway are queued for it (the job
        sends them); the others go the host's way (IAP)."""
        through_gateway = self.browse()
        for company, company_sms in self.grouped("company_id").items():
            gateway = self.env["sms.gateway"]._for_company(company or self.env.company)
            if gateway:
                company_sms.sudo()._gateway_enqueue(gateway)
                through_gateway |= company_sms
        others = self - through_gateway
        if others:
            return super(SmsSms, others)._send(
                unlink_failed=unlink_failed, unlink_sent=unlink_sent, raise_exception=raise_exception
            )
        return None

    def _gateway_enqueue(self, gateway):
        now = fields.Datetime.now()
        blacklisted = set(
            self.env["phone.blacklist"]
            .sudo()
            .search([("number", "in", self.mapped(lambda s: s._gateway_e164(gateway) or "")), ("active", "=", True)])
            .mapped("number")
        )
        bad_format, opted_out = self.browse(), self.browse()
        # "failed": sent again by a person (Retry on the message); the others are already on their way
        for sms in self.filtered(lambda s: s.gateway_state in (False, "approval", "failed")):
            e164 = sms._gateway_e164(gateway)
            if not e164:
                bad_format |= sms
                continue
            if e164 in blacklisted:
                opted_out |= sms
                continue
            number = e164
            if gateway.number_format == "national":
                number = str(phonenumbers.parse(e164).national_number)
            sms.write(
                {
                    "gateway_id": gateway.id,
                    "gateway_number": number,
                    "gateway_state": "approval" if sms.gateway_state == "approval" else "queued",
                    "gateway_next_try": now,
                    "gateway_attempts": 0 if sms.gateway_state == "failed" else sms.gateway_attempts,
                }
            )
        bad_format.write({"gateway_id": gateway.id, "gateway_state": "failed"})
        bad_format._update_sms_state_and_trackers("error", failure_type="sms_number_format")
        opted_out.write({"gateway_id": gateway.id, "gateway_state": "failed", "gateway_error": _("Opted out")})
        opted_out._update_sms_state_and_trackers("error", failure_type="sms_blacklist")
        self.env.ref("crm_sms_gateway.ir_cron_sms_gateway_queue")._trigger()

    def _gateway_e164(self, gateway):
        country = self.partner_id.country_id or gateway.country_id or self.company_id.country_id
        return self.env["res.partner"]._phone_format(number=self.number, country=country, force_format="E164")

    # ------------------------------------------------------------------ the job

    @api.model
    def _cron_gateway_queue(self):
        self._gateway_process_queue()

    @api.model
    def _gateway_process_queue(self, gateways=None, now=None):
        """Send what is due, settle what is in doubt. Under the scheduler one
        call is one step (the scheduler commits it and calls again); elsewhere
        the steps run in a loop in the current transaction."""
        progress_id = self.env.context.get("ir_cron_progress_id")
        cron_id = self.env.context.get("cron_id")
        if progress_id and cron_id:
            previous = (
                self.env["ir.cron.progress"]
                .sudo()
                .search([("cron_id", "=", cron_id), ("id", "<", progress_id)], order="id desc", limit=1)
            )
            token, prev_token = f"cron-{progress_id}", previous and f"cron-{previous.id}"
            return run_in_batches(
                self.env, lambda: self._gateway_step(token, prev_token, gateways, now), "SMS gateway queue"
            )
        chain = {"prev": None}

        def step():
            token = uuid4().hex
            result = self._gateway_step(token, chain["prev"], gateways, now)
            chain["prev"] = token
            return result

        return run_in_batches(self.env, step, "SMS gateway queue")

    def _gateway_step(self, token, prev_token, gateways=None, now=None):
        """:return: (done, remaining)"""
        now = now or fields.Datetime.now()
        if gateways is None:
            gateways = self.env["sms.gateway"].sudo().search([])
        gateways = gateways.sudo().filtered("active")
        sms_sudo = self.sudo()
        self.env.flush_all()
        done = 0
        # 1. send what the previous step of this run claimed
        if prev_token:
            mine = sms_sudo._gateway_lock(
                SQL(
                    "gateway_state = 'inflight' AND gateway_claim = %s AND gateway_id IN %s",
                    prev_token,
                    tuple(gateways.ids or [0]),
                )
            )
            sent, failed = run_isolated(mine, lambda sms: sms._gateway_send_one(now), "SMS gateway send")
            done += len(sent) + len(failed)
        # 2. settle what is in doubt: in flight under a claim that is not ours, or timed out
        doubtful = sms_sudo._gateway_lock(
            SQL(
                """gateway_id IN %s AND (
                     (gateway_state = 'inflight' AND gateway_claim NOT IN %s)
                     OR (gateway_state = 'unknown' AND gateway_next_try <= %s))""",
                tuple(gateways.ids or [0]),
                (token, prev_token or token),
                now,
            ),
            limit=max(gateways.mapped("batch_size") or [1]),
        )
        settled, __ = run_isolated(doubtful, lambda sms: sms._gateway_settle_one(now), "SMS gateway status")
        done += len(settled)
        # 3. claim the next batch (committed by the scheduler before the next step sends it)
        claimed = 0
        for gateway in gateways:
            # lock first, then update by id: an UPDATE ... WHERE id IN (SELECT ... FOR UPDATE
            # SKIP LOCKED LIMIT n) may rescan the locking subquery once per row
            batch = sms_sudo._gateway_lock(
                SQL(
                    """gateway_id = %s AND gateway_state = 'queued' AND state = 'outgoing'
                       AND (gateway_next_try IS NULL OR gateway_next_try <= %s)""",
                    gateway.id,
                    now,
                ),
                limit=gateway.batch_size,
            )
            if batch:
                self.env.cr.execute(
                    SQL(
                        """UPDATE sms_sms SET gateway_state = 'inflight', gateway_claim = %s, gateway_claimed_at = %s
                            WHERE id = ANY(%s)""",
                        token,
                        now,
                        batch.ids,
                    )
                )
                claimed += len(batch)
        if claimed:
            self.env["sms.sms"].invalidate_model(["gateway_state", "gateway_claim", "gateway_claimed_at"])
        done += claimed
        remaining = claimed + self.sudo().search_count(
            [
                ("gateway_id", "in", gateways.ids),
                "|",
                "&",
                ("gateway_state", "=", "queued"),
                ("gateway_next_try", "<=", now),
                "&",
                ("gateway_state", "=", "unknown"),
                ("gateway_next_try", "<=", now),
            ]
        )
        return done, remaining

    def _gateway_lock(self, where, limit=None):
        self.env.flush_all()
        query = SQL(
            "SELECT id FROM sms_sms WHERE %s ORDER BY id %s FOR UPDATE SKIP LOCKED",
            where,
            SQL("LIMIT %s", limit) if limit else SQL(""),
        )
        self.env.cr.execute(query)
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _gateway_retry_at(self, now, attempts):
        delay = min(self.gateway_id.retry_delay * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY)
        return now + timedelta(seconds=delay)

    def _gateway_send_one(self, now):
        gateway = self.gateway_id
        attempts = self.gateway_attempts + 1
        try:
            ref, answer = gateway._call_send(self.gateway_number, self.body or "", self.uuid)
        except SmsGatewayError as error:
            if error.outcome == "unknown":
                self.write(
                    {
                        "gateway_state": "unknown",
                        "gateway_attempts": attempts,
                        "gateway_error": str(error),
                        "gateway_next_try": now + timedelta(seconds=gateway.retry_delay),
                    }
                )
            elif attempts >= gateway.max_attempts:
                self.write({"gateway_state": "failed", "gateway_attempts": attempts, "gateway_error": str(error)})
                self._update_sms_state_and_trackers("error", failure_type="sms_server")
            else:
                self.write(
                    {
                        "gateway_state": "queued",
                        "gateway_attempts": attempts,
                        "gateway_error": str(error),
                        "gateway_next_try": self._gateway_retry_at(now, attempts),
                    }
                )
            return
        self._gateway_mark_done(now, answer, ref, attempts)

    def _gateway_mark_done(self, now, answer, ref="", attempts=None):
        vals = {
            "gateway_state": "done",
            "gateway_answer": answer,
            "gateway_message_ref": ref or self.gateway_message_ref,
            "gateway_sent_date": now,
            "gateway_error": False,
        }
        if attempts is not None:
            vals["gateway_attempts"] = attempts
        self.write(vals)
        self._update_sms_state_and_trackers("pending")

    def _gateway_settle_one(self, now):
        gateway = self.gateway_id
        if not gateway.status_operation:
            self.write(
                {
                    "gateway_state": "failed",
                    "gateway_error": _(
                        "The outcome of the send is unknown and the gateway has no status operation: "
                        "check with the gateway before sending it again."
                    ),
                }
            )
            self._update_sms_state_and_trackers("error", failure_type="unknown")
            return
        try:
            status, answer = gateway._call_status(self.uuid)
        except SmsGatewayError as error:
            self.write(
                {
                    "gateway_state": "unknown",
                    "gateway_error": str(error),
                    "gateway_next_try": self._gateway_retry_at(now, self.gateway_attempts),
                }
            )
            return
        if status == "taken":
            self._gateway_mark_done(now, answer)
        elif status == "notfound":
            self.write({"gateway_state": "queued", "gateway_next_try": now, "gateway_answer": answer})
        else:
            self.write({"gateway_state": "failed", "gateway_answer": answer, "gateway_error": answer})
            self._update_sms_state_and_trackers("error", failure_type="sms_server")
