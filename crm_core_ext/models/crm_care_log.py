import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.cron import run_isolated

_logger = logging.getLogger(__name__)


class CrmCareLog(models.Model):
    """What the care jobs did: one row per care activity created.

    Rows of dated events carry the event and the year of the occurrence;
    ``UNIQUE(event_id, year)`` makes the event job idempotent: an event gets at
    most one activity (and one greeting) per year, whatever the number of runs.
    """

    _name = "crm.care.log"
    _description = "Customer Care Log"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    origin = fields.Selection(
        [("event", "Dated Event"), ("rule", "Care Rule")],
        required=True,
        readonly=True,
    )
    event_id = fields.Many2one("crm.care.event", string="Event", readonly=True, ondelete="set null", index=True)
    event_type_id = fields.Many2one("crm.care.event.type", string="Event Type", readonly=True, ondelete="set null")
    year = fields.Integer(readonly=True, aggregator=None)
    rule_id = fields.Many2one(
        "crm.care.rule", string="Care Rule", readonly=True, ondelete="set null", index="btree_not_null"
    )
    date = fields.Date(readonly=True, help="Date of the event, or due date of the activity of a care rule.")
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, readonly=True, ondelete="cascade", index=True
    )
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True, index=True)
    summary = fields.Char(readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Activity", readonly=True, ondelete="set null")
    activity_open = fields.Boolean(compute="_compute_activity_open")
    mail_status = fields.Selection(
        [
            ("none", "No E-mail"),
            ("pending", "To Send"),
            ("queued", "Queued"),
            ("no_email", "No E-mail Address"),
            ("failed", "Failed"),
        ],
        string="E-mail Status",
        default="none",
        readonly=True,
        index="btree_not_null",
        help="Greeting of the event type: to send (by the greetings job), queued in the outgoing mail queue, "
        "not sent because the contact has no e-mail address, or failed (its template could not be rendered "
        "for the contact, for example; see the error).",
    )
    mail_id = fields.Many2one("mail.mail", string="E-mail Sent", readonly=True, ondelete="set null")
    mail_error = fields.Text(string="E-mail Error", readonly=True, help="Why the greeting could not be sent.")

    _sql_constraints = [
        (
            "event_year_unique",
            "UNIQUE(event_id, year)",
            "A care event is handled once per year.",
        ),
    ]

    @api.depends("activity_id.active")
    def _compute_activity_open(self):
        for log in self:
            log.activity_open = bool(log.activity_id.active)

    @api.depends("summary", "partner_id")
    def _compute_display_name(self):
        for log in self:
            log.display_name = log.summary or log.partner_id.display_name

    @api.model
    def _cron_send_greetings(self, batch_size=200):
        """Send the greetings the event job left to send, a batch per call.

        Rendering a template and creating its e-mail is per-record work of the
        host (about 50 ms each), so it is kept out of the set-based event job:
        the scheduler calls this job again at once while greetings remain. Rows
        are locked with SKIP LOCKED: two workers never send the same greeting.
        """
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
            SELECT id FROM crm_care_log WHERE mail_status = 'pending'
             ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
            """,
                batch_size,
            )
        )
        logs = self.sudo().browse([row[0] for row in rows])
        logs._send_greetings()
        remaining = self.sudo().search_count([("mail_status", "=", "pending")])
        self.env["ir.cron"]._notify_progress(done=len(logs), remaining=remaining)
        return len(logs), remaining

    def _send_greetings(self):
        """Queue the greeting of each log ``self`` that has one to send: one
        batch per template and company. Two queries record the result.

        A batch that fails (a template that cannot be rendered for one
        contact, for example) is rolled back and sent again greeting by
        greeting: the greetings that fail are marked failed with their error,
        the others are queued."""
        groups = defaultdict(lambda: self.browse())
        statuses = []  # (log id, status, mail id, error)
        for log in self.filtered(lambda log: log.mail_status == "pending"):
            template = log.event_type_id.mail_template_id
            if not template:
                statuses.append((log.id, "none", None, None))
            elif not log.partner_id.email:
                statuses.append((log.id, "no_email", None, None))
            else:
                groups[template, log.company_id] |= log
        for (template, company), logs in groups.items():
            try:
                with self.env.cr.savepoint():
                    statuses += logs._send_greetings_batch(template.with_company(company))
            except Exception as error:  # any failure: the greetings one by one
                _logger.info(
                    "Care greetings: the batch of template %s (%s greetings) failed (%s); sending them one by one",
                    template.id,
                    len(logs),
                    error,
                )
                statuses += logs._send_greetings_isolated(template.with_company(company))
        if statuses:
            self.env["mail.mail"].flush_model()
            self.env.cr.execute(
                SQL(
                    """
                UPDATE crm_care_log l SET mail_status = s.status, mail_id = s.mail_id, mail_error = s.error
                  FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::text[]) AS s(id, status, mail_id, error)
                 WHERE l.id = s.id
                """,
                    [log_id for log_id, __, __, __ in statuses],
                    [status for __, status, __, __ in statuses],
                    [mail_id for __, __, mail_id, __ in statuses],
                    [error for __, __, __, error in statuses],
                )
            )
            self.invalidate_recordset(["mail_status", "mail_id", "mail_error"])

    def _send_greetings_batch(self, template):
        """Queue the greetings of the logs ``self`` with ``template`` in one
        batch; return their statuses."""
        mails = template.send_mail_batch(self.partner_id.ids)
        # one greeting per contact, even for two events of the same type
        mail_by_partner = {mail.res_id: mail.id for mail in mails}
        return [(log.id, "queued", mail_by_partner.get(log.partner_id.id), None) for log in self]

    def _send_greetings_isolated(self, template):
        """Queue the greetings of the logs ``self`` one by one, each in its
        savepoint; return their statuses, failed ones with their error."""
        statuses, errors = [], {}

        def send(log):
            try:
                statuses.extend(log._send_greetings_batch(template))
            except Exception as error:
                errors[log.id] = str(error) or type(error).__name__
                raise

        __, failed = run_isolated(self, send, "Care greetings")
        return statuses + [(log.id, "failed", None, errors.get(log.id)) for log in failed]

    # ------------------------------------------------------------------
    # SQL shared by the care jobs
    # ------------------------------------------------------------------

    @api.model
    def _sql_responsible(self, company, partner, commercial):
        """Lateral sub-select of the user who receives a care activity.

        The salesperson of the customer (``commercial``), else of the contact
        (``partner``), else the company's default care responsible; each must
        be an active internal user allowed in ``company``.
        """
        return SQL(
            """
            SELECT u.id AS user_id
              FROM res_users u
              JOIN res_company_users_rel cu ON cu.user_id = u.id AND cu.cid = %(company)s.id
             WHERE u.active AND NOT u.share
               AND u.id IN (%(commercial)s.user_id, %(partner)s.user_id, %(company)s.crm_care_user_id)
          ORDER BY CASE u.id WHEN %(commercial)s.user_id THEN 0 WHEN %(partner)s.user_id THEN 1 ELSE 2 END
             LIMIT 1
            """,
            company=SQL.identifier(company),
            commercial=SQL.identifier(commercial),
            partner=SQL.identifier(partner),
        )

    @api.model
    def _sql_follow(self, activities):
        """CTEs subscribing the assignees of the ``activities`` CTE (columns
        ``res_id``, ``user_id``) to the contacts, with the default subtypes, as
        the host's ``mail.activity.create`` does."""
        subtypes = self.env["mail.message.subtype"].default_subtypes("res.partner")[0]
        return SQL(
            """
            followers AS (
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT DISTINCT 'res.partner', a.res_id, u.partner_id
                  FROM %(activities)s a
                  JOIN res_users u ON u.id = a.user_id
                ON CONFLICT (res_model, res_id, partner_id) DO NOTHING
             RETURNING id
            ), follower_subtypes AS (
                INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)
                SELECT f.id, s.id FROM followers f, unnest(%(subtypes)s::int[]) AS s(id)
            )
            """,
            activities=SQL.identifier(activities),
            subtypes=subtypes.ids,
        )

    @api.model
    def _after_insert(self, user_ids_due):
        """Invalidate what the SQL inserts changed and tell the assignees of
        activities due today or earlier to refresh their activity counter."""
        self.env["mail.activity"].invalidate_model()
        self.env["mail.followers"].invalidate_model()
        self.env["res.partner"].invalidate_model(
            ["activity_ids", "message_follower_ids", "message_partner_ids", "crm_care_event_ids"]
        )
        self.invalidate_model()
        if user_ids_due:
            self.env["res.users"].browse(user_ids_due)._bus_send("mail.activity/updated", {"activity_created": True})
