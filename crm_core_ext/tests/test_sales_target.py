import contextlib
from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestSalesTarget(AccountTestInvoicingCommon):
    """Sales plans (销售计划) against a hand-built dataset of 2024 in company A.

    Untaxed amounts; company currency C, a second currency X at 2 X = 1 C.

    ==========  ============  ======  =======  ==================================  =======
    document    customer      user    team     lines (product qty x price)          amount
    ==========  ============  ======  =======  ==================================  =======
    order o1    cust1 contact a1      team_a   child 2 x 100, other 1 x 50             250
    order o2    cust2         a2      team_a   child 3 x 100                           300
    order o3    cust2         a1      team_b   other 4 x 25                            100
    order o4    cust1         a2      team_b   child 1 x 400 X                    200 (C)
    draft, cancelled and 2023 orders: never counted
    invoice i1  cust1 contact a1      team_a   child 2 x 100, other 1 x 50             250
    refund r1   cust1         a1      team_a   child 1 x 100                          -100
    invoice i3  cust2         a2      team_b   child 1 x 300 X                    150 (C)
    draft invoice: never counted
    opp ld1     cust1 contact a1      team_a   expected 10000 x 30 %                  3000
    opp ld2     cust2         a2      team_a   expected 5000 x 50 %                   2500
    won, lost, lead (not opportunity), closing in 2025: never counted
    ==========  ============  ======  =======  ==================================  =======

    "child" is in category child (under parent), "other" in category other.
    Orders are dated 2024-03-15, invoices 2024-04-10, opportunities close on 2024-06-30.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_b = cls.setup_other_company(name="Target Co B")["company"]
        code = "EUR" if cls.company.currency_id.name != "EUR" else "USD"
        cls.other_currency = cls.setup_other_currency(code, rates=[("2023-01-01", 2.0)])
        cls.pricelist_other = cls.env["product.pricelist"].create(
            {"name": "Other currency", "currency_id": cls.other_currency.id, "company_id": cls.company.id}
        )

        def user(login, groups, company=cls.company):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.a1 = user("target_a1", "sales_team.group_sale_salesman")
        cls.a2 = user("target_a2", "sales_team.group_sale_salesman")
        cls.leader = user("target_leader", "sales_team.group_sale_salesman")
        cls.all_docs = user("target_all_docs", "sales_team.group_sale_salesman_all_leads")
        cls.manager = user("target_manager", "sales_team.group_sale_manager")
        cls.salesman_b = user("target_b", "sales_team.group_sale_salesman", cls.company_b)
        Team = cls.env["crm.team"]
        cls.team_a = Team.create(
            {"name": "Team A", "company_id": cls.company.id, "member_ids": [Command.set((cls.a1 | cls.a2).ids)]}
        )
        cls.team_b = Team.create(
            {
                "name": "Team B",
                "company_id": cls.company.id,
                "user_id": cls.leader.id,
                "member_ids": [Command.set(cls.leader.ids)],
            }
        )
        Category = cls.env["product.category"]
        cls.categ_parent = Category.create({"name": "Target parent"})
        cls.categ_child = Category.create({"name": "Target child", "parent_id": cls.categ_parent.id})
        cls.categ_other = Category.create({"name": "Target other"})

        def product(name, categ):
            return cls.env["product.product"].create(
                {
                    "name": name,
                    "type": "consu",
                    "categ_id": categ.id,
                    "list_price": 100.0,
                    "taxes_id": [Command.clear()],
                    "invoice_policy": "order",
                }
            )

        cls.p_child = product("Target child product", cls.categ_child)
        cls.p_other = product("Target other product", cls.categ_other)
        Partner = cls.env["res.partner"]
        cls.cust1 = Partner.create({"name": "华北机械有限公司", "is_company": True})
        cls.cust1_contact = Partner.create({"name": "李娜", "parent_id": cls.cust1.id})
        cls.cust2 = Partner.create({"name": "华南贸易有限公司", "is_company": True})

        at = datetime(2024, 3, 15, 10, 0)
        cls.o1 = cls._order(cls.cust1_contact, cls.a1, cls.team_a, [(cls.p_child, 2, 100), (cls.p_other, 1, 50)], at)
        cls.o2 = cls._order(cls.cust2, cls.a2, cls.team_a, [(cls.p_child, 3, 100)], at)
        cls.o3 = cls._order(cls.cust2, cls.a1, cls.team_b, [(cls.p_other, 4, 25)], at)
        cls.o4 = cls._order(cls.cust1, cls.a2, cls.team_b, [(cls.p_child, 1, 400)], at, pricelist=cls.pricelist_other)
        cls._order(cls.cust1, cls.a1, cls.team_a, [(cls.p_child, 10, 1000)], at, confirm=False)
        cls._order(cls.cust1, cls.a1, cls.team_a, [(cls.p_child, 7, 1000)], at)._action_cancel()
        cls._order(cls.cust1, cls.a1, cls.team_a, [(cls.p_child, 1, 5000)], datetime(2023, 12, 31, 10, 0))

        day = date(2024, 4, 10)
        cls._invoice(cls.cust1_contact, cls.a1, cls.team_a, [(cls.p_child, 2, 100), (cls.p_other, 1, 50)], day)
        cls._invoice(cls.cust1, cls.a1, cls.team_a, [(cls.p_child, 1, 100)], day, move_type="out_refund")
        cls._invoice(cls.cust2, cls.a2, cls.team_b, [(cls.p_child, 1, 300)], day, currency=cls.other_currency)
        cls._invoice(cls.cust1, cls.a1, cls.team_a, [(cls.p_child, 5, 1000)], day, post=False)

        deadline = date(2024, 6, 30)
        cls._opportunity(cls.cust1_contact, cls.a1, cls.team_a, 10000, 30, deadline)
        cls._opportunity(cls.cust2, cls.a2, cls.team_a, 5000, 50, deadline)
        cls._opportunity(cls.cust1, cls.a1, cls.team_a, 8000, 60, deadline).action_set_won()
        cls._opportunity(cls.cust1, cls.a1, cls.team_a, 6000, 40, deadline).action_set_lost()
        cls._opportunity(cls.cust1, cls.a1, cls.team_a, 7000, 10, deadline, kind="lead")
        cls._opportunity(cls.cust1, cls.a1, cls.team_a, 9000, 90, date(2025, 1, 1))

        cls.Target = cls.env["crm.sales.target"]
        cls.plan = cls.Target.create(
            {
                "name": "Plan 2024",
                "period_type": "year",
                "year": 2024,
                "line_ids": [
                    Command.create({"target_amount": 1000, "target_qty": 20}),
                    Command.create({"team_id": cls.team_a.id, "target_amount": 1100}),
                    Command.create({"user_id": cls.a1.id, "target_amount": 700, "target_qty": 14}),
                    Command.create({"categ_id": cls.categ_parent.id, "target_amount": 1400}),
                    Command.create({"categ_id": cls.categ_child.id, "target_amount": 700}),
                    Command.create({"categ_id": cls.categ_other.id, "target_amount": 300}),
                    Command.create({"partner_id": cls.cust1.id, "target_amount": 900}),
                    Command.create(
                        {
                            "team_id": cls.team_a.id,
                            "user_id": cls.a1.id,
                            "categ_id": cls.categ_parent.id,
                            "partner_id": cls.cust1.id,
                            "target_amount": 400,
                            "target_qty": 4,
                        }
                    ),
                ],
            }
        )
        (
            cls.l_all,
            cls.l_team_a,
            cls.l_a1,
            cls.l_parent,
            cls.l_child,
            cls.l_other,
            cls.l_cust1,
            cls.l_combo,
        ) = cls.plan.line_ids.sorted("id")

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    @classmethod
    def _order(cls, partner, user, team, lines, date_order, pricelist=None, confirm=True, company=None):
        company = company or cls.company
        vals = {
            "partner_id": partner.id,
            "user_id": user.id,
            "team_id": team.id if team else False,
            "company_id": company.id,
            "order_line": [
                Command.create(
                    {"product_id": product.id, "product_uom_qty": qty, "price_unit": price, "tax_id": [Command.clear()]}
                )
                for product, qty, price in lines
            ],
        }
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        order = cls.env["sale.order"].with_company(company).create(vals)
        if confirm:
            order.action_confirm()
        order.date_order = date_order  # confirmation stamps "now": put the order back in its period
        return order

    @classmethod
    def _invoice(cls, partner, user, team, lines, invoice_date, move_type="out_invoice", currency=None, post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_user_id": user.id,
                "team_id": team.id,
                "currency_id": (currency or cls.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": product.id, "quantity": qty, "price_unit": price, "tax_ids": [Command.clear()]}
                    )
                    for product, qty, price in lines
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _opportunity(cls, partner, user, team, revenue, probability, deadline, kind="opportunity", company=None):
        return cls.env["crm.lead"].create(
            {
                "name": f"Opportunity {revenue}",
                "type": kind,
                "partner_id": partner.id,
                "user_id": user.id,
                "team_id": team.id,
                "company_id": (company or cls.company).id,
                "expected_revenue": revenue,
                "probability": probability,
                "date_deadline": deadline,
            }
        )

    def _actuals(self, line):
        line.invalidate_recordset()
        return (
            line.ordered_amount,
            line.invoiced_amount,
            line.forecast_amount,
            line.ordered_qty,
            line.invoiced_qty,
        )

    def _month_plan(self, name, year, month, lines, **vals):
        return self.Target.create(
            {"name": name, "period_type": "month", "year": year, "month": str(month), "line_ids": lines, **vals}
        )

    # ------------------------------------------------------------------
    # actuals
    # ------------------------------------------------------------------

    def test_plan_period_from_type(self):
        self.assertEqual((self.plan.date_from, self.plan.date_to), (date(2024, 1, 1), date(2024, 12, 31)))
        quarter = self.Target.create({"name": "Q", "period_type": "quarter", "year": 2024, "quarter": "1"})
        self.assertEqual((quarter.date_from, quarter.date_to), (date(2024, 1, 1), date(2024, 3, 31)))
        month = self._month_plan("M", 2024, 2, [])
        self.assertEqual((month.date_from, month.date_to), (date(2024, 2, 1), date(2024, 2, 29)))
        month.month = "4"
        self.assertEqual((month.date_from, month.date_to), (date(2024, 4, 1), date(2024, 4, 30)))
        custom = self.Target.create(
            {"name": "C", "period_type": "custom", "date_from": "2024-02-10", "date_to": "2024-05-20"}
        )
        self.assertEqual((custom.date_from, custom.date_to), (date(2024, 2, 10), date(2024, 5, 20)))

    def test_ordered_by_dimension(self):
        """Confirmed orders only, matched on every dimension set on the line."""
        expected = {
            self.l_all: (850, 11),  # o1..o4; not the draft, cancelled or 2023 orders
            self.l_team_a: (550, 6),  # o1, o2
            self.l_a1: (350, 7),  # o1, o3
            self.l_parent: (700, 6),  # child lines of o1, o2, o4: sub-categories count
            self.l_child: (700, 6),
            self.l_other: (150, 5),  # other lines of o1, o3
            self.l_cust1: (450, 4),  # o1 (to a contact of cust1) and o4
            self.l_combo: (200, 2),  # child line of o1
        }
        for line, (amount, qty) in expected.items():
            ordered, __, __, ordered_qty, __ = self._actuals(line)
            self.assertAlmostEqual(ordered, amount, msg=line.display_name)
            self.assertAlmostEqual(ordered_qty, qty, msg=line.display_name)

    def test_invoiced_by_dimension(self):
        """Posted invoices minus credit notes; drafts never count."""
        expected = {
            self.l_all: (300, 3),
            self.l_team_a: (150, 2),
            self.l_a1: (150, 2),
            self.l_parent: (250, 2),
            self.l_child: (250, 2),
            self.l_other: (50, 1),
            self.l_cust1: (150, 2),
            self.l_combo: (100, 1),  # 200 invoiced, 100 credited
        }
        for line, (amount, qty) in expected.items():
            __, invoiced, __, __, invoiced_qty = self._actuals(line)
            self.assertAlmostEqual(invoiced, amount, msg=line.display_name)
            self.assertAlmostEqual(invoiced_qty, qty, msg=line.display_name)

    def test_second_currency_converted(self):
        """o4 (400 X) and i3 (300 X) count at 2 X = 1 C in the company currency."""
        line_b = self.plan.line_ids.create(
            {"target_id": self.plan.id, "team_id": self.team_b.id, "user_id": self.a2.id}
        )
        ordered, invoiced, __, __, __ = self._actuals(line_b)
        self.assertAlmostEqual(ordered, 200)
        self.assertAlmostEqual(invoiced, 150)

    def test_units_converted_to_product_unit(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        order = self._order(
            self.cust2, self.a1, self.team_b, [(self.p_other, 1, 240)], datetime(2024, 5, 2, 9, 0), confirm=False
        )
        order.order_line.write({"product_uom": dozen.id, "price_unit": 240})
        order.action_confirm()
        order.date_order = datetime(2024, 5, 2, 9, 0)
        self.assertAlmostEqual(self._actuals(self.l_other)[3], 5 + 12)

    def test_forecast(self):
        """Open opportunities: expected revenue x probability; no forecast on category lines."""
        expected = {
            self.l_all: 5500,
            self.l_team_a: 5500,
            self.l_a1: 3000,
            self.l_cust1: 3000,
            self.l_parent: 0,
            self.l_other: 0,
            self.l_combo: 0,
        }
        for line, amount in expected.items():
            self.assertAlmostEqual(self._actuals(line)[2], amount, msg=line.display_name)
        # winning an opportunity takes it out of the forecast
        self.env["crm.lead"].search([("expected_revenue", "=", 10000)]).action_set_won()
        self.assertAlmostEqual(self._actuals(self.l_a1)[2], 0)

    def test_period_boundaries(self):
        jan = self._month_plan("January", 2024, 1, [Command.create({"user_id": self.a2.id, "target_amount": 100})])
        line = jan.line_ids
        self._order(self.cust2, self.a2, self.team_a, [(self.p_other, 1, 10)], datetime(2024, 1, 31, 23, 59, 59))
        self._order(self.cust2, self.a2, self.team_a, [(self.p_other, 1, 20)], datetime(2024, 2, 1, 0, 0, 0))
        self._order(self.cust2, self.a2, self.team_a, [(self.p_other, 1, 40)], datetime(2024, 1, 1, 0, 0, 0))
        self._invoice(self.cust2, self.a2, self.team_a, [(self.p_other, 1, 100)], date(2024, 1, 31))
        self._invoice(self.cust2, self.a2, self.team_a, [(self.p_other, 1, 200)], date(2024, 2, 1))
        self._opportunity(self.cust2, self.a2, self.team_a, 1000, 10, date(2024, 1, 31))
        self._opportunity(self.cust2, self.a2, self.team_a, 2000, 10, date(2024, 2, 1))
        ordered, invoiced, forecast, __, __ = self._actuals(line)
        self.assertEqual((ordered, invoiced, forecast), (50, 100, 100))

        # orders are dated in the company's time zone. In Shanghai (UTC+8):
        # 01-31 23:59:59 UTC is February 1st, 01-01 00:00 UTC still January,
        # and 2023-12-31 16:30 UTC already January 1st.
        self.company.partner_id.tz = "Asia/Shanghai"
        self._order(self.cust2, self.a2, self.team_a, [(self.p_other, 1, 1000)], datetime(2023, 12, 31, 16, 30))
        self._order(self.cust2, self.a2, self.team_a, [(self.p_other, 1, 3000)], datetime(2023, 12, 31, 15, 59))
        self.assertEqual(self._actuals(line)[0], 40 + 1000)

    def test_line_period_within_plan(self):
        """A line with its own dates counts its part of the plan only."""
        march = self.plan.line_ids.create(
            {
                "target_id": self.plan.id,
                "user_id": self.a1.id,
                "team_id": self.team_b.id,
                "date_from": "2024-03-01",
                "date_to": "2024-03-31",
                "target_amount": 50,
            }
        )
        april = march.copy({"date_from": "2024-04-01", "date_to": "2024-04-30"})
        self.assertAlmostEqual(self._actuals(march)[0], 100)  # o3
        self.assertAlmostEqual(self._actuals(april)[0], 0)

    def test_achievement(self):
        self.assertAlmostEqual(self.l_a1.achievement, 50.0)  # 350 ordered / 700
        self.assertAlmostEqual(self.l_a1.achievement_qty, 50.0)  # 7 / 14
        self.assertAlmostEqual(self.l_combo.achievement, 50.0)  # 200 / 400
        self.assertAlmostEqual(self.l_parent.achievement, 50.0)  # 700 / 1400
        self.assertAlmostEqual(self.l_team_a.achievement_qty, 0.0)  # no quantity target
        self.plan.achievement_basis = "invoice"
        self.plan.line_ids.invalidate_recordset()
        self.assertAlmostEqual(self.l_a1.achievement, round(150 / 700 * 100, 1))
        self.assertAlmostEqual(self.l_a1.achievement_qty, round(2 / 14 * 100, 1))
        self.assertAlmostEqual(self.l_combo.achievement, 25.0)

    def test_report_agrees_with_lines(self):
        """The analysis carries the same figures as the lines, one row per fact."""
        Report = self.env["crm.sales.target.report"]
        groups = Report._read_group(
            [("target_id", "=", self.plan.id)],
            ["line_id"],
            [
                "target_amount:sum",
                "ordered_amount:sum",
                "invoiced_amount:sum",
                "forecast_amount:sum",
                "target_qty:sum",
                "ordered_qty:sum",
                "invoiced_qty:sum",
                "achievement:avg",
            ],
        )
        self.assertEqual(len(groups), 8)
        for line, target, ordered, invoiced, forecast, target_qty, ordered_qty, invoiced_qty, achievement in groups:
            self.assertAlmostEqual(target, line.target_amount)
            self.assertAlmostEqual(target_qty, line.target_qty)
            self.assertAlmostEqual(ordered, line.ordered_amount)
            self.assertAlmostEqual(invoiced, line.invoiced_amount)
            self.assertAlmostEqual(forecast, line.forecast_amount)
            self.assertAlmostEqual(ordered_qty, line.ordered_qty)
            self.assertAlmostEqual(invoiced_qty, line.invoiced_qty)
            self.assertAlmostEqual(achievement, line.achievement, places=4)
        # the graph's measure: one amount per row, by type
        by_kind = dict(Report._read_group([("line_id", "=", self.l_a1.id)], ["kind"], ["amount:sum"]))
        self.assertEqual(by_kind, {"target": 700, "order": 350, "invoice": 150, "forecast": 3000})
        rows = Report.search([("line_id", "=", self.l_a1.id), ("kind", "=", "order")])
        self.assertEqual(rows.order_id, self.o1 | self.o3)
        # achievement of a group: its summed achieved amount over its summed target amount
        (ratio,) = Report._read_group(
            [("line_id", "in", (self.l_a1 | self.l_parent | self.l_other).ids)], [], ["achievement:avg"]
        )[0]
        self.assertAlmostEqual(ratio, 100 * (350 + 700 + 150) / (700 + 1400 + 300), places=4)

    def test_report_pivot_by_line_agrees_with_rows(self):
        """Grouped by dimensions of the line only (the pivot by line), the
        analysis adds up one row per (line, kind) instead of one per document:
        same counts and sums as the document rows, same access rules."""
        aggregates = ["__count", "amount:sum", "ordered_amount:sum", "invoiced_qty:sum", "achievement:avg"]
        for user in (self.manager, self.a1):
            Report = self.env["crm.sales.target.report"].with_user(user)
            domain = [("target_id", "=", self.plan.id)]
            summary = Report._read_group(domain, ["line_id", "kind"], aggregates)
            # a condition on the document's date needs the document rows
            rows = Report._read_group(domain + [("date", "!=", False)], ["line_id", "kind"], aggregates)
            self.assertTrue(summary)
            self.assertEqual(len(summary), len(rows))
            for got, expected in zip(summary, rows, strict=True):
                self.assertEqual(got[:3], expected[:3])
                for a, b in zip(got[3:], expected[3:], strict=True):
                    self.assertAlmostEqual(a or 0.0, b or 0.0, places=4)
            self.assertEqual(
                {group[0].id for group in summary},
                set(self.env["crm.sales.target.line"].with_user(user).search([("target_id", "=", self.plan.id)]).ids),
            )

    def test_actuals_query_count_constant(self):
        """Per-line actuals cost the same number of queries for 8 or 39 lines."""
        extra = self._month_plan(
            "Many lines",
            2024,
            3,
            [Command.create({"partner_id": self.cust2.id, "user_id": u.id, "target_amount": 10}) for u in self.a1]
            + [
                Command.create({"categ_id": categ.id, "team_id": team.id, "user_id": u.id, "target_amount": 5})
                for categ in (self.categ_parent, self.categ_child, self.categ_other)
                for team in (self.team_a, self.team_b)
                for u in (self.a1, self.a2, self.leader, self.manager, self.all_docs)
            ],
        )
        Line = self.env["crm.sales.target.line"].with_user(self.manager)
        fields_ = ["ordered_amount", "invoiced_amount", "forecast_amount", "achievement", "achievement_qty"]

        def read(lines, count=True):
            self.env.invalidate_all()
            lines = Line.browse(lines.ids)
            lines.mapped("display_name")  # fetch the lines themselves outside the count
            # actuals (1), plans (1) for the basis, their company and currency (2) for rounding
            with self.assertQueryCount(4) if count else contextlib.nullcontext():
                values = [line[fname] for line in lines for fname in fields_]
            self.assertEqual(len(values), len(lines) * len(fields_))

        small, big = self.plan.line_ids, self.plan.line_ids | extra.line_ids
        self.assertEqual((len(small), len(big)), (8, 39))
        read(small, count=False)  # warm up the caches (access rules, ...)
        read(small, count=False)
        read(small)
        read(big)

    # ------------------------------------------------------------------
    # bad input
    # ------------------------------------------------------------------

    def test_negative_targets_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"), self.cr.savepoint():
            self.Target.create(
                {
                    "name": "Negative",
                    "year": 2030,
                    "line_ids": [
                        Command.create({"user_id": self.a1.id, "target_amount": 10}),
                        Command.create({"user_id": self.a2.id, "target_amount": -5}),
                    ],
                }
            )
        self.assertFalse(self.Target.search([("name", "=", "Negative")]))
        with self.assertRaisesRegex(ValidationError, "cannot be negative"), self.cr.savepoint():
            self.l_a1.target_qty = -1
        self.l_a1.invalidate_recordset()
        self.assertEqual(self.l_a1.target_qty, 14)

    def test_inconsistent_periods_refused(self):
        count = self.Target.search_count([])
        cases = [
            ({"period_type": "month", "year": 2024, "month": "2", "date_from": "2024-02-01", "date_to": "2024-03-31"}),
            ({"period_type": "year", "year": 2024, "date_from": "2024-02-01", "date_to": "2024-12-31"}),
            ({"period_type": "custom", "date_from": "2024-05-01", "date_to": "2024-04-30"}),
            ({"period_type": "custom", "date_from": "2024-05-01"}),
            ({"period_type": "month", "year": 2024}),
            ({"period_type": "quarter", "year": 2024}),
            ({"period_type": "year", "year": 0}),
        ]
        for vals in cases:
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.Target.create({"name": "Bad", **vals})
        self.assertEqual(self.Target.search_count([]), count)

        # line dates: both or none, in order, within the plan
        lines = self.plan.line_ids
        for vals in (
            {"date_from": "2024-03-01"},
            {"date_from": "2024-03-10", "date_to": "2024-03-01"},
            {"date_from": "2023-12-01", "date_to": "2024-01-31"},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                lines.create({"target_id": self.plan.id, "team_id": self.team_b.id, **vals})
        self.assertEqual(self.plan.line_ids, lines)
        # a plan moved to another year would leave its dated lines outside
        self.l_a1.write({"date_from": "2024-01-01", "date_to": "2024-06-30"})
        with self.assertRaisesRegex(ValidationError, "outside the plan"), self.cr.savepoint():
            self.plan.year = 2025
        self.assertEqual(self.plan.date_from, date(2024, 1, 1))

    def test_duplicate_lines_in_plan_refused(self):
        with self.assertRaisesRegex(ValidationError, "same team, salesperson"), self.cr.savepoint():
            self.Target.create(
                {
                    "name": "Twice",
                    "year": 2030,
                    "line_ids": [
                        Command.create({"user_id": self.a1.id, "target_amount": 10}),
                        Command.create({"user_id": self.a1.id, "target_amount": 20}),
                    ],
                }
            )
        self.assertFalse(self.Target.search([("name", "=", "Twice")]))
        # overlapping months of the same dimensions
        with self.assertRaises(ValidationError):
            self.plan.line_ids.create(
                {"target_id": self.plan.id, "user_id": self.a1.id, "date_from": "2024-03-01", "date_to": "2024-03-31"}
            )
        # same dimensions over distinct periods are fine
        plan = self._month_plan("Split", 2024, 3, [])
        plan.line_ids.create(
            [
                {"target_id": plan.id, "user_id": self.a1.id, "date_from": "2024-03-01", "date_to": "2024-03-15"},
                {"target_id": plan.id, "user_id": self.a1.id, "date_from": "2024-03-16", "date_to": "2024-03-31"},
            ]
        )
        self.assertEqual(len(plan.line_ids), 2)

    def test_overlapping_confirmed_plans_refused(self):
        self.plan.action_confirm()
        march = self._month_plan("March", 2024, 3, [Command.create({"user_id": self.a1.id, "target_amount": 50})])
        with self.assertRaisesRegex(ValidationError, "Plan 2024"), self.cr.savepoint():
            march.action_confirm()
        self.assertEqual(march.state, "draft")
        # other dimensions, or another year, are fine
        march.line_ids.team_id = self.team_b
        march.action_confirm()
        next_year = self.Target.create(
            {"name": "2025", "year": 2025, "line_ids": [Command.create({"user_id": self.a1.id})]}
        )
        next_year.action_confirm()
        # a closed plan still holds its targets; a draft plan does not
        self.plan.action_close()
        again = self._month_plan("Again", 2024, 5, [Command.create({"user_id": self.a1.id})])
        with self.assertRaises(ValidationError):
            again.action_confirm()
        self.plan.action_draft()
        again.action_confirm()
        with self.assertRaises(ValidationError):
            self.plan.action_confirm()
        self.assertEqual(self.plan.state, "draft")

    def test_confirmed_plan_is_locked(self):
        self.plan.action_confirm()
        with self.assertRaises(UserError):
            self.l_a1.target_amount = 1
        with self.assertRaises(UserError):
            self.plan.line_ids.create({"target_id": self.plan.id, "team_id": self.team_b.id})
        with self.assertRaises(UserError):
            self.l_a1.unlink()
        with self.assertRaises(UserError):
            self.plan.year = 2025
        with self.assertRaises(UserError):
            self.plan.unlink()
        self.plan.name = "Plan 2024 (official)"  # the name may change
        self.assertEqual(self.l_a1.target_amount, 700)
        self.assertEqual(len(self.plan.line_ids), 8)
        empty = self.Target.create({"name": "Empty", "year": 2031})
        with self.assertRaises(UserError):
            empty.action_confirm()

    def test_contact_as_customer_refused(self):
        with self.assertRaisesRegex(ValidationError, "not on its contact"), self.cr.savepoint():
            self.plan.line_ids.create({"target_id": self.plan.id, "partner_id": self.cust1_contact.id})
        self.assertEqual(len(self.plan.line_ids), 8)

    # ------------------------------------------------------------------
    # monthly lines
    # ------------------------------------------------------------------

    def test_split_evenly(self):
        plan = self.Target.with_user(self.manager).create(
            {
                "name": "Year",
                "year": 2025,
                "line_ids": [
                    Command.create({"user_id": self.a1.id, "target_amount": 1000, "target_qty": 10}),
                    Command.create(
                        {
                            "user_id": self.a2.id,
                            "date_from": "2025-03-01",
                            "date_to": "2025-04-30",
                            "target_amount": 7,
                        }
                    ),
                ],
            }
        )
        wizard = self.env["crm.sales.target.split"].with_user(self.manager).create({"target_id": plan.id})
        self.assertEqual(len(wizard.line_ids), 2)
        wizard.action_split()
        a1_lines = plan.line_ids.filtered(lambda line: line.user_id == self.a1).sorted("date_from")
        self.assertEqual(len(a1_lines), 12)
        self.assertEqual((a1_lines[0].date_from, a1_lines[0].date_to), (date(2025, 1, 1), date(2025, 1, 31)))
        self.assertEqual((a1_lines[1].date_from, a1_lines[1].date_to), (date(2025, 2, 1), date(2025, 2, 28)))
        self.assertEqual(a1_lines[0].target_amount, 83.33)
        self.assertAlmostEqual(sum(a1_lines.mapped("target_amount")), 1000, places=6)
        self.assertAlmostEqual(sum(a1_lines.mapped("target_qty")), 10, places=6)
        a2_lines = plan.line_ids.filtered(lambda line: line.user_id == self.a2).sorted("date_from")
        self.assertEqual(a2_lines.mapped("target_amount"), [3.5, 3.5])

    def test_split_by_seasonality(self):
        plan = self.Target.create(
            {
                "name": "Seasonal",
                "year": 2025,
                "line_ids": [Command.create({"team_id": self.team_a.id, "target_amount": 1200})],
            }
        )
        Split = self.env["crm.sales.target.split"]
        months = {f"month_{m}": 5.0 for m in range(1, 13)}
        wizard = Split.create({"target_id": plan.id, "method": "seasonal", **months})
        with self.assertRaisesRegex(UserError, "add up to 100"), self.cr.savepoint():
            wizard.action_split()
        self.assertEqual(len(plan.line_ids), 1)
        wizard.write({"month_12": 45.0})
        wizard.action_split()
        amounts = plan.line_ids.sorted("date_from").mapped("target_amount")
        self.assertEqual(amounts, [60.0] * 11 + [540.0])
        plan.action_confirm()
        with self.assertRaises(UserError):
            plan.action_open_split()

    # ------------------------------------------------------------------
    # access and companies
    # ------------------------------------------------------------------

    def test_salesperson_sees_own_targets_read_only(self):
        b_mixed = self.plan.line_ids.create(
            [
                {"target_id": self.plan.id, "team_id": self.team_b.id, "target_amount": 1},
                {"target_id": self.plan.id, "team_id": self.team_b.id, "user_id": self.a2.id, "target_amount": 1},
            ]
        )
        Line = self.env["crm.sales.target.line"]
        # a1: his own lines and the lines of his team without salesperson
        self.assertEqual(Line.with_user(self.a1).search([]), self.l_a1 | self.l_team_a | self.l_combo)
        # the leader of team B: every line of team B
        self.assertEqual(Line.with_user(self.leader).search([]), b_mixed)
        # a2 (team A): his line of team B, and team A's line
        self.assertEqual(Line.with_user(self.a2).search([]), self.l_team_a | b_mixed[1])
        # whoever sees all sales documents sees all lines
        self.assertEqual(Line.with_user(self.all_docs).search([]), self.plan.line_ids)
        # the plan itself is readable, its lines are filtered
        self.env.invalidate_all()
        plan_as_a1 = self.plan.with_user(self.a1)
        self.assertEqual(plan_as_a1.line_ids, self.l_a1 | self.l_team_a | self.l_combo)
        self.assertEqual(self.l_a1.with_user(self.a1).ordered_amount, 350)
        with self.assertRaises(AccessError):
            self.l_all.with_user(self.a1).read(["target_amount"])
        # read only
        with self.assertRaises(AccessError):
            self.l_a1.with_user(self.a1).target_amount = 10_000
        with self.assertRaises(AccessError):
            plan_as_a1.action_confirm()
        with self.assertRaises(AccessError):
            self.Target.with_user(self.a1).create({"name": "Mine", "year": 2030})
        self.assertEqual(self.l_a1.target_amount, 700)
        self.assertEqual(self.plan.state, "draft")
        # the analysis shows the same lines
        report_lines = self.env["crm.sales.target.report"].with_user(self.a1).search([]).line_id
        self.assertEqual(report_lines, self.l_a1 | self.l_team_a | self.l_combo)

    def test_manager_edits(self):
        plan = self.Target.with_user(self.manager).create(
            {
                "name": "By manager",
                "year": 2026,
                "line_ids": [Command.create({"user_id": self.a1.id, "target_amount": 5})],
            }
        )
        plan.line_ids.target_amount = 8
        plan.action_confirm()
        plan.action_close()
        plan.action_draft()
        plan.unlink()
        self.assertFalse(plan.exists())

    def test_multi_company(self):
        plan_b = self.Target.with_company(self.company_b).create(
            {
                "name": "Plan B",
                "company_id": self.company_b.id,
                "year": 2024,
                "line_ids": [Command.create({"target_amount": 100})],
            }
        )
        order_b = self._order(
            self.cust2,
            self.salesman_b,
            None,
            [(self.p_other, 2, 30)],
            datetime(2024, 3, 1, 8, 0),
            company=self.company_b,
        )
        self.assertEqual(order_b.company_id, self.company_b)
        # each company's whole-company target counts its own orders only
        self.assertAlmostEqual(self._actuals(plan_b.line_ids)[0], 60)
        self.assertAlmostEqual(self._actuals(self.l_all)[0], 850)
        # users see the plans of their companies only
        self.assertEqual(self.Target.with_user(self.salesman_b).search([]), plan_b)
        self.assertNotIn(plan_b, self.Target.with_user(self.manager).search([]))
        with self.assertRaises(AccessError):
            plan_b.with_user(self.manager).read(["name"])
        self.assertFalse(
            self.env["crm.sales.target.report"].with_user(self.manager).search([("target_id", "=", plan_b.id)])
        )
        # a team of company A cannot be a target of company B
        with self.assertRaises(UserError):
            plan_b.line_ids.create({"target_id": plan_b.id, "team_id": self.team_a.id})
        self.assertEqual(len(plan_b.line_ids), 1)
