import logging
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.api import Environment
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.crm_core_ext.models.crm_care_event import care_next_date

D = date(2025, 6, 10)  # reference day of the event job tests (2025 is not a leap year)
EVENT_LOGGER = "odoo.addons.crm_core_ext.models.crm_care_event"
RULE_LOGGER = "odoo.addons.crm_core_ext.models.crm_care_rule"
CRON_LOGGER = "odoo.addons.crm_core_ext.tools.cron"


class CareCommon(TransactionCase):
    """Two companies of their own (so that demo data never interferes), a
    salesperson per company plus a second one in company A, a sales manager,
    customers with contacts that are care targets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env["res.company"].create({"name": "Care Co A", "crm_care_days_ahead": 7})
        cls.company_b = cls.env["res.company"].create({"name": "Care Co B", "crm_care_days_ahead": 2})
        cls.companies = cls.company_a | cls.company_b
        cls.env.user.company_ids |= cls.companies

        def user(login, company, groups="sales_team.group_sale_salesman"):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
                email=f"{login}@example.com",
            )

        cls.salesman = user("care_salesman", cls.company_a)
        cls.salesman_2 = user("care_salesman_2", cls.company_a)
        cls.salesman_b = user("care_salesman_b", cls.company_b)
        cls.manager = user("care_manager", cls.company_a, "sales_team.group_sale_manager")

        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {
                "name": "Care Customer",
                "is_company": True,
                "company_id": cls.company_a.id,
                "user_id": cls.salesman.id,
                "customer_rank": 1,
            }
        )
        cls.contact = Partner.create(
            {
                "name": "Zhang Wei",
                "parent_id": cls.customer.id,
                "email": "zhang.wei@example.com",
                "crm_care_target": True,
            }
        )
        cls.customer_2 = Partner.create(
            {
                "name": "Other Salesman Customer",
                "is_company": True,
                "company_id": cls.company_a.id,
                "user_id": cls.salesman_2.id,
                "customer_rank": 1,
            }
        )
        cls.contact_2 = Partner.create(
            {"name": "Li Na", "parent_id": cls.customer_2.id, "crm_care_target": True, "email": "li.na@example.com"}
        )
        cls.birthday = cls.env.ref("crm_core_ext.crm_care_event_type_birthday")
        cls.anniversary = cls.env.ref("crm_core_ext.crm_care_event_type_company_anniversary")
        cls.care_type = cls.env.ref("crm_core_ext.mail_activity_type_crm_care")
        cls.birthday.send_mail = False

    def _event(self, partner, day, event_type=None, **vals):
        return self.env["crm.care.event"].create(
            {"partner_id": partner.id, "type_id": (event_type or self.birthday).id, "date": day, **vals}
        )

    def _run_events(self, today=D, companies=None):
        logs, __ = self.env["crm.care.event"]._create_care_activities(
            today=today, companies=companies or self.companies
        )
        return logs

    def _activities(self, partners):
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)], order="date_deadline, id"
        )


@tagged("post_install", "-at_install")
class TestCareEvents(CareCommon):
    def test_activity_days_ahead(self):
        """An activity N days ahead, due on the event's day, for the customer's
        salesperson, on the contact; nothing beyond N days, for past days or
        for contacts that are not care targets."""
        in_window = self._event(self.contact, date(1980, 6, 17), note="Likes <green> tea")  # D + 7
        today = self._event(self.contact, date(1990, 6, 10), event_type=self.anniversary)  # D
        self._event(self.contact, date(1980, 6, 18), event_type=self.anniversary)  # D + 8: too early
        self._event(self.contact, date(1980, 6, 9), event_type=self.anniversary)  # yesterday: next year
        not_target = self.env["res.partner"].create({"name": "Not a target", "parent_id": self.customer.id})
        self._event(not_target, date(1980, 6, 12))

        logs = self._run_events()

        self.assertEqual(logs.event_id, in_window | today)
        activities = self._activities(self.contact | not_target)
        self.assertEqual(len(activities), 2)
        first, second = activities
        self.assertEqual(
            (first.date_deadline, first.user_id, first.activity_type_id, first.res_id, first.summary),
            (D, self.salesman, self.care_type, self.contact.id, "Company Anniversary: Zhang Wei"),
        )
        self.assertEqual(
            (second.date_deadline, second.user_id, second.summary),
            (date(2025, 6, 17), self.salesman, "Birthday: Zhang Wei"),
        )
        self.assertEqual(second.res_name, self.contact.display_name)
        self.assertIn("Likes &lt;green&gt; tea", second.note)  # the note is escaped
        self.assertTrue(second.automated)
        log = logs.filtered(lambda log: log.event_id == in_window)
        self.assertEqual(
            (log.year, log.date, log.user_id, log.activity_id, log.commercial_partner_id, log.company_id),
            (2025, date(2025, 6, 17), self.salesman, second, self.customer, self.company_a),
        )
        self.assertTrue(log.activity_open)
        # the assignee follows the contact, as with activities created through the ORM
        self.assertIn(self.salesman.partner_id, self.contact.message_partner_ids)
        # the salesperson sees the activity in its own list
        self.assertEqual(
            self.env["mail.activity"].with_user(self.salesman).search([("id", "in", activities.ids)]), activities
        )

    def test_window_over_new_year_and_one_time_events(self):
        recurring = self._event(self.contact, date(1990, 1, 2))
        once = self._event(self.contact, date(2026, 1, 3), event_type=self.anniversary, recurring=False)
        past_once = self._event(self.contact, date(2024, 12, 30), event_type=self.anniversary, recurring=False)
        logs = self._run_events(today=date(2025, 12, 28))
        self.assertEqual(logs.event_id, recurring | once)
        self.assertNotIn(past_once, logs.event_id)
        self.assertEqual(logs.filtered(lambda log: log.event_id == recurring).year, 2026)
        self.assertEqual(self._activities(self.contact).mapped("date_deadline"), [date(2026, 1, 2), date(2026, 1, 3)])

    def test_feb_29(self):
        """A 29 February birthday falls on 28 February in other years, on 29 February in leap years."""
        event = self._event(self.contact, date(2000, 2, 29))
        self.assertEqual(care_next_date(event.date, True, date(2025, 2, 25)), date(2025, 2, 28))
        self.assertEqual(care_next_date(event.date, True, date(2025, 3, 1)), date(2026, 2, 28))
        self.assertEqual(care_next_date(event.date, True, date(2027, 3, 1)), date(2028, 2, 29))
        self.assertEqual(self._run_events(today=date(2025, 2, 21)).event_id, event)
        self.assertEqual(self._activities(self.contact).date_deadline, date(2025, 2, 28))
        self.assertFalse(self._run_events(today=date(2025, 2, 28)))  # handled for 2025
        logs = self._run_events(today=date(2028, 2, 23))
        self.assertEqual((logs.year, logs.date), (2028, date(2028, 2, 29)))
        # the computed and the searched next occurrence agree with the job
        with freeze_time("2027-02-22 12:00"):  # noon: the same day in every time zone of the users
            event.invalidate_recordset(["next_date", "days_to_next"])
            self.assertEqual((event.next_date, event.days_to_next), (date(2027, 2, 28), 6))
            Event = self.env["crm.care.event"]
            self.assertIn(event, Event.search([("next_date", "=", "2027-02-28")]))
            self.assertIn(event, Event.search([("next_date", "<=", "2027-03-01")]))
            self.assertNotIn(event, Event.search([("next_date", "<", "2027-02-28")]))

    def test_nothing_created_twice(self):
        event = self._event(self.contact, date(1980, 6, 15))
        first = self._run_events()
        self.assertEqual(len(first), 1)
        self.assertFalse(self._run_events())
        self.assertFalse(self._run_events(today=D + timedelta(days=3)))
        # done: the activity is gone, the log stays, and still nothing new this year
        first.activity_id.action_feedback(feedback="Flowers sent")
        self.assertFalse(first.activity_id)
        self.assertFalse(self._run_events(today=D + timedelta(days=4)))
        self.assertEqual(len(self._activities(self.contact)), 0)
        # next year's occurrence is handled again
        self.assertEqual(self._run_events(today=date(2026, 6, 12)).event_id, event)
        self.assertEqual(self.env["crm.care.log"].search_count([("event_id", "=", event.id)]), 2)

    def test_concurrent_run_creates_nothing(self):
        """Another worker logs the event between the selection and the insert:
        the insert skips it (ON CONFLICT), no second activity."""
        event = self._event(self.contact, date(1980, 6, 15))
        execute_query = Environment.execute_query
        calls = []

        def execute_query_with_competitor(env, query):
            result = execute_query(env, query)
            if not calls:
                calls.append(query)
                env.cr.execute(
                    SQL(
                        "INSERT INTO crm_care_log (origin, event_id, year, partner_id, company_id, mail_status) "
                        "VALUES ('event', %s, 2025, %s, %s, 'none')",
                        event.id,
                        self.contact.id,
                        self.company_a.id,
                    )
                )
            return result

        with patch.object(Environment, "execute_query", execute_query_with_competitor):
            logs = self._run_events()
        self.assertEqual(len(calls), 1)  # the competitor did log the event
        self.assertFalse(logs)
        self.assertFalse(self._activities(self.contact))
        self.assertEqual(self.env["crm.care.log"].search([("event_id", "=", event.id)]).year, 2025)

    def test_mail_only_with_template(self):
        self._event(self.contact, date(1980, 6, 12))  # birthday
        self._event(self.contact, date(1980, 6, 13), event_type=self.anniversary)  # no template
        no_email = self.env["res.partner"].create(
            {"name": "No Mail", "parent_id": self.customer.id, "crm_care_target": True}
        )
        self._event(no_email, date(1980, 6, 14))
        # birthday type without "send e-mail": no mail
        logs = self._run_events()
        self.assertEqual(set(logs.mapped("mail_status")), {"none"})
        self.assertFalse(
            self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", self.contact.id)])
        )

        self.birthday.send_mail = True
        self._event(self.contact_2, date(1985, 6, 11))
        greetings_cron = self.env.ref("crm_core_ext.ir_cron_crm_care_greetings")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", greetings_cron.id)])
        logs = self._run_events()
        self.assertEqual(len(logs), 1)
        # the greeting is left to its own job, which the event job triggers
        self.assertEqual((logs.mail_status, logs.mail_id.id), ("pending", False))
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", greetings_cron.id)]), triggers + 1)
        Log = self.env["crm.care.log"]
        Log._cron_send_greetings()
        self.assertEqual(logs.mail_status, "queued")
        self.assertEqual(logs.mail_id.recipient_ids, self.contact_2)
        self.assertEqual(logs.mail_id.subject, "Happy birthday, Li Na!")
        self.assertEqual(logs.mail_id.email_from, self.salesman_2.email_formatted)
        self.assertIn("Li Na", str(logs.mail_id.body_html))
        self.assertEqual(logs.mail_id.state, "outgoing")  # queued, sent by the mail queue
        # sent once
        Log._cron_send_greetings()
        mail_domain = [("model", "=", "res.partner"), ("res_id", "=", self.contact_2.id)]
        self.assertEqual(self.env["mail.mail"].search_count(mail_domain), 1)

        other = self.env["res.partner"].create(
            {"name": "No Mail 2", "parent_id": self.customer.id, "crm_care_target": True}
        )
        self._event(other, date(1985, 6, 12))
        logs = self._run_events()
        self.assertEqual((logs.mail_status, logs.mail_id.id), ("no_email", False))
        self.assertTrue(logs.activity_id)

        # a type that sends must have a template on contacts
        with self.assertRaises(ValidationError):
            self.anniversary.send_mail = True
        lead_template = self.env["mail.template"].create(
            {"name": "Lead template", "model_id": self.env["ir.model"]._get_id("crm.lead")}
        )
        with self.assertRaises(ValidationError):
            self.anniversary.mail_template_id = lead_template

    def test_failing_greetings_do_not_stop_the_others(self):
        """A broken template or a greeting that cannot be created for one
        contact marks that greeting failed with its error; the others are
        queued, and the job does not stop on them at every run."""
        self.birthday.send_mail = True
        broken = self.env["mail.template"].create(
            {
                "name": "Broken anniversary greeting",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "{{ object.crm_no_such_field }}",
                "partner_to": "{{ object.id }}",
                "body_html": "<p>Happy anniversary</p>",
            }
        )
        self.anniversary.write({"mail_template_id": broken.id, "send_mail": True})
        bad_address = self.env["res.partner"].create(
            {"name": "Bad Address", "parent_id": self.customer.id, "crm_care_target": True, "email": "bad@example.com"}
        )
        self._event(self.contact, date(1980, 6, 12))
        self._event(bad_address, date(1980, 6, 12))
        self._event(self.contact_2, date(1985, 6, 13), event_type=self.anniversary)
        logs = self._run_events()
        self.assertEqual(set(logs.mapped("mail_status")), {"pending"})
        log_of = {log.partner_id: log for log in logs}

        MailTemplate = type(self.env["mail.template"])
        send_mail_batch = MailTemplate.send_mail_batch

        def send_or_fail(template, res_ids, *args, **kwargs):
            if bad_address.id in res_ids:
                raise ValueError("the mail server refuses bad@example.com")
            return send_mail_batch(template, res_ids, *args, **kwargs)

        with (
            patch.object(MailTemplate, "send_mail_batch", send_or_fail),
            self.assertLogs(CRON_LOGGER, "ERROR") as logged,
        ):
            self.env["crm.care.log"]._cron_send_greetings()
        self.assertEqual(len(logged.records), 2, "each failing greeting is logged once")
        self.assertRecordValues(log_of[self.contact], [{"mail_status": "queued", "mail_error": False}])
        self.assertTrue(log_of[self.contact].mail_id)
        self.assertRecordValues(
            log_of[bad_address] | log_of[self.contact_2],
            [{"mail_status": "failed", "mail_id": False}, {"mail_status": "failed", "mail_id": False}],
        )
        self.assertIn("refuses bad@example.com", log_of[bad_address].mail_error)
        self.assertTrue(log_of[self.contact_2].mail_error)
        # failed greetings are not tried again at every run
        with self.assertNoLogs(CRON_LOGGER, "ERROR"):
            self.assertEqual(self.env["crm.care.log"]._cron_send_greetings()[0], 0)

    def test_responsible_fallback(self):
        """Salesperson of the customer, else of the contact, else the company's
        default care responsible; otherwise the event is skipped and logged."""
        orphan = self.env["res.partner"].create(
            {"name": "Orphan Co", "is_company": True, "company_id": self.company_a.id}
        )
        orphan_contact = self.env["res.partner"].create(
            {"name": "Orphan Contact", "parent_id": orphan.id, "crm_care_target": True}
        )
        event = self._event(orphan_contact, date(1980, 6, 12))
        with self.assertLogs(EVENT_LOGGER, logging.INFO) as log_catcher:
            self.assertFalse(self._run_events())
        self.assertTrue(any("1 due event(s) skipped" in line for line in log_catcher.output))
        # a salesperson of another company does not count
        orphan.user_id = self.salesman_b
        self.assertFalse(self._run_events())
        self.company_a.crm_care_user_id = self.salesman_2
        logs = self._run_events()
        self.assertEqual((logs.event_id, logs.user_id), (event, self.salesman_2))

    def test_query_count_constant(self):
        """The job runs a fixed number of queries whatever the number of events."""

        def run_counted(count):
            partners = self.env["res.partner"].create(
                [
                    {"name": f"Q{count}-{i}", "parent_id": self.customer.id, "crm_care_target": True}
                    for i in range(count)
                ]
            )
            for partner in partners:
                self._event(partner, date(1980, 6, 12))
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(9):
                logs = self._run_events(companies=self.company_a)
            self.assertEqual(len(logs), count)

        self._event(self.contact, date(1980, 6, 12))
        self._run_events()  # warm up
        self._run_events()
        run_counted(1)
        run_counted(10)


@tagged("post_install", "-at_install")
class TestCareRules(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.value_model = cls.env["crm.value.model"].create(
            {
                "name": "Care RFM",
                "company_id": cls.company_a.id,
                "level_ids": [
                    Command.create({"sequence": 1, "code": "A", "name": "Strategic", "min_score": 50}),
                    Command.create({"sequence": 2, "code": "B", "name": "Key", "min_score": 0}),
                ],
            }
        )
        cls.level_a, cls.level_b = cls.value_model.level_ids
        Partner = cls.env["res.partner"]
        cls.cust = {}
        for key in ("quiet", "noted", "done", "ordered", "met", "lead", "mailed", "level_b", "recent", "company_b"):
            cls.cust[key] = Partner.create(
                {
                    "name": f"Rule customer {key}",
                    "is_company": True,
                    "customer_rank": 1,
                    "user_id": cls.salesman.id,
                    "company_id": (cls.company_b if key == "company_b" else cls.company_a).id,
                }
            )
            if key != "company_b":
                level = cls.level_b if key == "level_b" else cls.level_a
                cls.cust[key].with_company(cls.company_a).crm_value_level_id = level
        cls.cust["company_b"].user_id = cls.salesman_b
        cls.env.flush_all()
        # customers known for long, except the recent one
        cls.env.cr.execute(
            SQL(
                "UPDATE res_partner SET create_date = NOW() - INTERVAL '200 days' WHERE id IN %s",
                tuple(partner.id for key, partner in cls.cust.items() if key != "recent"),
            )
        )
        cls.today = fields.Date.today()

    def _rule(self, **vals):
        return self.env["crm.care.rule"].create(
            {
                "name": "Level A not contacted for 60 days",
                "company_id": self.company_a.id,
                "value_level_ids": [Command.set(self.level_a.ids)],
                "days_without_contact": 60,
                "deadline_days": 3,
                **vals,
            }
        )

    def _age_messages(self, partner, days):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE mail_message SET date = NOW() - make_interval(days => %s) WHERE model = %s AND res_id = %s",
                days,
                partner._name,
                partner.id,
            )
        )

    def test_rule_by_level_and_days_without_contact(self):
        cust = self.cust
        contact = self.env["res.partner"].create({"name": "Noted contact", "parent_id": cust["noted"].id})
        contact.message_post(body="Called, all fine", message_type="comment", subtype_xmlid="mail.mt_note")
        # an old note does not count
        cust["quiet"].message_post(body="Long ago", message_type="comment", subtype_xmlid="mail.mt_note")
        self._age_messages(cust["quiet"], 90)
        # an activity marked as done
        cust["done"].activity_schedule("mail.mail_activity_data_call", user_id=self.salesman.id).action_feedback(
            feedback="Reached the buyer"
        )
        # a quotation
        product = self.env["product.product"].create({"name": "Care product", "list_price": 10})
        self.env["sale.order"].with_company(self.company_a).create(
            {
                "partner_id": cust["ordered"].id,
                "company_id": self.company_a.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        # a meeting five days ago
        start = fields.Datetime.now() - timedelta(days=5)
        self.env["calendar.event"].create(
            {
                "name": "Visit",
                "start": start,
                "stop": start + timedelta(hours=1),
                "partner_ids": [Command.set(cust["met"].ids)],
            }
        )
        # a note on an opportunity of the customer
        lead = self.env["crm.lead"].create(
            {"name": "Deal", "partner_id": cust["lead"].id, "company_id": self.company_a.id, "type": "opportunity"}
        )
        lead.message_post(body="Sent the offer", message_type="comment", subtype_xmlid="mail.mt_comment")
        # an automatic outgoing e-mail (a greeting, a mailing) is not a contact
        self.env["mail.mail"].create(
            {"model": "res.partner", "res_id": cust["mailed"].id, "body_html": "Hi", "subject": "Promo"}
        )

        rule = self._rule()
        created = rule._run(today=self.today)

        activities = self.env["mail.activity"].search([("crm_care_rule_id", "=", rule.id)])
        self.assertEqual(created, 2)
        self.assertEqual(sorted(activities.mapped("res_id")), sorted([cust["quiet"].id, cust["mailed"].id]))
        activity = activities.filtered(lambda a: a.res_id == cust["quiet"].id)
        self.assertEqual(
            (activity.user_id, activity.date_deadline, activity.summary, activity.activity_type_id),
            (self.salesman, self.today + timedelta(days=3), rule.name, self.care_type),
        )
        log = self.env["crm.care.log"].search([("rule_id", "=", rule.id), ("partner_id", "=", cust["quiet"].id)])
        self.assertEqual((log.origin, log.activity_id, log.user_id), ("rule", activity, self.salesman))
        self.assertEqual((rule.last_run_count, rule.activity_count), (2, 2))

        # never a second open activity of the rule for a customer
        self.assertEqual(rule._run(today=self.today), 0)
        self.assertEqual(self.env["mail.activity"].search_count([("crm_care_rule_id", "=", rule.id)]), 2)
        # done: that is a contact, nothing new
        activity.action_feedback(feedback="Called")
        self.assertEqual(rule._run(today=self.today), 0)
        # within one day: only the meeting of five days ago and the outgoing e-mail are not contacts
        short = self._rule(name="Short", days_without_contact=1)
        short._run(today=self.today)
        self.assertEqual(
            sorted(self.env["mail.activity"].search([("crm_care_rule_id", "=", short.id)]).mapped("res_id")),
            sorted([cust["met"].id, cust["mailed"].id]),
        )

    def test_rule_filters_and_responsible(self):
        cust = self.cust
        rule = self._rule(value_level_ids=[Command.set(self.level_b.ids)])
        rule._run(today=self.today)
        self.assertEqual(
            self.env["mail.activity"].search([("crm_care_rule_id", "=", rule.id)]).mapped("res_id"),
            cust["level_b"].ids,
        )
        tag = self.env["res.partner.category"].create({"name": "VIP"})
        cust["quiet"].category_id = tag
        rule = self._rule(name="VIP", category_ids=[Command.set(tag.ids)], responsible="user", user_id=self.manager.id)
        self.assertEqual(rule._run(today=self.today), 1)
        activity = self.env["mail.activity"].search([("crm_care_rule_id", "=", rule.id)])
        self.assertEqual((activity.res_id, activity.user_id), (cust["quiet"].id, self.manager))
        # customers without a salesperson go to the default care responsible, or are skipped
        cust["quiet"].user_id = False
        rule = self._rule(name="No salesperson", category_ids=[Command.set(tag.ids)])
        with self.assertLogs(RULE_LOGGER, logging.INFO) as log_catcher:
            self.assertEqual(rule._run(today=self.today), 0)
        self.assertTrue(any("1 customer(s) skipped" in line for line in log_catcher.output))
        self.company_a.crm_care_user_id = self.salesman_2
        self.assertEqual(rule._run(today=self.today), 1)
        activity = self.env["mail.activity"].search([("crm_care_rule_id", "=", rule.id)])
        self.assertEqual(activity.user_id, self.salesman_2)

    def test_failing_rule_does_not_stop_the_job(self):
        """A rule that fails is rolled back and logged; the job runs the others."""
        failing = self._rule(name="Failing rule", sequence=1)
        working = self._rule(name="Working rule", sequence=2)
        Rule = type(self.env["crm.care.rule"])
        run_batch = Rule._run_batch

        def run_or_fail(rule, today, batch_size):
            count = run_batch(rule, today, batch_size)  # its activities are rolled back with it
            if rule == failing:
                raise ValueError("broken rule")
            return count

        with patch.object(Rule, "_run_batch", run_or_fail), self.assertLogs(CRON_LOGGER, "ERROR") as logged:
            self.env["crm.care.rule"]._cron_run_rules()
        self.assertIn("broken rule", logged.output[0])
        self.assertFalse(self.env["mail.activity"].search([("crm_care_rule_id", "=", failing.id)]))
        self.assertFalse(failing.last_run)
        self.assertTrue(working.last_run)
        self.assertIn(
            self.cust["quiet"].id,
            self.env["mail.activity"].search([("crm_care_rule_id", "=", working.id)]).mapped("res_id"),
        )
        # the button of a manager still tells the error
        with patch.object(Rule, "_run_batch", run_or_fail), self.assertRaisesRegex(ValueError, "broken rule"):
            failing._run(today=self.today)

    def test_bad_input_refused(self):
        Rule = self.env["crm.care.rule"]
        for days in (-5, 0):
            with self.assertRaises(ValidationError):
                self._rule(name="Bad", days_without_contact=days)
        with self.assertRaises(ValidationError):
            self._rule(name="Bad", deadline_days=-1)
        with self.assertRaises(ValidationError):
            self._rule(name="Bad", responsible="user")
        self.assertFalse(Rule.search([("name", "=", "Bad")]))
        rule = self._rule(name="Good")
        with self.assertRaises(ValidationError):
            rule.days_without_contact = -10
        self.assertEqual(rule.days_without_contact, 60)
        for days in (-1, 366):
            with self.assertRaises(ValidationError):
                self.company_a.crm_care_days_ahead = days
        self.assertEqual(self.company_a.crm_care_days_ahead, 7)

    def test_multi_company(self):
        """A company's rule never touches the customers of another company; a
        level set in company B does not count in company A."""
        shared = self.env["res.partner"].create(
            {"name": "Shared customer", "is_company": True, "customer_rank": 1, "user_id": self.salesman.id}
        )
        # level A in company B's own pyramid, no level in company A
        model_b = self.env["crm.value.model"].create(
            {
                "name": "RFM B",
                "company_id": self.company_b.id,
                "level_ids": [Command.create({"sequence": 1, "code": "A", "name": "Strategic", "min_score": 0})],
            }
        )
        shared.with_company(self.company_b).crm_value_level_id = model_b.level_ids
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE res_partner SET create_date = NOW() - INTERVAL '200 days' WHERE id = %s", shared.id)
        )
        # company B's customer with a level of A (as a migration could leave it)
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET crm_value_level_id = jsonb_build_object(%s, %s) WHERE id = %s",
                str(self.company_a.id),
                self.level_a.id,
                self.cust["company_b"].id,
            )
        )
        rule = self._rule()
        rule._run(today=self.today)
        touched = self.env["mail.activity"].search([("crm_care_rule_id", "=", rule.id)]).mapped("res_id")
        self.assertNotIn(self.cust["company_b"].id, touched)
        self.assertNotIn(shared.id, touched)
        self.assertIn(self.cust["quiet"].id, touched)
        # a rule without level filter takes the shared customer, not company B's
        rule_all = self._rule(name="All", value_level_ids=[Command.clear()])
        rule_all._run(today=self.today)
        touched = self.env["mail.activity"].search([("crm_care_rule_id", "=", rule_all.id)]).mapped("res_id")
        self.assertIn(shared.id, touched)
        self.assertNotIn(self.cust["company_b"].id, touched)
        # users of company B do not see company A's rules
        with self.assertRaises(AccessError):
            rule.with_user(self.salesman_b).read(["name"])

    def test_days_ahead_per_company(self):
        customer_b = self.env["res.partner"].create(
            {"name": "B Customer", "is_company": True, "company_id": self.company_b.id, "user_id": self.salesman_b.id}
        )
        contact_b = self.env["res.partner"].create(
            {"name": "B Contact", "parent_id": customer_b.id, "crm_care_target": True}
        )
        event_a = self._event(self.contact, date(1980, 6, 15))  # D + 5, company A: 7 days ahead
        event_b_far = self._event(contact_b, date(1980, 6, 15))  # D + 5, company B: 2 days ahead
        event_b_near = self._event(contact_b, date(1980, 6, 12), event_type=self.anniversary)  # D + 2
        self.assertEqual((event_b_far.company_id, event_a.company_id), (self.company_b, self.company_a))
        logs = self._run_events()
        self.assertEqual(logs.event_id, event_a | event_b_near)
        self.assertEqual(logs.filtered(lambda log: log.event_id == event_b_near).user_id, self.salesman_b)
        # only the companies asked for
        self.assertFalse(self._run_events(today=D + timedelta(days=3), companies=self.company_a))
        self.assertEqual(self._run_events(today=D + timedelta(days=3), companies=self.company_b).event_id, event_b_far)
        # a user of company B does not see company A's events and log
        self.assertFalse(self.env["crm.care.event"].with_user(self.salesman_b).search([("id", "=", event_a.id)]))
        self.assertFalse(self.env["crm.care.log"].with_user(self.salesman_b).search([("event_id", "=", event_a.id)]))
        # an event's company must match its contact's
        with self.assertRaises(ValidationError):
            self._event(contact_b, date(1980, 1, 1), company_id=self.company_a.id)


@tagged("post_install", "-at_install")
class TestCareAccess(CareCommon):
    def test_contact_form_tab(self):
        """A salesperson ticks the flags and adds a birthday on the contact form."""
        with Form(self.contact.with_user(self.salesman)) as form:
            form.crm_promotion_target = True
            with form.crm_care_event_ids.new() as line:
                line.type_id = self.birthday
                line.date = date(1982, 6, 16)
                self.assertTrue(line.recurring)
        event = self.contact.crm_care_event_ids
        self.assertEqual(
            (event.type_id, event.company_id, event.user_id), (self.birthday, self.company_a, self.salesman)
        )
        self.assertTrue(self.contact.crm_promotion_target)
        self.assertEqual(self._run_events().event_id, event)

    def test_salesperson_access(self):
        own = self._event(self.contact, date(1980, 6, 12))
        other = self._event(self.contact_2, date(1980, 6, 13))
        Event = self.env["crm.care.event"].with_user(self.salesman)
        # sees the events of its own customers only
        self.assertEqual(Event.search([("id", "in", (own | other).ids)]), own)
        with self.assertRaises(AccessError):
            other.with_user(self.salesman).read(["date"])
        # records the birthday of a contact of its customer
        new_contact = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Wang Qiang", "parent_id": self.customer.id, "crm_care_target": True})
        )
        event = Event.create({"partner_id": new_contact.id, "type_id": self.birthday.id, "date": "1975-06-14"})
        self.assertEqual((event.user_id, event.company_id), (self.salesman, self.company_a))
        event.write({"note": "Fan of football"})
        # but not for another salesperson's customer
        with self.assertRaises(AccessError):
            Event.create({"partner_id": self.contact_2.id, "type_id": self.birthday.id, "date": "1975-06-14"})
        # the care log of its own customers, and its activities
        logs = self._run_events()
        self.assertEqual(len(logs), 3)
        Log = self.env["crm.care.log"].with_user(self.salesman)
        self.assertEqual(Log.search([("id", "in", logs.ids)]).event_id, own | event)
        activities = self.env["mail.activity"].with_user(self.salesman).search([("user_id", "=", self.salesman.id)])
        self.assertEqual(len(activities), 2)
        # managers configure; salespeople only read
        with self.assertRaises(AccessError):
            self.env["crm.care.rule"].with_user(self.salesman).create({"name": "Mine", "company_id": self.company_a.id})
        with self.assertRaises(AccessError):
            self.birthday.with_user(self.salesman).write({"send_mail": True})
        with self.assertRaises(AccessError):
            Log.browse(logs[:1].ids).unlink()
        rule = (
            self.env["crm.care.rule"]
            .with_user(self.manager)
            .create({"name": "Manager rule", "company_id": self.company_a.id, "days_without_contact": 30})
        )
        with self.assertRaises(AccessError):
            rule.with_user(self.salesman).action_run()
        rule.with_user(self.manager).action_run()
        self.assertTrue(rule.last_run)
        # the salesperson who sees all documents sees every event
        self.salesman.groups_id |= self.env.ref("sales_team.group_sale_salesman_all_leads")
        self.assertEqual(Event.search([("id", "in", (own | other).ids)]), own | other)


@tagged("post_install", "-at_install")
class TestContactFlags(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.company = Partner.create({"name": "Flags Co", "is_company": True})
        cls.other_company = Partner.create({"name": "Flags Other Co", "is_company": True})
        cls.c1, cls.c2, cls.c3 = Partner.create(
            [{"name": f"Flag contact {i}", "parent_id": cls.company.id} for i in range(1, 4)]
        )

    def test_one_main_contact_per_company(self):
        self.c1.crm_main_contact = True
        self.c2.crm_main_contact = True
        self.assertEqual((self.c1.crm_main_contact, self.c2.crm_main_contact), (False, True))
        c4 = self.env["res.partner"].create(
            {"name": "New main", "parent_id": self.company.id, "crm_main_contact": True}
        )
        self.assertFalse(self.c2.crm_main_contact)
        self.assertTrue(c4.crm_main_contact)
        # two at once is refused, and nothing changes
        with self.assertRaises(ValidationError):
            (self.c1 | self.c3).write({"crm_main_contact": True})
        self.assertTrue(c4.crm_main_contact)
        self.assertFalse(self.c1.crm_main_contact or self.c3.crm_main_contact)
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create(
                [
                    {"name": "Main 1", "parent_id": self.company.id, "crm_main_contact": True},
                    {"name": "Main 2", "parent_id": self.company.id, "crm_main_contact": True},
                ]
            )
        # contacts of another company are not touched
        other_main = self.env["res.partner"].create(
            {"name": "Other main", "parent_id": self.other_company.id, "crm_main_contact": True}
        )
        self.assertTrue(c4.crm_main_contact and other_main.crm_main_contact)
        # a main contact moved to another company loses the flag
        c4.parent_id = self.other_company
        self.assertFalse(c4.crm_main_contact)
        self.assertTrue(other_main.crm_main_contact)
        # moved with the flag: it becomes the new company's main contact
        self.c1.write({"parent_id": self.other_company.id, "crm_main_contact": True})
        self.assertTrue(self.c1.crm_main_contact)
        self.assertFalse(other_main.crm_main_contact)
        # only contacts of a company
        with self.assertRaises(ValidationError):
            self.company.crm_main_contact = True

    def test_flags_filter_partners(self):
        self.c1.write({"crm_promotion_target": True, "crm_care_target": True})
        self.c2.write({"crm_collection_contact": True})
        Partner = self.env["res.partner"]
        scope = [("parent_id", "=", self.company.id)]
        self.assertEqual(Partner.search(scope + [("crm_promotion_target", "=", True)]), self.c1)
        self.assertEqual(Partner.search(scope + [("crm_care_target", "=", True)]), self.c1)
        self.assertEqual(Partner.search(scope + [("crm_collection_contact", "=", True)]), self.c2)
        # the filters of the contact search view
        arch = Partner.get_view(view_type="search")["arch"]
        for name in ("crm_main_contact", "crm_promotion_target", "crm_care_target", "crm_collection_contact"):
            self.assertIn(f'name="{name}"', arch)
