from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPoolClaimConcurrency(TransactionCase):
    """Two salespeople claim the same pool customer in two real, concurrent
    database transactions: only one gets it, the other a clear error.

    The data is committed (each transaction must see it), and removed after.
    """

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            users = [
                new_test_user(
                    env,
                    login=f"pool_race_{i}",
                    groups="sales_team.group_sale_salesman",
                    company_id=company.id,
                    company_ids=[Command.set(company.ids)],
                )
                for i in range(2)
            ]
            customer = env["res.partner"].create(
                {
                    "name": "Race Pool Customer",
                    "is_company": True,
                    "crm_pool_since": "2024-01-01 00:00:00",
                    "crm_pool_company_id": company.id,
                }
            )
            cr.commit()  # pylint: disable=invalid-commit
        self.data = {"users": [u.id for u in users], "customer": customer.id}
        self.envs = [api.Environment(self.env.registry.cursor(), uid, {}) for uid in self.data["users"]]
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for env in self.envs:
            env.cr.rollback()
            env.cr.close()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["crm.customer.assignment"].search([("partner_id", "=", self.data["customer"])]).unlink()
            env["res.partner"].browse(self.data["customer"]).unlink()
            users = env["res.users"].browse(self.data["users"])
            partners = users.partner_id
            users.unlink()
            partners.unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def test_claim_while_another_claims(self):
        env1, env2 = self.envs
        customer1 = env1["res.partner"].browse(self.data["customer"])
        customer2 = env2["res.partner"].browse(self.data["customer"])
        customer1.action_crm_pool_claim()  # holds the row lock, not committed
        with self.assertRaisesRegex(UserError, "Another salesperson is claiming Race Pool Customer"):
            customer2.action_crm_pool_claim()
        env2.cr.rollback()
        env1.cr.commit()  # pylint: disable=invalid-commit
        env2.invalidate_all()
        with self.assertRaisesRegex(UserError, "no longer in the public pool: pool_race_0"):
            customer2.action_crm_pool_claim()
        env2.cr.rollback()
        self.assertEqual(customer2.user_id.id, self.data["users"][0])
        self.assertEqual(env2["crm.customer.assignment"].search_count([("partner_id", "=", customer2.id)]), 1)

    def test_claim_after_another_committed(self):
        env1, env2 = self.envs
        # transaction 2 takes its snapshot before transaction 1 commits its claim
        env2.cr.execute("SELECT 1")
        env1["res.partner"].browse(self.data["customer"]).action_crm_pool_claim()
        env1.cr.commit()  # pylint: disable=invalid-commit
        with self.assertRaisesRegex(UserError, "was just claimed or changed by someone else"):
            env2["res.partner"].browse(self.data["customer"]).action_crm_pool_claim()
        env2.cr.rollback()
        customer = env2["res.partner"].browse(self.data["customer"])
        self.assertEqual(customer.user_id.id, self.data["users"][0])
