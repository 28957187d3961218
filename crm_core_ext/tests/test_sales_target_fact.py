from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from . import test_sales_target


@tagged("post_install", "-at_install")
class TestSalesTargetFact(test_sales_target.TestSalesTarget):
    """The actuals read the stored sales facts (crm.sales.target.fact): they
    must equal the sums of the order and invoice lines themselves, and
    follow every change of the documents. Same dataset as TestSalesTarget
    (whose own tests run there only)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Fact = cls.env["crm.sales.target.fact"]
        # more patterns of dimensions than the plan's: team + salesperson, customer + category, ...
        cls.plan_b = cls.Target.with_company(cls.company_b).create(
            {
                "name": "Plan B",
                "company_id": cls.company_b.id,
                "year": 2024,
                "line_ids": [Command.create({"target_amount": 100})],
            }
        )
        cls.order_b = cls._order(
            cls.cust2, cls.salesman_b, None, [(cls.p_other, 2, 30)], datetime(2024, 3, 1, 8, 0), company=cls.company_b
        )
        cls.extra = test_sales_target.TestSalesTarget._month_plan(
            cls,
            "Extra",
            2024,
            3,
            [
                Command.create({"team_id": cls.team_b.id, "user_id": cls.a2.id, "target_amount": 10}),
                Command.create({"partner_id": cls.cust2.id, "categ_id": cls.categ_other.id, "target_amount": 10}),
                Command.create({"team_id": cls.team_a.id, "categ_id": cls.categ_parent.id, "target_amount": 10}),
                Command.create({"user_id": cls.a1.id, "partner_id": cls.cust2.id, "target_qty": 3}),
            ],
        )

    def _all_lines(self):
        return self.plan.line_ids | self.plan_b.line_ids | self.extra.line_ids

    def _from_documents(self, lines):
        """The sums per line added up from the order and invoice lines
        themselves (the computation before the stored facts)."""
        Line = self.env["crm.sales.target.line"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT f.line_id, f.kind, SUM(f.amount), SUM(f.qty), SUM(f.n)
                  FROM (%s) f
              GROUP BY f.line_id, f.kind
                """,
                Line._facts_sql(lines.ids, aggregate=True, from_documents=True),
            )
        )
        return {(line_id, kind): (amount, qty, n) for line_id, kind, amount, qty, n in self.env.cr.fetchall()}

    def _from_facts(self, lines):
        Line = self.env["crm.sales.target.line"]
        self.Fact._flush_pending()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT f.line_id, f.kind, SUM(f.amount), SUM(f.qty), SUM(f.n)
                  FROM (%s) f
              GROUP BY f.line_id, f.kind
                """,
                Line._facts_sql(lines.ids, aggregate=True),
            )
        )
        return {(line_id, kind): (amount, qty, n) for line_id, kind, amount, qty, n in self.env.cr.fetchall()}

    def assertFactsAgree(self, lines=None):
        lines = lines or self._all_lines()
        stored, documents = self._from_facts(lines), self._from_documents(lines)
        self.assertEqual(set(stored), set(documents))
        for key, (amount, qty, n) in documents.items():
            self.assertAlmostEqual(stored[key][0], amount, places=6, msg=key)
            self.assertAlmostEqual(stored[key][1], qty, places=6, msg=key)
            self.assertEqual(stored[key][2], n, msg=key)
        return stored

    # ------------------------------------------------------------------
    # correctness
    # ------------------------------------------------------------------

    def test_facts_agree_with_documents(self):
        """Orders, invoices, a credit note, a second currency, draft and
        cancelled documents, two companies, every pattern of dimensions: the
        stored facts give the sums of the document lines."""
        stored = self.assertFactsAgree()
        self.assertAlmostEqual(stored[(self.l_all.id, "order")][0], 850)
        self.assertAlmostEqual(stored[(self.l_all.id, "invoice")][0], 300)
        self.assertAlmostEqual(stored[(self.plan_b.line_ids.id, "order")][0], 60)
        # one fact per document and category: o1 has a child and an other line
        self.assertEqual(len(self.Fact.search([("order_id", "=", self.o1.id)])), 2)

    def test_facts_follow_orders(self):
        """Confirm, edit, cancel and reset an order as the salesperson: the
        facts follow at once."""
        order = self._order(
            self.cust2, self.a1, self.team_a, [(self.p_other, 2, 10)], datetime(2024, 5, 2, 9, 0), confirm=False
        )
        order = order.with_user(self.a1)
        self.assertEqual(self._actuals(self.l_a1)[0], 350)
        order.action_confirm()
        order.date_order = datetime(2024, 5, 2, 9, 0)
        self.assertEqual(self._actuals(self.l_a1)[0], 370)
        order.order_line.write({"product_uom_qty": 5, "price_unit": 10})
        self.assertEqual(self._actuals(self.l_a1)[0], 400)
        order.order_line = [Command.create({"product_id": self.p_child.id, "product_uom_qty": 1, "price_unit": 7})]
        self.assertEqual(self._actuals(self.l_a1)[0], 407)
        self.assertAlmostEqual(self._actuals(self.l_child)[0], 707)
        order.with_user(self.manager).user_id = self.a2
        self.assertEqual(self._actuals(self.l_a1)[0], 350)
        order.with_user(self.manager).user_id = self.a1
        order._action_cancel()
        self.assertEqual(self._actuals(self.l_a1)[0], 350)
        self.assertFalse(self.Fact.sudo().search([("order_id", "=", order.id)]))
        order.action_draft()
        order.action_confirm()
        order.date_order = datetime(2024, 5, 2, 9, 0)
        self.assertEqual(self._actuals(self.l_a1)[0], 407)
        self.assertFactsAgree()

    def test_facts_follow_invoices(self):
        """Post, reset to draft, cancel an invoice; a credit note counts
        negative."""
        move = self._invoice(self.cust2, self.a1, self.team_a, [(self.p_other, 3, 10)], date(2024, 5, 3), post=False)
        self.assertEqual(self._actuals(self.l_a1)[1], 150)
        move.action_post()
        self.assertEqual(self._actuals(self.l_a1)[1], 180)
        move.button_draft()
        self.assertEqual(self._actuals(self.l_a1)[1], 150)
        move.invoice_line_ids.quantity = 4
        move.action_post()
        self.assertEqual(self._actuals(self.l_a1)[1], 190)
        refund = self._invoice(
            self.cust2, self.a1, self.team_a, [(self.p_other, 1, 10)], date(2024, 5, 4), move_type="out_refund"
        )
        self.assertEqual(self._actuals(self.l_a1)[1], 180)
        self.assertEqual(self._actuals(self.l_a1)[4], 2 + 4 - 1)
        (move | refund).button_draft()
        (move | refund).button_cancel()
        self.assertEqual(self._actuals(self.l_a1)[1], 150)
        self.assertFalse(self.Fact.search([("move_id", "in", (move | refund).ids)]))
        self.assertFactsAgree()

    def test_facts_follow_master_data(self):
        """A product moved to another category, a contact moved to another
        customer: the documents count where they now belong."""
        self.assertAlmostEqual(self._actuals(self.l_other)[0], 150)
        self.p_other.categ_id = self.categ_child
        self.assertAlmostEqual(self._actuals(self.l_other)[0], 0)
        self.assertAlmostEqual(self._actuals(self.l_child)[0], 850)
        self.assertEqual(self._actuals(self.l_cust1)[:2], (450, 150))
        self.cust1_contact.parent_id = self.cust2
        self.assertAlmostEqual(self._actuals(self.l_cust1)[0], 200)  # o1 now counts for cust2
        self.assertFactsAgree()

    def test_rebuild(self):
        """The nightly job and the administrators' action rebuild facts lost
        outside the ORM; salespeople cannot run it or read the facts."""
        expected = self._from_facts(self._all_lines())
        self.env.cr.execute("DELETE FROM crm_sales_target_fact")
        self.Fact.invalidate_model()
        self.assertNotEqual(self._from_facts(self._all_lines()), expected)
        with self.assertRaises(AccessError):
            self.Fact.with_user(self.a1).action_rebuild()
        with self.assertRaises(AccessError):
            self.Fact.with_user(self.a1).search([])
        self.Fact.with_user(self.manager).action_rebuild()
        # the manager's company only
        self.assertFalse(self.Fact.search([("company_id", "=", self.company_b.id)]))
        self.Fact._cron_rebuild()
        self.assertEqual(self._from_facts(self._all_lines()), expected)
        # each company's facts to its users only
        facts = self.Fact.with_user(self.manager).search([])
        self.assertTrue(facts)
        self.assertEqual(facts.company_id, self.company)
        self.assertEqual(self.Fact.with_user(self.manager).search_count([("order_id", "=", self.order_b.id)]), 0)

    def test_refresh_query_count_constant(self):
        """Refreshing the facts after a confirmation or a posting costs the
        same queries for 1 document of 1 line as for 10 documents of 20
        lines."""
        at = datetime(2024, 6, 1, 9, 0)
        small = self._order(self.cust2, self.a1, self.team_a, [(self.p_other, 1, 10)], at, confirm=False)
        big = self.env["sale.order"]
        for __ in range(10):
            big |= self._order(
                self.cust2, self.a1, self.team_a, [(self.p_other, 1, 10), (self.p_child, 1, 5)] * 10, at, confirm=False
            )
        small_move = self._invoice(self.cust2, self.a1, self.team_a, [(self.p_other, 1, 10)], date(2024, 6, 1))
        big_moves = self.env["account.move"]
        for __ in range(10):
            big_moves |= self._invoice(
                self.cust2, self.a1, self.team_a, [(self.p_other, 1, 10), (self.p_child, 1, 5)] * 10, date(2024, 6, 1)
            )
        self.Fact._flush_pending()

        def refresh(orders, moves, count):
            orders.action_confirm()
            moves.button_draft()
            moves.action_post()
            self.env.flush_all()
            # one statement per kind of document (counted by hand:
            # assertQueryCount would run the pending refresh before counting)
            queries = self.env.cr.sql_log_count
            self.Fact._flush_pending()
            self.assertEqual(self.env.cr.sql_log_count - queries, count)

        refresh(small, small_move, 2)
        refresh(big, big_moves, 2)
        self.assertEqual(len(self.Fact.search([("order_id", "in", big.ids)])), 20)
        self.assertEqual(sum(self.Fact.search([("move_id", "in", big_moves.ids)]).mapped("line_count")), 200)
        self.assertFactsAgree()
