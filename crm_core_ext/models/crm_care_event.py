import calendar
import logging
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, plaintext2html

from ..tools.cron import run_in_batches

_logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 20000


def care_occurrence(event_date, year):
    """The event's day in ``year``; 29 February falls on 28 February in other years."""
    day = min(event_date.day, calendar.monthrange(year, event_date.month)[1])
    return date(year, event_date.month, day)


def care_next_date(event_date, recurring, today):
    """Next occurrence of an event on or after ``today`` (never before the event's own date);
    a one-time event's only occurrence is its date."""
    if not recurring:
        return event_date
    occurrence = care_occurrence(event_date, today.year)
    if occurrence < today:
        occurrence = care_occurrence(event_date, today.year + 1)
    return max(occurrence, event_date)


def _sql_occurrence(alias, year):
    """SQL twin of :func:`care_occurrence` for the event table ``alias``."""
    return SQL(
        """make_date(%(year)s, EXTRACT(MONTH FROM %(a)s.date)::int,
                     LEAST(EXTRACT(DAY FROM %(a)s.date)::int,
                           EXTRACT(DAY FROM make_date(%(year)s, EXTRACT(MONTH FROM %(a)s.date)::int, 1)
                                            + INTERVAL '1 month - 1 day')::int))""",
        a=SQL.identifier(alias),
        year=year,
    )


def sql_next_date(alias, today):
    """SQL twin of :func:`care_next_date` for the event table ``alias``."""
    this_year = _sql_occurrence(alias, today.year)
    return SQL(
        """(CASE WHEN NOT %(a)s.recurring THEN %(a)s.date
                 ELSE GREATEST(%(a)s.date,
                               CASE WHEN %(this_year)s >= %(today)s THEN %(this_year)s ELSE %(next_year)s END)
            END)""",
        a=SQL.identifier(alias),
        this_year=this_year,
        next_year=_sql_occurrence(alias, today.year + 1),
        today=today,
    )


