from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .competitor_common import CompetitorCommon


@tagged("post_install", "-at_install")
class TestCompetitor(CompetitorCommon):
    """Competitor master data, products, opportunity competitors, the Lost
    dialog, competitor orders, and access to all of them."""

    # ------------------------------------------------------------------
    # Master data and the price comparison
    # ------------------------------------------------------------------

    def test_price_comparison(self):
        """Their price against our sales price: difference and percentage."""
        self.assertEqual(self.x_desk.our_price, 1000.0)
        self.assertEqual(self.x_desk.price_difference, -150.0)
        self.assertAlmostEqual(self.x_desk.price_difference_pct, -15.0)
        self.assertAlmostEqual(self.y_desk.price_difference_pct, 20.0)
        self.product.lst_price = 800.0
        self.assertAlmostEqual(self.x_desk.price_difference_pct, 6.25)
        unmapped = self.env["crm.competitor.product"].create(
            {"competitor_id": self.competitor_x.id, "name": "X 柜子", "price": 300.0}
        )
        self.assertEqual((unmapped.our_price, unmapped.price_difference_pct), (0.0, 0.0))

    def test_competitor_stats_constant_queries(self):
        """Counts on the competitor list are three grouped queries, however many competitors."""
        self._lead("统计 1", self.salesman, competitors=self.competitor_x | self.competitor_y)
        self.env["crm.competitor.order"].create(
            {"competitor_id": self.competitor_y.id, "partner_id": self.customer.id, "amount": 10.0}
        )
        competitors = self.competitor_x | self.competitor_y
        many = competitors | self.env["res.partner"].create(
            [{"name": f"对手 {i}", "crm_is_competitor": True} for i in range(8)]
        )
        for records in (competitors, many, competitors, many):  # warm up twice
            records.invalidate_recordset(["crm_competitor_product_count"])
            records.mapped("crm_competitor_product_count")
        for records in (competitors, many):
            records.invalidate_recordset(["crm_competitor_product_count"])
            with self.assertQueryCount(3):
                records.mapped("crm_competitor_product_count")
        self.assertEqual(
            [
                (c.crm_competitor_product_count, c.crm_competitor_lead_count, c.crm_competitor_order_count)
                for c in competitors
            ],
            [(1, 1, 0), (1, 1, 1)],
        )

    def test_salesperson_creates_competitor_and_products(self):
        """A salesperson records a competitor with its key people and products; only a manager deletes products."""
        Partner = self.env["res.partner"].with_user(self.salesman)
        competitor = Partner.with_context(default_crm_is_competitor=True, default_is_company=True).create(
            {
                "name": "新对手科技有限公司",
                "crm_competitor_strengths": "价格低",
                "child_ids": [Command.create({"name": "孙经理", "function": "销售总监"})],
                "crm_competitor_product_ids": [Command.create({"name": "新对手 A1", "price": 99.0})],
            }
        )
        self.assertTrue(competitor.crm_is_competitor)
        self.assertEqual(competitor.child_ids.function, "销售总监")
        product = competitor.crm_competitor_product_ids
        self.assertEqual(product.company_id, self.company_a)
        product.price = 89.0
        with self.assertRaises(AccessError):
            product.unlink()
        product.with_user(self.manager).unlink()
        self.assertFalse(product.exists())

    def test_bad_input(self):
        """Negative prices, non-competitors, duplicates and two winners are refused; nothing is written."""
        with self.assertRaises(ValidationError):
            self.env["crm.competitor.product"].create(
                {"competitor_id": self.competitor_x.id, "name": "负价", "price": -1.0}
            )
        with self.assertRaises(ValidationError):
            self.env["crm.competitor.product"].create({"competitor_id": self.customer.id, "name": "客户不是对手"})
        self.assertFalse(self.env["crm.competitor.product"].search([("name", "in", ("负价", "客户不是对手"))]))

        lead = self._lead("坏输入", self.salesman, competitors=self.competitor_x)
        lead = lead.with_user(self.salesman)
        with self.assertRaises(ValidationError):
            lead.crm_competitor_line_ids = [Command.create({"competitor_id": self.customer.id})]
        with self.assertRaises(ValidationError):
            lead.crm_competitor_line_ids = [Command.create({"competitor_id": self.competitor_x.id})]
        with self.assertRaises(ValidationError):  # Y's line with X's product
            lead.crm_competitor_line_ids = [
                Command.create({"competitor_id": self.competitor_y.id, "competitor_product_id": self.x_desk.id})
            ]
        with self.assertRaises(ValidationError):
            lead.crm_competitor_line_ids = [
                Command.update(lead.crm_competitor_line_ids.id, {"is_winner": True}),
                Command.create({"competitor_id": self.competitor_y.id, "is_winner": True}),
            ]
        lead.invalidate_recordset()
        self.assertEqual(lead.crm_competitor_line_ids.competitor_id, self.competitor_x)
        self.assertFalse(lead.crm_competitor_line_ids.is_winner)

        # a competitor that opportunities refer to cannot stop being one
        with self.assertRaises(ValidationError):
            self.competitor_x.crm_is_competitor = False
        self.competitor_x.invalidate_recordset()
        self.assertTrue(self.competitor_x.crm_is_competitor)

    # ------------------------------------------------------------------
    # The Lost dialog
    # ------------------------------------------------------------------

    def _lost_form(self, leads, user):
        return Form(
            self.env["crm.lead.lost"]
            .with_user(user)
            .with_context(active_ids=leads.ids, active_model="crm.lead", default_lead_ids=leads.ids)
        )

    def test_lost_wizard_records_winner(self):
        """Lost to a competitor not yet on the opportunity: its line is added as the winner, with its price,
        and its order is recorded for the customer."""
        lead = self._lead("华信 50 张办公桌", self.salesman, revenue=50000.0, competitors=self.competitor_x)
        reason = self.env["crm.lost.reason"].create({"name": "价格太高"})
        form = self._lost_form(lead, self.salesman)
        self.assertEqual(form.crm_competitor_id, self.competitor_x, "the only competitor is proposed")
        form.lost_reason_id = reason
        form.crm_competitor_id = self.competitor_y
        form.crm_competitor_price = 42000.0
        form.crm_record_order = True
        form.save().action_lost_reason_apply()

        lead = lead.with_user(self.salesman)
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, reason)
        lines = lead.crm_competitor_line_ids
        self.assertEqual(lines.competitor_id, self.competitor_x | self.competitor_y)
        winner = lines.filtered("is_winner")
        self.assertEqual(winner.competitor_id, self.competitor_y)
        self.assertEqual(winner.offered_price, 42000.0)
        self.assertEqual(lead.crm_lost_to_competitor_id, self.competitor_y)
        order = lead.crm_competitor_order_ids
        self.assertEqual(len(order), 1)
        self.assertRecordValues(
            order,
            [
                {
                    "competitor_id": self.competitor_y.id,
                    "partner_id": self.customer.id,
                    "amount": 42000.0,
                    "user_id": self.salesman.id,
                    "company_id": self.company_a.id,
                }
            ],
        )
        self.assertTrue(order.name.startswith("CO/"))

        # restored: no competitor has taken it any more
        lead.action_unarchive()
        self.assertFalse(lead.crm_competitor_line_ids.filtered("is_winner"))
        self.assertFalse(lead.crm_lost_to_competitor_id)

    def test_lost_wizard_existing_line(self):
        """Lost to a competitor already on the opportunity: its line becomes the winner, nothing is duplicated;
        a former winner stops being one."""
        leads = self._lead("A", self.salesman, competitors=self.competitor_x | self.competitor_y) | self._lead(
            "B", self.salesman, competitors=self.competitor_x
        )
        leads[0].crm_competitor_line_ids.filtered(lambda line: line.competitor_id == self.competitor_y).is_winner = True
        form = self._lost_form(leads, self.salesman)
        form.crm_competitor_id = self.competitor_x
        form.save().action_lost_reason_apply()
        self.assertEqual(len(leads.crm_competitor_line_ids), 3)
        self.assertEqual(leads.crm_competitor_line_ids.filtered("is_winner").mapped("competitor_id"), self.competitor_x)
        self.assertEqual(leads.mapped("crm_lost_to_competitor_id"), self.competitor_x)
        self.assertEqual(leads.crm_competitor_line_ids.mapped("offered_price"), [0.0, 0.0, 0.0])
        self.assertFalse(self.env["crm.competitor.order"].search([("lead_id", "in", leads.ids)]))

    def test_lost_wizard_bad_input(self):
        """A price without a competitor, or an order for an opportunity without customer, is refused before
        anything is lost."""
        lead = self._lead("无客户", self.salesman, competitors=self.competitor_x)
        lead.partner_id = False
        for values in (
            {"crm_competitor_price": 100.0},
            {"crm_competitor_id": self.competitor_x.id, "crm_record_order": True},
            {"crm_competitor_id": self.competitor_x.id, "crm_competitor_price": -5.0},
        ):
            wizard = self.env["crm.lead.lost"].with_user(self.salesman).create({"lead_ids": lead.ids, **values})
            # no savepoint here (unlike assertRaises): a half-done loss would show below
            try:
                wizard.action_lost_reason_apply()
                refused = False
            except UserError:
                refused = True
            self.assertTrue(refused, f"the Lost dialog accepted {values}")
            self.assertTrue(lead.active, "the check runs before the opportunity is lost")
            self.assertFalse(lead.crm_competitor_line_ids.is_winner)
        self.assertFalse(self.env["crm.competitor.order"].search([("lead_id", "=", lead.id)]))

    def test_merge_keeps_competition(self):
        """Merging opportunities keeps the competitors and buying roles of the merged-away ones on the result."""
        head = self._lead("合并主商机", self.salesman, revenue=3000.0, competitors=self.competitor_x)
        tail = self._lead(
            "合并副商机", self.salesman, revenue=1000.0, competitors=self.competitor_x | self.competitor_y
        )
        Role = self.env["crm.lead.buying.role"]
        Role.create({"lead_id": head.id, "partner_id": self.boss.id, "role": "decision_maker", "influence": 5})
        tail_boss = Role.create({"lead_id": tail.id, "partner_id": self.boss.id, "role": "influencer"})
        tail_engineer = Role.create({"lead_id": tail.id, "partner_id": self.engineer.id, "reports_to_id": tail_boss.id})
        Role.create({"lead_id": tail.id, "partner_id": self.buyer.id, "reports_to_id": tail_engineer.id})
        merged = (head | tail).with_user(self.salesman).merge_opportunity()
        self.assertEqual(merged, head)
        self.assertFalse(tail.exists())
        self.assertEqual(head.crm_competitor_line_ids.competitor_id, self.competitor_x | self.competitor_y)
        roles = {role.partner_id: role for role in head.crm_buying_role_ids}
        self.assertEqual(set(roles), {self.boss, self.engineer, self.buyer})
        self.assertEqual(roles[self.boss].role, "decision_maker", "the head's own role wins")
        self.assertEqual(roles[self.engineer].reports_to_id, roles[self.boss])
        self.assertEqual(roles[self.buyer].reports_to_id, roles[self.engineer])

    # ------------------------------------------------------------------
    # Access and companies
    # ------------------------------------------------------------------

    def test_access_salesperson_vs_manager(self):
        """A salesperson sees and edits competitors of own and unassigned opportunities only; a manager all."""
        own = self._lead("自己的", self.salesman, competitors=self.competitor_x)
        other = self._lead("别人的", self.salesman_2, competitors=self.competitor_x)
        free = self._lead("未分配", competitors=self.competitor_x)
        Line = self.env["crm.lead.competitor"]
        domain = [("lead_id", "in", (own | other | free).ids)]
        self.assertEqual(Line.with_user(self.salesman).search(domain).lead_id, own | free)
        self.assertEqual(Line.with_user(self.manager).search(domain).lead_id, own | other | free)

        own.with_user(self.salesman).crm_competitor_line_ids.write(
            {"threat_level": "critical", "counter_strategy": "降价 5%"}
        )
        self.assertEqual(own.crm_competitor_line_ids.threat_level, "critical")
        with self.assertRaises(AccessError):
            other.crm_competitor_line_ids.with_user(self.salesman).write({"threat_level": "low"})
        with self.assertRaises(AccessError):
            Line.with_user(self.salesman).create({"lead_id": other.id, "competitor_id": self.competitor_y.id})
        other.crm_competitor_line_ids.with_user(self.manager).write({"threat_level": "low"})
        self.assertEqual(other.crm_competitor_line_ids.threat_level, "low")

        # the line follows its opportunity when it changes hands
        other.user_id = self.salesman
        self.assertEqual(Line.with_user(self.salesman).search(domain).lead_id, own | other | free)

    def test_multi_company(self):
        """Company B's competitor products, orders and opportunity competitors stay in company B."""
        b_product = self.env["crm.competitor.product"].create(
            {"competitor_id": self.competitor_x.id, "name": "X 在 B 的产品", "company_id": self.company_b.id}
        )
        shared = self.env["crm.competitor.product"].create(
            {"competitor_id": self.competitor_x.id, "name": "X 共享产品", "company_id": False}
        )
        b_customer = self.env["res.partner"].create({"name": "B 公司客户", "company_id": self.company_b.id})
        b_lead = self._lead(
            "B 的商机", self.salesman_b, company=self.company_b, partner=b_customer, competitors=self.competitor_x
        )
        b_order = (
            self.env["crm.competitor.order"]
            .with_company(self.company_b)
            .create({"competitor_id": self.competitor_x.id, "partner_id": b_customer.id, "amount": 5.0})
        )
        self.assertEqual(b_order.company_id, self.company_b)
        a_lead = self._lead("A 的商机", self.salesman, competitors=self.competitor_x)

        Product = self.env["crm.competitor.product"]
        a_products = Product.with_user(self.salesman).search([("competitor_id", "=", self.competitor_x.id)])
        self.assertIn(shared, a_products)
        self.assertNotIn(b_product, a_products)
        b_products = Product.with_user(self.salesman_b).search([("competitor_id", "=", self.competitor_x.id)])
        self.assertEqual(b_products, b_product | shared)

        lines_a = self.env["crm.lead.competitor"].with_user(self.salesman).search([])
        self.assertIn(a_lead.crm_competitor_line_ids, lines_a)
        self.assertNotIn(b_lead.crm_competitor_line_ids, lines_a)
        self.assertFalse(self.env["crm.competitor.order"].with_user(self.salesman).search([("id", "=", b_order.id)]))
        with self.assertRaises(AccessError):
            b_order.with_user(self.salesman).read(["amount"])

        # a company-B product cannot be put on a company-A opportunity
        with self.assertRaises(UserError):
            a_lead.crm_competitor_line_ids.competitor_product_id = b_product


