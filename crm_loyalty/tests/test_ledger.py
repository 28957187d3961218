from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyLedger(LoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls._program(moment="invoice", crm_expiry_policy="months", crm_expiry_months=6)
        cls.card = cls.env["loyalty.card"].create({"program_id": cls.program.id, "partner_id": cls.customer.id})
        cls.Ledger = cls.env["crm.loyalty.ledger"]

    def _accrue(self, points, days_ago):
        return self.Ledger._post(
            [
                {
                    "card": self.card,
                    "points": points,
                    "entry_type": "accrual",
                    "date": self.today - timedelta(days=days_ago),
                }
            ]
        )

    def test_batches_expire_per_program_policy(self):
        batch = self._accrue(100, 0)
        self.assertEqual(batch.remaining, 100)
        self.assertEqual(batch.expiry_date, self.today + relativedelta(months=6))
        self.program.crm_expiry_policy = "year_end"
        batch = self._accrue(10, 0)
        self.assertEqual(batch.expiry_date, date(self.today.year, 12, 31))
        self.program.crm_expiry_policy = "never"
        self.assertFalse(self._accrue(10, 0).expiry_date)
        self.assertEqual(self.card.points, 120)
        self.assertLedgerBalanced(self.card)

    def test_redemption_takes_oldest_batches_first(self):
        oldest = self._accrue(50, 30)
        middle = self._accrue(30, 20)
        newest = self._accrue(40, 10)
        redemption = self.Ledger._post([{"card": self.card, "points": -60, "entry_type": "redemption"}])
        self.assertEqual((oldest.remaining, middle.remaining, newest.remaining), (0, 20, 40))
        self.assertEqual(
            sorted((c.batch_id.id, c.points) for c in redemption.consumption_ids),
            sorted([(oldest.id, -50), (middle.id, -10)]),
        )
        self.assertEqual(self.card.points, 60)
        self.assertLedgerBalanced(self.card)

    def test_redemption_beyond_balance_is_refused_and_writes_nothing(self):
        self._accrue(50, 1)
        count = self.Ledger.search_count([("card_id", "=", self.card.id)])
        with self.assertRaisesMsg(UserError, "has 50.0 points; 80.0 points cannot be taken"):
            self.Ledger._post([{"card": self.card, "points": -80, "entry_type": "redemption"}])
        self.assertEqual(self.Ledger.search_count([("card_id", "=", self.card.id)]), count)
        self.assertEqual(self.card.points, 50)

    def test_expiry_job_set_based_with_history(self):
        old = self._accrue(70, 200)  # earned 200 days ago: expired after 6 months
        young = self._accrue(30, 10)
        self.Ledger._post([{"card": self.card, "points": -20, "entry_type": "redemption"}])  # expires `old` first
        self.env.invalidate_all()
        self.assertEqual(self.card.points, 10, "the redemption ran the due expiry first: 70 expired, 20 of 30 used")
        self.assertEqual(old.remaining, 0)
        self.assertEqual(young.remaining, 10)
        expiry = self._ledger(self.card, entry_type="expiry")
        self.assertEqual(expiry.points, -70)
        self.assertEqual(old.expired_on, self.today)
        self.assertEqual(old.expired_points, 70)
        self.assertTrue(self.card.history_ids.filtered(lambda h: h.used == 70 and "expired" in h.description))
        self.assertLedgerBalanced(self.card)

        # the daily job: nothing due today, then the young batch on its day
        self.assertEqual(self.Ledger._expire_batches(card_ids=self.card.ids), 0)
        count = self.Ledger._expire_batches(date=young.expiry_date + timedelta(days=1), card_ids=self.card.ids)
        self.assertEqual(count, 1)
        self.env.invalidate_all()
        self.assertEqual(self.card.points, 0)
        self.assertLedgerBalanced(self.card)

    def test_expiry_notice_mail_once(self):
        self.program.crm_expiry_notice_days = 30
        batch = self._accrue(40, 0)
        batch.sudo().write({"expiry_date": self.today + timedelta(days=10)})
        far = self._accrue(5, 0)
        self.env.flush_all()
        self.Ledger._notify_expiring()
        mail = self.env["mail.mail"].search([("model", "=", "loyalty.card"), ("res_id", "=", self.card.id)])
        self.assertEqual(len(mail), 1)
        self.assertIn("expire soon", mail.subject)
        self.assertIn("40", mail.body_html)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertTrue(batch.expiry_notified)
        self.assertFalse(far.expiry_notified)
        self.Ledger._notify_expiring()
        self.assertEqual(
            self.env["mail.mail"].search_count([("model", "=", "loyalty.card"), ("res_id", "=", self.card.id)]),
            1,
            "a batch is announced once",
        )

    def test_salesperson_cannot_adjust_points(self):
        self._accrue(50, 0)
        card = self.card.with_user(self.salesman)
        with self.assertRaises(AccessError):
            card.points = 500
        with self.assertRaises(AccessError):
            self.env["crm.loyalty.adjust.wizard"].with_user(self.salesman).create(
                {"card_id": self.card.id, "points": 10, "reason": "x"}
            )
        wizard = (
            self.env["loyalty.card.update.balance"]
            .with_user(self.salesman)
            .create({"card_id": self.card.id, "new_balance": 500, "description": "gift"})
        )
        with self.assertRaises(AccessError):
            wizard.action_update_card_point()
        self.assertEqual(self.card.points, 50)
        # and the salesperson reads the ledger, never writes it
        rows = self.Ledger.with_user(self.salesman).search([("card_id", "=", self.card.id)])
        self.assertEqual(len(rows), 1)
        with self.assertRaises(AccessError):
            rows.write({"points": 5000})

    def test_manager_adjusts_with_reason(self):
        self._accrue(50, 0)
        form = Form(
            self.env["crm.loyalty.adjust.wizard"].with_user(self.manager).with_context(default_card_id=self.card.id)
        )
        form.points = -20
        form.reason = "客户投诉补偿冲减"
        form.save().action_apply()
        adjustment = self._ledger(self.card, entry_type="adjustment")
        self.assertEqual(adjustment.points, -20)
        self.assertEqual(adjustment.description, "客户投诉补偿冲减")
        self.assertEqual(adjustment.user_id, self.manager)
        wizard = (
            self.env["crm.loyalty.adjust.wizard"]
            .with_user(self.manager)
            .create({"card_id": self.card.id, "points": -100, "reason": "too much"})
        )
        with self.assertRaisesMsg(UserError, "cannot be taken"):
            wizard.action_apply()
        # the host's "update balance" goes through the ledger too
        self.env["loyalty.card.update.balance"].with_user(self.manager).create(
            {"card_id": self.card.id, "new_balance": 100, "description": "Gift"}
        ).action_update_card_point()
        self.assertEqual(self.card.points, 100)
        self.assertLedgerBalanced(self.card)

    def test_direct_write_and_opening_balance_are_ledgered(self):
        card = self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": self.partner_a.id, "points": 80}
        )
        self.assertEqual(card.points, 80)
        self.assertEqual(self._ledger(card).mapped("points"), [80])
        card.with_user(self.manager).points = 30
        self.assertEqual(self._ledger(card).mapped("points"), [80, -50])
        self.assertLedgerBalanced(card)

    def test_ledger_cannot_be_deleted(self):
        row = self._accrue(5, 0)
        with self.assertRaises(UserError):
            row.unlink()

    def test_bad_program_settings(self):
        with self.assertRaisesMsg(ValidationError, "at least one month"):
            self.program.write({"crm_expiry_policy": "months", "crm_expiry_months": 0})
        self.program.crm_expiry_months = 6
        with self.assertRaisesMsg(ValidationError, "cannot be negative"):
            self.program.crm_expiry_notice_days = -1
