import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.cron import run_isolated

_logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 20000
# Messages that show someone was in touch with the customer: notes and
# messages posted, e-mails received, text messages (activities marked as done
# are recognised by their subtype).
CONTACT_MESSAGE_TYPES = ["comment", "email", "sms"]


class CrmCareRule(models.Model):
    """A care rule creates an activity for each customer of a company that
    matches its filters and was not contacted for a number of days, for
    example "level A customers not contacted for 60 days".

    *Contacted* since a date means any of, on the customer or any of its
    contacts:

    * a message of type note/discussion, incoming e-mail or text message
      (``mail.message`` of type comment, email or sms), or an activity marked
      as done (subtype *Activities*), on the contact itself or on a lead or
      opportunity of the company (or without company) whose customer it is;
    * a sale order of the company that is not cancelled, dated on or after
      that date;
    * a meeting (calendar event) with the customer or a contact as attendee,
      started on or after that date and not in the future.

    Outgoing automatic e-mails (greetings, mass mailings) and tracking
    messages are not contacts. Customers created less than N days ago are not
    considered: they cannot have been forgotten yet.

    Customers are the active commercial partners of the rule's company (or
    shared between companies) that are customers (customer rank) or have a
    lifecycle stage in the company. An open activity of the rule on a
    customer prevents a second one (a unique index on ``mail.activity``).
    """

    _name = "crm.care.rule"
    _description = "Customer Care Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    value_level_ids = fields.Many2many(
        "crm.value.level",
        "crm_care_rule_value_level_rel",
        "rule_id",
        "level_id",
        string="Value Levels",
        check_company=True,
        help="Only customers in these value levels of the company. Leave empty for every level "
        "(and customers without a level).",
    )
    lifecycle_stage_ids = fields.Many2many(
        "crm.lifecycle.stage",
        "crm_care_rule_lifecycle_stage_rel",
        "rule_id",
        "stage_id",
        string="Lifecycle Stages",
        check_company=True,
        help="Only customers in these lifecycle stages in the company. Leave empty for every stage.",
    )
    category_ids = fields.Many2many(
        "res.partner.category",
        "crm_care_rule_partner_category_rel",
        "rule_id",
        "category_id",
        string="Customer Tags",
        help="Only customers with at least one of these tags. Leave empty for every customer.",
    )
    days_without_contact = fields.Integer(
        required=True,
        default=60,
        help="Customers nobody was in touch with for this many days get an activity.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity Type",
        required=True,
        ondelete="restrict",
        default=lambda self: self.env.ref("crm_core_ext.mail_activity_type_crm_care", raise_if_not_found=False),
    )
    summary = fields.Char(help="Summary of the activities; the rule's name when empty.")
    note = fields.Html(help="Note of the activities, for example what to talk about.")
    deadline_days = fields.Integer(
        string="Due In (days)", default=3, help="The activities are due this many days after the run."
    )
    responsible = fields.Selection(
        [("salesperson", "Salesperson of the customer"), ("user", "A given user")],
        string="Assign To",
        required=True,
        default="salesperson",
        help="Salesperson of the customer: customers without a salesperson of the company go to the "
        "company's default care responsible, or are skipped when there is none.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        check_company=True,
        domain="[('share', '=', False)]",
    )
    last_run = fields.Datetime(readonly=True, copy=False)
    last_run_count = fields.Integer(string="Activities Created at Last Run", readonly=True, copy=False)
    activity_count = fields.Integer(string="Open Activities", compute="_compute_activity_count")

    def _compute_activity_count(self):
        counts = dict(
            self.env["mail.activity"]
            .sudo()
            ._read_group([("crm_care_rule_id", "in", self.ids)], ["crm_care_rule_id"], ["__count"])
        )
        for rule in self:
            rule.activity_count = counts.get(rule._origin, 0)

    @api.constrains("days_without_contact", "deadline_days", "responsible", "user_id")
    def _check_values(self):
        for rule in self:
            if rule.days_without_contact <= 0:
                raise ValidationError(
                    _(
                        "Care rule %(rule)s: the days without contact must be a positive number, not %(days)s.",
                        rule=rule.name,
                        days=rule.days_without_contact,
                    )
                )
            if rule.deadline_days < 0:
                raise ValidationError(_("Care rule %s: the activities cannot be due before the run.", rule.name))
            if rule.responsible == "user" and not rule.user_id:
                raise ValidationError(_("Care rule %s: choose the user who receives the activities.", rule.name))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_run(self):
        """Run the rules now (managers, from the form or the list)."""
        self.check_access("write")
        created = self.sudo()._run()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("%s care activities created.", created),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_activities(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Activities of %s", self.name),
            "res_model": "mail.activity",
            "view_mode": "list,form",
            "domain": [("crm_care_rule_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # Job
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_rules(self, batch_size=DEFAULT_BATCH_SIZE):
        """Daily: run every active rule. Run by the scheduler, one call handles
        one batch of customers and reports its progress (the scheduler calls
        again at once while customers remain); called elsewhere it loops until
        every rule is done."""
        rules = self.sudo().search([])
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        return rules._run(batch_size=batch_size, one_batch=in_cron, isolated=True)

    def _run(self, today=None, batch_size=DEFAULT_BATCH_SIZE, one_batch=False, isolated=False):
        """Create the activities of the rules ``self``; return how many.

        Per rule and batch, two statements: one selects the customers not
        contacted with their responsible user, one inserts the activities
        (``ON CONFLICT DO NOTHING`` on the open-activity index), the log rows
        and the followers.

        :param isolated: run each rule in a savepoint of its own (the job): a
            rule that fails is rolled back and logged, the others run; without
            it (a manager's button) the error reaches the user
        """
        today = today or fields.Date.context_today(self)
        created = remaining = 0
        results = {}

        def run_rule(rule):
            results[rule.id] = rule._run_rule(today, batch_size, one_batch)

        for rule in self:
            if isolated:
                __, failed = run_isolated(rule, run_rule, "Care rules")
                if failed:
                    continue  # rolled back and logged; the next run tries it again
                rule_created, remaining = results[rule.id]
            else:
                rule_created, remaining = rule._run_rule(today, batch_size, one_batch)
            created += rule_created
            if one_batch and remaining:
                break
        else:
            remaining = 0
        self.env["ir.cron"]._notify_progress(done=created, remaining=remaining)
        return created

    def _run_rule(self, today, batch_size, one_batch):
        """Run the rule ``self``, one batch or all; return (created, remaining)."""
        self.ensure_one()
        created = 0
        while True:
            count, remaining = self._run_batch(today, batch_size)
            created += count
            if (one_batch and remaining) or not remaining or not count:
                break
        self.write({"last_run": fields.Datetime.now(), "last_run_count": created})
        _logger.info("Care rule %s (%s): %s activities created", self.name, self.id, created)
        return created, remaining

    def _run_batch(self, today, batch_size):
        self.ensure_one()
        company = self.company_id
        cid = str(company.id)
        cutoff_date = today - timedelta(days=self.days_without_contact)
        cutoff = fields.Datetime.to_datetime(cutoff_date)
        now = fields.Datetime.now()
        self.env.flush_all()
        filters = []
        if self.value_level_ids:
            filters.append(SQL("(cp.crm_value_level_id ->> %s)::int = ANY(%s)", cid, self.value_level_ids.ids))
        if self.lifecycle_stage_ids:
            filters.append(SQL("(cp.crm_lifecycle_stage_id ->> %s)::int = ANY(%s)", cid, self.lifecycle_stage_ids.ids))
        if self.category_ids:
            filters.append(
                SQL(
                    """EXISTS (SELECT 1 FROM res_partner_res_partner_category_rel pc
                                WHERE pc.partner_id = cp.id AND pc.category_id = ANY(%s))""",
                    self.category_ids.ids,
                )
            )
        if self.responsible == "user":
            responsible = SQL(
                """SELECT u.id AS user_id FROM res_users u
                    WHERE u.id = %s AND u.active
                      AND EXISTS (SELECT 1 FROM res_company_users_rel cu WHERE cu.user_id = u.id AND cu.cid = c.id)""",
                self.user_id.id,
            )
        else:
            responsible = self.env["crm.care.log"]._sql_responsible("c", "cp", "cp")
        rows = self.env.execute_query(
            SQL(
                """
            SELECT cp.id, resp.user_id
              FROM res_partner cp
              JOIN res_company c ON c.id = %(company)s
              LEFT JOIN LATERAL (%(responsible)s) resp ON TRUE
             WHERE cp.id = cp.commercial_partner_id
               AND cp.active
               AND (cp.company_id = %(company)s OR cp.company_id IS NULL)
               AND (cp.customer_rank > 0 OR cp.crm_lifecycle_stage_id ? %(cid)s)
               AND cp.create_date < %(cutoff)s
               AND %(filters)s
               AND NOT EXISTS (
                   SELECT 1 FROM mail_activity a
                    WHERE a.crm_care_rule_id = %(rule)s AND a.res_id = cp.id AND a.active)
               -- messages and done activities on the customer and its contacts
               AND NOT EXISTS (
                   SELECT 1 FROM res_partner mp
                     JOIN mail_message m ON m.model = 'res.partner' AND m.res_id = mp.id
                    WHERE mp.commercial_partner_id = cp.id AND m.date >= %(cutoff)s
                      AND (m.message_type = ANY(%(message_types)s) OR m.subtype_id = %(done_subtype)s))
               -- ... on its leads and opportunities
               AND NOT EXISTS (
                   SELECT 1 FROM res_partner lp
                     JOIN crm_lead l ON l.partner_id = lp.id
                     JOIN mail_message m ON m.model = 'crm.lead' AND m.res_id = l.id
                    WHERE lp.commercial_partner_id = cp.id
                      AND (l.company_id = %(company)s OR l.company_id IS NULL)
                      AND m.date >= %(cutoff)s
                      AND (m.message_type = ANY(%(message_types)s) OR m.subtype_id = %(done_subtype)s))
               -- sale orders
               AND NOT EXISTS (
                   SELECT 1 FROM res_partner sp
                     JOIN sale_order so ON so.partner_id = sp.id
                    WHERE sp.commercial_partner_id = cp.id AND so.company_id = %(company)s
                      AND so.state != 'cancel' AND so.date_order >= %(cutoff)s)
               -- meetings
               AND NOT EXISTS (
                   SELECT 1 FROM res_partner ap
                     JOIN calendar_event_res_partner_rel ar ON ar.res_partner_id = ap.id
                     JOIN calendar_event ev ON ev.id = ar.calendar_event_id
                    WHERE ap.commercial_partner_id = cp.id AND ev.active
                      AND ev.start >= %(cutoff)s AND ev.start <= %(now)s)
             ORDER BY cp.id
            """,
                company=company.id,
                cid=cid,
                cutoff=cutoff,
                now=now,
                rule=self.id,
                filters=SQL(" AND ").join(filters) if filters else SQL("TRUE"),
                responsible=responsible,
                message_types=CONTACT_MESSAGE_TYPES,
                done_subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_activities"),
            )
        )
        skipped = [partner_id for partner_id, user_id in rows if not user_id]
        if skipped:
            _logger.info(
                "Care rule %s (%s): %s customer(s) skipped, no responsible user (no salesperson of the company "
                "and no default care responsible): %s",
                self.name,
                self.id,
                len(skipped),
                skipped[:20],
            )
        due = [(partner_id, user_id) for partner_id, user_id in rows if user_id]
        batch, remaining = due[:batch_size], max(len(due) - batch_size, 0)
        deadline = today + timedelta(days=self.deadline_days)
        inserted = []
        if batch:
            inserted = self.env.execute_query(
                SQL(
                    """
                WITH src AS (
                    SELECT * FROM unnest(%(partner_ids)s::int[], %(user_ids)s::int[]) AS s(partner_id, user_id)
                ), activities AS (
                    INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id,
                                               summary, note, date_deadline, user_id, user_tz, automated, active,
                                               crm_care_rule_id, create_uid, create_date, write_uid, write_date)
                    SELECT %(model_id)s, 'res.partner', s.partner_id, p.complete_name, %(activity_type)s,
                           %(summary)s, %(note)s, %(deadline)s, s.user_id, up.tz, TRUE, TRUE,
                           %(rule)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM src s
                      JOIN res_partner p ON p.id = s.partner_id
                      JOIN res_users u ON u.id = s.user_id
                      JOIN res_partner up ON up.id = u.partner_id
                        ON CONFLICT DO NOTHING
                 RETURNING id, res_id, user_id
                ), logged AS (
                    INSERT INTO crm_care_log (origin, rule_id, date, partner_id, commercial_partner_id, company_id,
                                              user_id, summary, activity_id, mail_status,
                                              create_uid, create_date, write_uid, write_date)
                    SELECT 'rule', %(rule)s, %(deadline)s, a.res_id, a.res_id, %(company)s,
                           a.user_id, %(summary)s, a.id, 'none', %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM activities a
                ), %(follow)s
                SELECT a.user_id FROM activities a
                """,
                    partner_ids=[partner_id for partner_id, __ in batch],
                    user_ids=[user_id for __, user_id in batch],
                    model_id=self.env["ir.model"]._get_id("res.partner"),
                    activity_type=self.activity_type_id.id,
                    summary=self.summary or self.name,
                    note=self.note or None,
                    deadline=deadline,
                    rule=self.id,
                    company=company.id,
                    uid=self.env.uid,
                    now=now,
                    follow=self.env["crm.care.log"]._sql_follow("activities"),
                )
            )
            self.env["crm.care.log"]._after_insert(list({row[0] for row in inserted}) if deadline <= today else [])
        return len(inserted), remaining