@tagged("post_install", "-at_install")
class TestCompetitorReport(CompetitorCommon):
    """Win/loss analysis on a controlled dataset (competitors X and Y only appear here).

    =====  ==========  ==========  =======  ==============================  ==========
    lead   salesperson  revenue    result   competitors                      counted
    =====  ==========  ==========  =======  ==============================  ==========
    L1     salesman     1000       won      X, Y                             yes
    L2     salesman     2000       lost     X (winner, their desk), Y        yes
    L3     salesman_2   4000       lost     X (no winner, lost reason)       yes
    L4     salesman     8000       open     X                                no
    L5     salesman     16000      archived X (no reason, no winner)         no
    L6     salesman_2   500        won      Y                                yes
    =====  ==========  ==========  =======  ==============================  ==========

    X: won 1, lost 2, win rate 33.3, lost revenue 6000, of which 2000 lost to X.
    Y: won 2, lost 1, win rate 66.7, lost revenue 2000, nothing lost to Y.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        x, y = cls.competitor_x, cls.competitor_y
        cls.reason = cls.env["crm.lost.reason"].create({"name": "对手更便宜"})
        cls.l1 = cls._lead("L1", cls.salesman, 1000.0, competitors=x | y)
        cls.l2 = cls._lead("L2", cls.salesman, 2000.0, competitors=x | y)
        cls.l3 = cls._lead("L3", cls.salesman_2, 4000.0, competitors=x)
        cls.l4 = cls._lead("L4", cls.salesman, 8000.0, competitors=x)
        cls.l5 = cls._lead("L5", cls.salesman, 16000.0, competitors=x)
        cls.l6 = cls._lead("L6", cls.salesman_2, 500.0, competitors=y)
        cls.l2.crm_competitor_line_ids.filtered(lambda line: line.competitor_id == x).competitor_product_id = cls.x_desk
        (cls.l1 | cls.l6).action_set_won()
        wizard = cls.env["crm.lead.lost"].create(
            {"lead_ids": cls.l2.ids, "lost_reason_id": cls.reason.id, "crm_competitor_id": x.id}
        )
        wizard.action_lost_reason_apply()
        cls.l3.action_set_lost(lost_reason_id=cls.reason.id)
        cls.l5.action_archive()
        cls.env.flush_all()

    def _groups(self, groupby, user=None):
        Report = self.env["crm.competitor.report"]
        if user:
            Report = Report.with_user(user)
        domain = [("competitor_id", "in", (self.competitor_x | self.competitor_y).ids)]
        # read_group, as the pivot view does: the win rate takes its default aggregator (avg)
        return {
            row[groupby][0] if row[groupby] else False: row
            for row in Report.read_group(
                domain,
                ["won_count", "lost_count", "lost_to_count", "win_rate", "lost_revenue", "lost_to_revenue"],
                [groupby],
            )
        }

    def test_by_competitor(self):
        rows = self._groups("competitor_id")
        x, y = rows[self.competitor_x.id], rows[self.competitor_y.id]
        self.assertEqual((x["competitor_id_count"], x["won_count"], x["lost_count"], x["lost_to_count"]), (3, 1, 2, 1))
        self.assertAlmostEqual(x["win_rate"], 100.0 / 3)
        self.assertEqual((x["lost_revenue"], x["lost_to_revenue"]), (6000.0, 2000.0))
        self.assertEqual((y["competitor_id_count"], y["won_count"], y["lost_count"], y["lost_to_count"]), (3, 2, 1, 0))
        self.assertAlmostEqual(y["win_rate"], 200.0 / 3)
        self.assertEqual((y["lost_revenue"], y["lost_to_revenue"]), (2000.0, 0.0))

    def test_by_salesperson_and_product(self):
        rows = self._groups("user_id")
        mine, theirs = rows[self.salesman.id], rows[self.salesman_2.id]
        # salesman: L1 x2 won, L2 x2 lost; salesman_2: L3 lost, L6 won
        self.assertEqual((mine["won_count"], mine["lost_count"], mine["win_rate"]), (2, 2, 50.0))
        self.assertEqual(mine["lost_revenue"], 4000.0)
        self.assertEqual((theirs["won_count"], theirs["lost_count"], theirs["win_rate"]), (1, 1, 50.0))
        self.assertEqual(theirs["lost_revenue"], 4000.0)
        by_product = self._groups("product_id")
        self.assertEqual(by_product[self.product.id]["lost_to_revenue"], 2000.0)
        self.assertEqual(by_product[self.product.id]["product_id_count"], 1)

    def test_rows_follow_access(self):
        """A salesperson analyses own opportunities; a manager all; company B sees none of company A."""
        self.assertEqual(set(self._groups("user_id", self.salesman)), {self.salesman.id})
        self.assertEqual(set(self._groups("user_id", self.manager)), {self.salesman.id, self.salesman_2.id})
        self.assertFalse(self._groups("user_id", self.salesman_b))
        lines = self.env["crm.competitor.report"].with_user(self.salesman).search([("lead_id", "=", self.l2.id)])
        self.assertEqual(lines.mapped("result"), ["lost", "lost"])
        self.assertEqual(lines.filtered("is_winner").competitor_id, self.competitor_x)
