from datetime import timedelta

from odoo.tests import tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyStatement(LoyaltyCommon):
    def test_statement_lists_earned_used_expired_and_balance(self):
        program = self._program(moment="invoice", name="金卡会员积分", crm_expiry_policy="months", crm_expiry_months=1)
        self._invoice(self.customer, [(self.product, 1, 300)], date=self.today)
        card = self._card(program)
        Ledger = self.env["crm.loyalty.ledger"]
        old = Ledger._post(
            [
                {
                    "card": card,
                    "points": 50,
                    "entry_type": "accrual",
                    "date": self.today.replace(day=1) - timedelta(days=90),
                }
            ]
        )
        self.assertTrue(old.expiry_date < self.today)
        Ledger._post([{"card": card, "points": -100, "entry_type": "redemption", "description": "兑换礼品"}])
        statement = self.customer._crm_loyalty_statement()
        self.assertEqual(len(statement), 1)
        data = statement[0]
        self.assertEqual(data["totals"]["accrual"], 350)
        self.assertEqual(data["totals"]["expiry"], -50)
        self.assertEqual(data["totals"]["redemption"], -100)
        self.assertEqual(data["balance"], 200)
        self.assertEqual(data["lines"][-1]["balance"], 200, "running balance ends on the card's balance")

        report = self.env.ref("crm_loyalty.action_report_loyalty_statement")
        html = str(self.env["ir.actions.report"]._render_qweb_html(report, self.customer.ids)[0], "utf-8")
        for text in ("金卡会员积分", "兑换礼品", card.code, "Loyalty Points Statement"):
            self.assertIn(text, html)
