from datetime import timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import PharmaCommon


@tagged("post_install", "-at_install")
class TestAdverseEvent(PharmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vigilance = cls._user("pharma_vigilance", "crm_industry_pharma.crm_industry_pharma_group_pharmacovigilance")
        cls.lot = cls.env["stock.lot"].create({"name": "H2026110", "product_id": cls.amoxicillin.id})
        cls.Event = cls.env["crm.pharma.adverse.event"]

    def _event(self, user=None, **values):
        vals = {
            "product_id": self.amoxicillin.id,
            "lot_id": self.lot.id,
            "reporter_id": self.pharmacy.id,
            "event_date": self.today - timedelta(days=20),
            "awareness_date": self.today - timedelta(days=18),
            "severity": "serious",
        }
        vals.update(values)
        return self.Event.with_user(user or self.vigilance).create(vals)

    def test_deadline_by_severity_and_company_setting(self):
        serious = self._event()
        self.assertTrue(serious.name.startswith("ADR"))
        self.assertEqual(serious.deadline, self.today - timedelta(days=3))
        self.assertTrue(serious.is_overdue)
        general = self._event(severity="general")
        self.assertEqual(general.deadline, self.today + timedelta(days=12))
        self.assertFalse(general.is_overdue)
        death = self._event(severity="death")
        self.assertEqual(death.deadline, serious.deadline)
        self.company.crm_pharma_adr_days_serious = 20
        self.assertEqual(serious.deadline, self.today + timedelta(days=2), "follows the company's setting")
        self.assertEqual(
            self.Event.search([("is_overdue", "=", True), ("id", "in", (serious | general | death).ids)]), self.Event
        )
        with self.assertRaises(ValidationError):
            self.company.crm_pharma_adr_days_general = -1

    def test_overdue_job_flags_once_and_reporting_clears(self):
        event = self._event(user=self.pharma_user, causality="probable")
        self._event(severity="general")  # not due yet
        flagged = self.Event._cron_overdue_activities()
        self.assertEqual(flagged, event)
        activity_type = self.env.ref("crm_industry_pharma.mail_activity_type_adr_overdue")
        self.assertEqual(event.activity_ids.activity_type_id, activity_type)
        self.assertEqual(event.activity_ids.user_id, self.pharma_user)
        self.assertFalse(self.Event._cron_overdue_activities(), "once per report")
        self.assertEqual(len(event.activity_ids), 1)
        event.with_user(self.pharma_user).action_report()
        self.assertEqual(event.state, "reported")
        self.assertEqual(event.report_date, self.today)
        self.assertFalse(event.activity_ids)
        self.assertFalse(event.is_overdue)

    def test_patient_data_for_pharmacovigilance_only(self):
        event = self._event(patient_initials="Z.W.", patient_age=67, patient_gender="male")
        self.assertEqual(event.with_user(self.vigilance).patient_age, 67)
        for user in (self.pharma_user, self.quality_manager):
            with self.subTest(user=user.login):
                as_user = event.with_user(user)
                self.assertEqual(as_user.product_id, self.amoxicillin, "the report itself is visible")
                with self.assertRaises(AccessError):
                    as_user.read(["patient_age"])
                with self.assertRaises(AccessError):
                    as_user.write({"patient_initials": "X"})
        with self.assertRaises(AccessError):
            self.Event.with_user(self.salesman).search([])

    def test_bad_input(self):
        count = self.Event.search_count([])
        for values, word in (
            ({"event_date": self.today + timedelta(days=2)}, "cannot be in the future"),
            ({"awareness_date": self.today - timedelta(days=25)}, "before it happened"),
            ({"patient_age": -3}, "not possible"),
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError) as caught:
                self._event(**values)
            self.assertIn(word, str(caught.exception))
        self.assertEqual(self.Event.search_count([]), count, "nothing saved")
        event = self._event()
        with self.assertRaises(Exception) as caught:
            event.action_report()
        self.assertIn("assess the causality", str(caught.exception))
        self.assertEqual(event.state, "draft")

    def test_multi_company(self):
        other = self.setup_other_company()["company"]
        event = self._event()
        manager_other = self._user(
            "pharma_vigilance_other", "crm_industry_pharma.crm_industry_pharma_group_pharmacovigilance", company=other
        )
        self.assertFalse(self.Event.with_user(manager_other).search([("id", "=", event.id)]))

    def test_counterfeit_report_checks_the_lot(self):
        Report = self.env["crm.pharma.counterfeit.report"].with_user(self.pharma_user)
        known = Report.create({"product_id": self.amoxicillin.id, "lot_name": " H2026110 ", "place": "某县诊所"})
        self.assertTrue(known.name.startswith("FK"))
        self.assertEqual(known.lot_id, self.lot)
        fake = Report.create({"product_id": self.amoxicillin.id, "lot_name": "H1999999", "place": "网店"})
        self.assertFalse(fake.lot_id, "no such lot: a sign of a fake")
        fake.action_investigate()
        fake.action_confirm_fake()
        self.assertEqual(fake.state, "confirmed")
        self.assertEqual(Report.search([("lot_id", "=", False), ("id", "in", (known | fake).ids)]), fake)
        with self.assertRaises(AccessError):
            fake.with_user(self.salesman).read(["place"])
