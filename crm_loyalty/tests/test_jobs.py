from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import LoyaltyCommon

LEDGER_LOGGER = "odoo.addons.crm_loyalty.models.crm_loyalty_ledger"


@tagged("post_install", "-at_install")
class TestLoyaltyJobs(LoyaltyCommon):
    """The expiry warning template must be one of loyalty cards."""

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
