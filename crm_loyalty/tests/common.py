from contextlib import contextmanager

from odoo import Command, fields
from odoo.tests import new_test_user
from odoo.tools import float_compare

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class LoyaltyCommon(AccountTestInvoicingCommon):
    """A company, a salesperson, a loyalty manager, a customer, products
    without taxes (so that amounts in assertions are the amounts typed), and
    helpers for programs, invoices, payments and orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env,
            login="loyalty_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="loyalty_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "华南电子有限公司", "is_company": True, "email": "hn@example.com"}
        )
        cls.category = cls.env["product.category"].create({"name": "Loyalty Test Category"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Loyalty Product",
                "type": "consu",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "invoice_policy": "order",
                "categ_id": cls.category.id,
            }
        )
        cls.other_product = cls.env["product.product"].create(
            {"name": "Other Product", "type": "consu", "list_price": 50.0, "taxes_id": [Command.clear()]}
        )
        cls.today = fields.Date.today()

    @classmethod
    def _program(cls, moment="invoice", rules=None, company=None, **kw):
        vals = {
            "name": "积分计划",
            "program_type": "loyalty",
            "crm_ledger": True,
            "trigger": "auto",
            "applies_on": "both",
            "company_id": (company or cls.company).id,
            "crm_accrual_moment": moment,
            "rule_ids": [
                Command.create(rule) for rule in (rules or [{"reward_point_mode": "money", "reward_point_amount": 1}])
            ],
            "reward_ids": [
                Command.create(
                    {
                        "reward_type": "discount",
                        "discount": 1,
                        "discount_mode": "per_point",
                        "discount_applicability": "order",
                        "required_points": 100,
                    }
                )
            ],
        }
        vals.update(kw)
        return cls.env["loyalty.program"].with_company(company or cls.company).create(vals)

    @classmethod
    def _invoice(cls, partner, lines, post=True, company=None, move_type="out_invoice", date=None):
        """lines: [(product, qty, price_unit)]"""
        move = (
            cls.env["account.move"]
            .with_company(company or cls.company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": date or cls.today,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": qty,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for product, qty, price in lines
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount=None):
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount if amount is not None else invoice.amount_residual})
        )
        return wizard._create_payments()

    @classmethod
    def _order(cls, partner, lines, company=None):
        return (
            cls.env["sale.order"]
            .with_company(company or cls.company)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "price_unit": price,
                                "tax_id": [Command.clear()],
                            }
                        )
                        for product, qty, price in lines
                    ],
                }
            )
        )

    def _card(self, program, partner=None):
        return self.env["loyalty.card"].search(
            [("program_id", "=", program.id), ("partner_id", "=", (partner or self.customer).id)]
        )

    def _ledger(self, card, **domain):
        return self.env["crm.loyalty.ledger"].search(
            [("card_id", "=", card.id)] + [(k, "=", v) for k, v in domain.items()], order="id"
        )

    @contextmanager
    def assertRaisesMsg(self, exception, pattern):
        """assertRaisesRegex inside a savepoint (Odoo's assertRaises rolls
        back what the failed call wrote, so that the test can check it)."""
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), pattern)

    def assertLedgerBalanced(self, cards):
        """The card's points are the sum of its ledger; what is left in its
        batches is its balance (or zero when the balance is negative)."""
        self.env.invalidate_all()
        for card in cards:
            rows = self.env["crm.loyalty.ledger"].search([("card_id", "=", card.id)])
            self.assertEqual(float_compare(sum(rows.mapped("points")), card.points, 2), 0, "ledger sum = card points")
            remaining = sum(rows.mapped("remaining"))
            self.assertEqual(float_compare(remaining, max(card.points, 0.0), 2), 0, "open batches = balance")
