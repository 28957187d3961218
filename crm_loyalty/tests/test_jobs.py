from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import LoyaltyCommon

CRON_LOGGER = "odoo.addons.crm_core_ext.tools.cron"
LEDGER_LOGGER = "odoo.addons.crm_loyalty.models.crm_loyalty_ledger"


@tagged("post_install", "-at_install")
class TestLoyaltyJobs(LoyaltyCommon):
    """The expiry and tier review jobs: the expiry warning template must be
    one of loyalty cards, and one program that fails does not stop the job
    for the others (it is tried again on the next run)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ledger = cls.env["crm.loyalty.ledger"]
        expiry = {"crm_expiry_policy": "months", "crm_expiry_months": 6, "crm_expiry_notice_days": 30}
        cls.program_a = cls._program(moment="invoice", name="A 积分", **expiry)
        cls.program_b = cls._program(moment="invoice", name="B 积分", **expiry)
        cls.card_a = cls.env["loyalty.card"].create({"program_id": cls.program_a.id, "partner_id": cls.customer.id})
        cls.card_b = cls.env["loyalty.card"].create({"program_id": cls.program_b.id, "partner_id": cls.customer.id})
        cls.partner_template = cls.env["mail.template"].create(
            {
                "name": "Partner template",
                "model_id": cls.env.ref("base.model_res_partner").id,
                "subject": "CRM loyalty partner template",
                "body_html": "<p>{{ object.name }}</p>",
            }
        )

    def _batch(self, card, points, days_ago=0, expires_in=None):
        batch = self.Ledger._post(
            [
                {
                    "card": card,
                    "points": points,
                    "entry_type": "accrual",
                    "date": self.today - timedelta(days=days_ago),
                }
            ]
        )
        if expires_in is not None:
            batch.sudo().write({"expiry_date": self.today + timedelta(days=expires_in)})
        self.env.flush_all()
        return batch

    def _mails(self, card):
        return self.env["mail.mail"].search([("model", "=", "loyalty.card"), ("res_id", "=", card.id)])

    def test_expiry_template_must_be_of_loyalty_cards(self):
        with self.assertRaisesMsg(ValidationError, "Partner template.*loyalty cards"):
            self.program_a.crm_expiry_mail_template_id = self.partner_template
        self.assertFalse(self.program_a.crm_expiry_mail_template_id)
        card_template = self.env.ref("crm_loyalty.mail_template_loyalty_points_expiring").copy()
        self.program_a.crm_expiry_mail_template_id = card_template
        self.assertEqual(self.program_a.crm_expiry_mail_template_id, card_template)

    def test_expiry_job_skips_template_of_another_model(self):
        # set before the check existed, or the template's model changed since
        self.env.cr.execute(
            "UPDATE loyalty_program SET crm_expiry_mail_template_id = %s WHERE id = %s",
            [self.partner_template.id, self.program_a.id],
        )
        self.program_a.invalidate_recordset()
        batch_a = self._batch(self.card_a, 40, expires_in=10)
        batch_b = self._batch(self.card_b, 50, expires_in=10)
        with self.assertLogs(LEDGER_LOGGER, "WARNING") as logs:
            self.Ledger._notify_expiring()
        self.assertIn("Partner template", "\n".join(logs.output))
        self.assertFalse(self.env["mail.mail"].search([("subject", "=", "CRM loyalty partner template")]))
        self.assertFalse(self._mails(self.card_a))
        self.assertFalse(batch_a.expiry_notified, "warned again once the template is fixed")
        self.assertEqual(len(self._mails(self.card_b)), 1)
        self.assertTrue(batch_b.expiry_notified)

    def test_expiry_job_goes_on_when_one_program_fails(self):
        broken = self.env["mail.template"].create(
            {
                "name": "Broken expiry warning",
                "model_id": self.env.ref("loyalty.model_loyalty_card").id,
                "subject": "Expiring",
                "body_html": '<p><t t-out="object.crm_no_such_field"/></p>',
            }
        )
        self.program_a.crm_expiry_mail_template_id = broken
        due = self._batch(self.card_b, 70, days_ago=200)  # expired six months after earning
        batch_a = self._batch(self.card_a, 40, expires_in=10)
        batch_b = self._batch(self.card_b, 50, expires_in=10)
        with self.assertLogs(CRON_LOGGER, "ERROR") as logs:
            self.Ledger._cron_expire_points()
        self.assertIn(f"loyalty.program({self.program_a.id},)", "\n".join(logs.output))
        self.env.invalidate_all()
        self.assertEqual(due.remaining, 0, "the expiry itself is done")
        self.assertEqual(due.expired_points, 70)
        self.assertEqual(self.card_b.points, 50)
        self.assertEqual(len(self._mails(self.card_b)), 1, "the other program's customers are warned")
        self.assertTrue(batch_b.expiry_notified)
        self.assertFalse(self._mails(self.card_a))
        self.assertFalse(batch_a.expiry_notified, "tried again on the next run")
        self.assertLedgerBalanced(self.card_a | self.card_b)

    def test_tier_review_goes_on_when_one_program_fails(self):
        for program in (self.program_a, self.program_b):
            program.crm_tier_ids = [
                Command.create({"name": "Silver", "threshold": 100, "multiplier": 1}),
                Command.create({"name": "Gold", "threshold": 100000, "multiplier": 2}),
            ]
        gold_a = self.program_a.crm_tier_ids.filtered(lambda t: t.threshold == 100000)
        gold_b = self.program_b.crm_tier_ids.filtered(lambda t: t.threshold == 100000)
        self.card_a.sudo().crm_tier_id = gold_a
        self.card_b.sudo().crm_tier_id = gold_b
        History = type(self.env["crm.loyalty.tier.history"])
        create = History.create
        card_a = self.card_a

        def failing_create(records, vals_list):
            if any(vals["card_id"] == card_a.id for vals in vals_list):
                raise RuntimeError("tier history of card A cannot be written")
            return create(records, vals_list)

        with patch.object(History, "create", failing_create), self.assertLogs(CRON_LOGGER, "ERROR") as logs:
            self.env["crm.loyalty.tier"]._cron_review_tiers()
        self.assertIn(f"loyalty.program({self.program_a.id},)", "\n".join(logs.output))
        self.env.invalidate_all()
        self.assertFalse(self.card_b.crm_tier_id, "the other program is reviewed: down from gold")
        self.assertEqual(self.card_b.crm_tier_history_ids.direction, "downgrade")
        self.assertEqual(self.card_a.crm_tier_id, gold_a, "rolled back alone, reviewed again next time")
        self.assertFalse(self.card_a.crm_tier_history_ids)
