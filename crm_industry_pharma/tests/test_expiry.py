from datetime import timedelta

from odoo.tests import tagged

from .common import PharmaCommon


@tagged("post_install", "-at_install")
class TestLicenceExpiry(PharmaCommon):
    def _activities(self, licence):
        return self.env["mail.activity"].search([("res_model", "=", licence._name), ("res_id", "=", licence.id)])

    def test_activity_before_expiry_once(self):
        self.pharmacy.user_id = self.salesman
        self.licence_gsp.date_end = self.today + timedelta(days=10)
        self.licence_dbl.date_end = self.today + timedelta(days=40)
        self.assertEqual(self.licence_gsp.state, "expiring")
        self.env["crm.pharma.licence"]._cron_expiry_activities()
        activity = self._activities(self.licence_gsp)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.date_deadline, self.licence_gsp.date_end)
        self.assertFalse(self._activities(self.licence_dbl), "40 days ahead is outside the 30-day reminder")
        self.env["crm.pharma.licence"]._cron_expiry_activities()
        self.assertEqual(len(self._activities(self.licence_gsp)), 1, "once per validity end")
        # renewed, then due again: a new reminder
        self.licence_gsp.date_end = self.today + timedelta(days=5)
        self.env["crm.pharma.licence"]._cron_expiry_activities()
        self.assertEqual(len(self._activities(self.licence_gsp)), 2)

    def test_company_setting_and_switch(self):
        self.licence_dbl.date_end = self.today + timedelta(days=40)
        self.company.crm_pharma_expiry_days = 60
        self.env["crm.pharma.licence"]._cron_expiry_activities()
        self.assertEqual(len(self._activities(self.licence_dbl)), 1)
        self.licence_gsp.date_end = self.today + timedelta(days=3)
        self.company.crm_pharma_gsp = False
        self.env["crm.pharma.licence"]._cron_expiry_activities()
        self.assertFalse(self._activities(self.licence_gsp), "no reminders where the GSP checks are off")

    def test_failing_licence_does_not_stop_the_job(self):
        self.licence_gsp.date_end = self.today + timedelta(days=3)
        self.licence_dbl.date_end = self.today + timedelta(days=4)
        Licence = self.env.registry["crm.pharma.licence"]
        original = Licence._plan_expiry_activity
        licence_gsp = self.licence_gsp

        def failing(self):
            if self == licence_gsp:
                raise ValueError("boom")
            return original(self)

        Licence._plan_expiry_activity = failing
        try:
            with self.assertLogs("odoo.addons.crm_core_ext.tools.cron", level="ERROR"):
                self.env["crm.pharma.licence"]._cron_expiry_activities()
        finally:
            Licence._plan_expiry_activity = original
        self.assertFalse(self._activities(self.licence_gsp))
        self.assertFalse(self.licence_gsp.expiry_notified)
        self.assertEqual(len(self._activities(self.licence_dbl)), 1)

    def test_search_by_state(self):
        Licence = self.env["crm.pharma.licence"].with_user(self.salesman)
        self.licence_gsp.date_end = self.today + timedelta(days=10)
        expired = self._licence(
            self.pharmacy,
            self.type_gsp,
            "SH-GSP-OLD",
            date_start=self.today - timedelta(days=800),
            date_end=self.today - timedelta(days=1),
        )
        future = self._licence(self.pharmacy, self.type_gsp, "SH-GSP-NEXT", date_start=self.today + timedelta(days=5))
        mine = [("partner_id", "=", self.pharmacy.id)]
        self.assertEqual(Licence.search([*mine, ("state", "=", "expiring")]), self.licence_gsp)
        self.assertEqual(
            Licence.search([*mine, ("state", "in", ("valid", "expiring"))]), self.licence_dbl | self.licence_gsp
        )
        self.assertEqual(Licence.search([*mine, ("state", "=", "expired")]), expired)
        self.assertEqual(Licence.search([*mine, ("state", "not in", ("valid", "expiring"))]), expired | future)
        self.assertEqual(
            {licence.state for licence in Licence.search(mine)}, {"valid", "expiring", "expired", "future"}
        )
