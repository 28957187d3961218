import psycopg2.errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestLoyaltyConcurrency(TransactionCase):
    """Two redemptions of one card in two real, concurrent transactions:
    together they cannot take more than the balance. The data is committed
    (each transaction must see it) and removed after."""

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "Concurrent Loyalty Customer"})
            program = env["loyalty.program"].create(
                {
                    "name": "Concurrent Program",
                    "program_type": "loyalty",
                    "crm_ledger": True,
                    "crm_accrual_moment": "invoice",
                }
            )
            card = env["loyalty.card"].create({"program_id": program.id, "partner_id": partner.id, "points": 100})
            cr.commit()  # pylint: disable=invalid-commit
        self.data = {"partner": partner.id, "program": program.id, "card": card.id}
        self.envs = [api.Environment(self.env.registry.cursor(), SUPERUSER_ID, {}) for __ in range(2)]
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for env in self.envs:
            env.cr.rollback()
            env.cr.close()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["loyalty.card"].browse(self.data["card"]).unlink()
            program = env["loyalty.program"].browse(self.data["program"])
            program.active = False
            program.unlink()
            env["res.partner"].browse(self.data["partner"]).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def _redeem(self, env, points):
        card = env["loyalty.card"].browse(self.data["card"])
        return env["crm.loyalty.ledger"]._post([{"card": card, "points": -points, "entry_type": "redemption"}])

    def test_two_redemptions_cannot_overdraw(self):
        env1, env2 = self.envs
        env1.cr.execute("SELECT 1")  # transaction 1 takes its snapshot first
        self.assertEqual(env1["loyalty.card"].browse(self.data["card"]).points, 100)
        self._redeem(env2, 80)
        env2.cr.commit()  # pylint: disable=invalid-commit

        # transaction 1 still sees 100 points, but the row lock refuses it
        with self.assertRaises(psycopg2.errors.SerializationFailure), mute_logger("odoo.sql_db"):
            self._redeem(env1, 80)
        env1.cr.rollback()
        # Odoo retries a transaction that failed to serialize: the retry sees 20
        env1.invalidate_all()
        with self.assertRaisesRegex(UserError, "has 20.0 points; 80.0 points cannot be taken"):
            self._redeem(env1, 80)
        env1.cr.rollback()
        card = env1["loyalty.card"].browse(self.data["card"])
        self.assertEqual(card.points, 20)
        rows = env1["crm.loyalty.ledger"].search([("card_id", "=", card.id)])
        self.assertEqual(sum(rows.mapped("points")), 20)
        self.assertEqual(sum(rows.mapped("remaining")), 20)

    def test_second_redemption_waits_for_the_first(self):
        """With the first transaction still open, the second one blocks on the
        card's row lock (it does not read a stale balance)."""
        env1, env2 = self.envs
        self._redeem(env1, 60)
        env2.cr.execute("SET LOCAL lock_timeout = '200ms'")
        with self.assertRaises(psycopg2.errors.LockNotAvailable), mute_logger("odoo.sql_db"):
            self._redeem(env2, 60)
        env2.cr.rollback()
        env1.cr.commit()  # pylint: disable=invalid-commit
        env2.invalidate_all()
        with self.assertRaisesRegex(UserError, "has 40.0 points"):
            self._redeem(env2, 60)
