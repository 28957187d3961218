from odoo import Command
from odoo.tests import tagged

from . import test_sales_target


@tagged("post_install", "-at_install")
class TestSalesTargetReportRatio(test_sales_target.TestSalesTarget):
    """The completion rate of a group of target lines in the analysis (pivot
    cell, graph bar, list group) is what they achieved over what they
    target, not the mean of their percentages. Same dataset as
    TestSalesTarget (whose own tests run there only)."""

    def test_group_achievement_is_ratio_of_sums(self):
        Report = self.env["crm.sales.target.report"].with_user(self.manager)
        lines = self.l_all | self.l_a1
        # whole company 850 ordered / 1000 (85 %), a1 350 / 700 (50 %): 1200 / 1700, not (85 + 50) / 2
        self.assertAlmostEqual(self.l_all.achievement, 85.0)
        self.assertAlmostEqual(self.l_all.achievement_qty, 55.0)  # 11 / 20
        expected, expected_qty = 100 * 1200 / 1700, 100 * (11 + 7) / (20 + 14)
        domain = [("line_id", "in", lines.ids)]
        ((ratio, ratio_qty),) = Report._read_group(domain, [], ["achievement:avg", "achievement_qty:avg"])
        self.assertAlmostEqual(ratio, expected, places=4)
        self.assertAlmostEqual(ratio_qty, expected_qty, places=4)

        # what the pivot and the list ask the server: the field's aggregate, grouped
        (group,) = Report.read_group(domain, ["achievement", "achievement_qty"], ["target_id"])
        self.assertAlmostEqual(group["achievement"], expected, places=4)
        self.assertAlmostEqual(group["achievement_qty"], expected_qty, places=4)
        groups = Report.web_read_group(domain, ["achievement:avg"], ["user_id"])["groups"]
        by_user = {g["user_id"][0] if g["user_id"] else False: g["achievement"] for g in groups}
        self.assertAlmostEqual(by_user[self.a1.id], 50.0, places=4)
        self.assertAlmostEqual(by_user[False], 85.0, places=4)

        # rows of a single line, or of no target at all
        ((single,),) = Report._read_group([("line_id", "=", self.l_a1.id)], [], ["achievement:avg"])
        self.assertAlmostEqual(single, 50.0, places=4)
        ((none,),) = Report._read_group(domain + [("kind", "=", "order")], [], ["achievement:avg"])
        self.assertFalse(none)

    def test_line_without_amount_target_does_not_count(self):
        """A quantity-only line adds neither target nor achieved amount to a group."""
        self.plan.line_ids = [Command.create({"team_id": self.team_b.id, "target_qty": 5})]
        line_b = self.plan.line_ids.filtered(lambda line: line.team_id == self.team_b)
        Report = self.env["crm.sales.target.report"]
        ((ratio, ratio_qty),) = Report._read_group(
            [("line_id", "in", (self.l_a1 | line_b).ids)], [], ["achievement:avg", "achievement_qty:avg"]
        )
        self.assertAlmostEqual(ratio, 50.0, places=4)  # 350 / 700: team B's 300 ordered have no amount target
        self.assertAlmostEqual(ratio_qty, 100 * (7 + 5) / (14 + 5), places=4)  # team B: o3 4 + o4 1