class CrmCareEvent(models.Model):
    """A dated event of a contact (birthday, company anniversary, wedding
    anniversary, ...). Every day the care job creates an activity for the
    responsible salesperson a few days before each event (company setting),
    and sends the event type's greeting when it has one."""

    _name = "crm.care.event"
    _description = "Customer Care Event"
    _order = "partner_id, type_id, id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer", store=True, index=True
    )
    user_id = fields.Many2one(
        related="partner_id.commercial_partner_id.user_id", string="Salesperson", store=True, index=True
    )
    type_id = fields.Many2one(
        "crm.care.event.type",
        string="Event Type",
        required=True,
        ondelete="restrict",
        check_company=True,
    )
    date = fields.Date(required=True, help="Date of the event, for example the date of birth.")
    recurring = fields.Boolean(
        string="Yearly",
        compute="_compute_recurring",
        store=True,
        readonly=False,
        precompute=True,
        help="The event comes back every year on the same day.",
    )
    note = fields.Char(help="Shown in the care activity, for example a preference of the contact.")
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        help="Company whose salespeople take care of this event.",
    )
    active = fields.Boolean(default=True)
    care_target = fields.Boolean(related="partner_id.crm_care_target", string="Care Target")
    next_date = fields.Date(
        string="Next Occurrence",
        compute="_compute_next_date",
        search="_search_next_date",
        help="Next day of the event from today (28 February for 29 February in other years).",
    )
    days_to_next = fields.Integer(string="Days to Go", compute="_compute_next_date")
    log_ids = fields.One2many("crm.care.log", "event_id", string="Care History", readonly=True)

    @api.depends("type_id")
    def _compute_recurring(self):
        for event in self:
            if event.type_id:
                event.recurring = event.type_id.recurring

    @api.depends("partner_id")
    def _compute_company_id(self):
        for event in self:
            event.company_id = (
                event.partner_id.company_id
                or event.partner_id.commercial_partner_id.company_id
                or event.company_id
                or self.env.company
            )

    @api.constrains("company_id", "partner_id")
    def _check_company_of_customer(self):
        for event in self:
            company = event.partner_id.company_id or event.partner_id.commercial_partner_id.company_id
            if company and company != event.company_id:
                raise ValidationError(
                    _(
                        "The event %(event)s belongs to company %(company)s, like its contact %(partner)s.",
                        event=event.display_name,
                        company=company.name,
                        partner=event.partner_id.display_name,
                    )
                )

    @api.depends("date", "recurring")
    def _compute_next_date(self):
        today = fields.Date.context_today(self)
        for event in self:
            event.next_date = event.date and care_next_date(event.date, event.recurring, today)
            event.days_to_next = (event.next_date - today).days if event.next_date else 0

    def _search_next_date(self, operator, value):
        if operator not in ("=", "!=", "<", "<=", ">", ">="):
            raise UserError(_("Operation not supported on the next occurrence: %s", operator))
        if not value:
            # every event has a next occurrence
            return [(1, "=", 1)] if operator == "!=" else [(0, "=", 1)]
        today = fields.Date.context_today(self)
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT e.id FROM crm_care_event e WHERE %s %s %s)",
                    sql_next_date("e", today),
                    SQL(operator),
                    fields.Date.to_date(value),
                ),
            )
        ]

    @api.depends("type_id", "partner_id")
    def _compute_display_name(self):
        for event in self:
            event.display_name = f"{event.type_id.name or ''} - {event.partner_id.name or ''}"

    # ------------------------------------------------------------------
    # Daily job
    # ------------------------------------------------------------------

    @api.model
    def _cron_create_care_activities(self, batch_size=DEFAULT_BATCH_SIZE):
        """Daily: care activities (and greetings) for the events of the coming days.

        Run by the scheduler, one call handles one batch and reports its
        progress, the scheduler calls again at once while events remain; called
        elsewhere it loops until every due event is handled.
        """

        def run_batch():
            created, remaining = self.sudo()._create_care_activities(batch_size=batch_size)
            return len(created), remaining

        return run_in_batches(self.env, run_batch, "Care events (activities created)")

    @api.model
    def _create_care_activities(self, today=None, companies=None, batch_size=DEFAULT_BATCH_SIZE):
        """Create the care activities of events due within each company's window.

        An event is due when its next occurrence (from ``today``) lies within
        ``today .. today + company.crm_care_days_ahead``, its contact is an
        active care target and no care log exists for the event and the year
        of the occurrence. The activity is created on the contact, due on the
        day of the event, for the responsible user (see
        ``crm.care.log._sql_responsible``); events without one are skipped and
        counted in the server log, and come back the next day.

        Two statements whatever the number of events: one selects the due
        events, one inserts the log rows (``ON CONFLICT (event_id, year) DO
        NOTHING``: a concurrent run cannot create a second activity), the
        activities and the followers. Greetings are then queued per template.

        :return: (log records created, number of due events left for later batches)
        """
        today = today or fields.Date.context_today(self)
        companies = companies or self.env["res.company"].search([])
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
            SELECT e.id, e.partner_id, p.commercial_partner_id, e.company_id, e.type_id, e.note,
                   nx.next_date, p.name, resp.user_id, up.lang, p.email
              FROM crm_care_event e
              JOIN res_company c ON c.id = e.company_id
              JOIN crm_care_event_type t ON t.id = e.type_id
              JOIN res_partner p ON p.id = e.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
             CROSS JOIN LATERAL (SELECT %(next_date)s AS next_date) nx
              LEFT JOIN LATERAL (%(responsible)s) resp ON TRUE
              LEFT JOIN res_users ru ON ru.id = resp.user_id
              LEFT JOIN res_partner up ON up.id = ru.partner_id
             WHERE e.active AND t.active AND p.active AND cp.active AND p.crm_care_target
               AND e.company_id = ANY(%(companies)s)
               AND nx.next_date BETWEEN %(today)s AND %(today)s + c.crm_care_days_ahead
               AND NOT EXISTS (SELECT 1 FROM crm_care_log l
                                WHERE l.event_id = e.id AND l.year = EXTRACT(YEAR FROM nx.next_date)::int)
             ORDER BY nx.next_date, e.id
            """,
                next_date=sql_next_date("e", today),
                responsible=self.env["crm.care.log"]._sql_responsible("c", "p", "cp"),
                companies=companies.ids,
                today=today,
            )
        )
        skipped = [row for row in rows if not row[8]]
        if skipped:
            _logger.info(
                "Customer care: %s due event(s) skipped, their contacts have no responsible user "
                "(no salesperson of the company and no default care responsible): contacts %s",
                len(skipped),
                sorted({row[1] for row in skipped})[:20],
            )
        due = [row for row in rows if row[8]]
        batch, remaining = due[:batch_size], max(len(due) - batch_size, 0)
        if not batch:
            return self.env["crm.care.log"], remaining
        types = self.env["crm.care.event.type"].browse({row[4] for row in batch})
        type_names = {}  # (type id, lang) -> translated name
        for lang in {row[9] or "en_US" for row in batch}:
            for event_type in types.with_context(lang=lang):
                type_names[event_type.id, lang] = event_type.name
        sending = set(types.filtered(lambda t: t.send_mail and t.mail_template_id).ids)

        def greeting_status(row):
            if row[4] not in sending:
                return "none"
            return "pending" if row[10] else "no_email"

        now = fields.Datetime.now()
        inserted = self.env.execute_query(
            SQL(
                """
            WITH src AS (
                SELECT *
                  FROM unnest(%(event_ids)s::int[], %(partner_ids)s::int[], %(commercial_ids)s::int[],
                              %(company_ids)s::int[], %(type_ids)s::int[], %(activity_type_ids)s::int[],
                              %(dates)s::date[], %(user_ids)s::int[], %(summaries)s::varchar[], %(notes)s::text[],
                              %(mail_statuses)s::varchar[])
                    AS s(event_id, partner_id, commercial_id, company_id, type_id, activity_type_id,
                         date, user_id, summary, note, mail_status)
            ), logged AS (
                INSERT INTO crm_care_log (origin, event_id, year, event_type_id, date, partner_id,
                                          commercial_partner_id, company_id, user_id, summary, activity_id,
                                          mail_status, create_uid, create_date, write_uid, write_date)
                SELECT 'event', s.event_id, EXTRACT(YEAR FROM s.date)::int, s.type_id, s.date, s.partner_id,
                       s.commercial_id, s.company_id, s.user_id, s.summary, nextval('mail_activity_id_seq'),
                       s.mail_status, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM src s
                    ON CONFLICT (event_id, year) DO NOTHING
             RETURNING id, event_id, activity_id, partner_id, user_id, date, summary, mail_status
            ), activities AS (
                INSERT INTO mail_activity (id, res_model_id, res_model, res_id, res_name, activity_type_id,
                                           summary, note, date_deadline, user_id, user_tz, automated, active,
                                           create_uid, create_date, write_uid, write_date)
                SELECT l.activity_id, %(model_id)s, 'res.partner', l.partner_id, p.complete_name,
                       s.activity_type_id, l.summary, s.note, l.date, l.user_id, up.tz, TRUE, TRUE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM logged l
                  JOIN src s ON s.event_id = l.event_id
                  JOIN res_partner p ON p.id = l.partner_id
                  JOIN res_users u ON u.id = l.user_id
                  JOIN res_partner up ON up.id = u.partner_id
             RETURNING id, res_id, user_id
            ), %(follow)s
            SELECT l.id, l.user_id, l.date, l.mail_status FROM logged l
            """,
                event_ids=[row[0] for row in batch],
                partner_ids=[row[1] for row in batch],
                commercial_ids=[row[2] for row in batch],
                company_ids=[row[3] for row in batch],
                type_ids=[row[4] for row in batch],
                activity_type_ids=[types.browse(row[4]).activity_type_id.id for row in batch],
                dates=[row[6] for row in batch],
                user_ids=[row[8] for row in batch],
                summaries=[f"{type_names[row[4], row[9] or 'en_US']}: {row[7]}" for row in batch],
                notes=[plaintext2html(row[5]) if row[5] else None for row in batch],
                mail_statuses=[greeting_status(row) for row in batch],
                model_id=self.env["ir.model"]._get_id("res.partner"),
                uid=self.env.uid,
                now=now,
                follow=self.env["crm.care.log"]._sql_follow("activities"),
            )
        )
        Log = self.env["crm.care.log"]
        Log._after_insert(list({user_id for __, user_id, deadline, __ in inserted if deadline <= today}))
        logs = Log.browse([row[0] for row in inserted])
        greetings = sum(1 for row in inserted if row[3] == "pending")
        if greetings:
            # rendering e-mails is the host's per-record work: their own cron sends them in batches
            self.env.ref("crm_core_ext.ir_cron_crm_care_greetings")._trigger()
        _logger.info(
            "Customer care: %s care activities created for dated events, %s greetings to send", len(logs), greetings
        )
        return logs, remaining
