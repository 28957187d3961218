import psycopg2.errors

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestCreditConcurrency(TransactionCase):
    """Two salespeople confirm orders for one customer in two real, concurrent
    database transactions: together they must not exceed the credit limit.

    The data is committed (each transaction must see it), and removed after.
    """

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            settings = company.read(["account_use_credit_limit", "crm_credit_policy"])[0]
            company.write({"account_use_credit_limit": True, "crm_credit_policy": "block"})
            env = env(context={"allowed_company_ids": company.ids})
            customer = env["res.partner"].create({"name": "Concurrent Customer", "is_company": True})
            customer.with_company(company).credit_limit = 1000.0
            product = env["product.product"].create(
                {"name": "Concurrency Product", "type": "service", "list_price": 600, "taxes_id": [Command.clear()]}
            )
            orders = (
                env["sale.order"]
                .with_company(company)
                .create(
                    [
                        {
                            "partner_id": customer.id,
                            "company_id": company.id,
                            "order_line": [
                                Command.create(
                                    {"product_id": product.id, "price_unit": 600, "tax_id": [Command.clear()]}
                                )
                            ],
                        }
                        for __ in range(2)
                    ]
                )
            )
            cr.commit()  # pylint: disable=invalid-commit
        self.data = {
            "settings": settings,
            "company": company.id,
            "customer": customer.id,
            "product": product.id,
            "orders": orders.ids,
        }
        self.envs = [
            api.Environment(self.env.registry.cursor(), SUPERUSER_ID, {"allowed_company_ids": [company.id]})
            for __ in range(2)
        ]
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for env in self.envs:
            env.cr.rollback()
            env.cr.close()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [self.data["company"]]})
            orders = env["sale.order"].browse(self.data["orders"])
            orders._action_cancel()
            orders.unlink()
            env["product.product"].browse(self.data["product"]).unlink()
            env["res.partner"].browse(self.data["customer"]).unlink()
            settings = dict(self.data["settings"])
            settings.pop("id")
            env["res.company"].browse(self.data["company"]).write(settings)
            cr.commit()  # pylint: disable=invalid-commit

    def test_concurrent_confirmations_cannot_both_pass(self):
        env1, env2 = self.envs
        # transaction 1 starts (takes its snapshot) before transaction 2 commits
        env1.cr.execute("SELECT 1")
        env2["sale.order"].browse(self.data["orders"][0]).action_confirm()
        env2.cr.commit()  # pylint: disable=invalid-commit

        order = env1["sale.order"].browse(self.data["orders"][1])
        with self.assertRaises(psycopg2.errors.SerializationFailure), mute_logger("odoo.sql_db"):
            order.action_confirm()
        env1.cr.rollback()

        # Odoo retries a transaction that failed to serialize: the retry sees
        # the first order and refuses the second.
        env1.invalidate_all()
        with self.assertRaisesRegex(UserError, "would exceed its credit limit"):
            order.action_confirm()
        env1.cr.rollback()
        states = env1["sale.order"].browse(self.data["orders"]).mapped("state")
        self.assertEqual(sorted(states), ["draft", "sale"])
