from odoo.tests import tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyCurrency(LoyaltyCommon):
    """Rules' minimum amounts are in the program's currency and compared
    with documents in any currency; points keep their own precision, not the
    currency's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        code = "EUR" if cls.company.currency_id.name != "EUR" else "GBP"
        # one unit of the company's currency is worth two of the foreign one
        cls.foreign = cls.setup_other_currency(code, rates=[("2000-01-01", 2.0)])
        cls.foreign_pricelist = cls.env["product.pricelist"].create(
            {"name": "外币价目表", "currency_id": cls.foreign.id, "company_id": cls.company.id}
        )
        cls.minimum_rule = {"reward_point_mode": "order", "reward_point_amount": 50, "minimum_amount": 1000}

    def _foreign_order(self, price):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": self.foreign_pricelist.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": price, "tax_id": False})
                ],
            }
        )
        self.assertEqual(order.currency_id, self.foreign)
        order.action_confirm()
        return order

    def test_order_in_another_currency_than_the_program(self):
        program = self._program(moment="confirm", rules=[self.minimum_rule])
        self._foreign_order(1500)
        self.assertFalse(self._card(program).points, "1500 foreign are 750 in the program's currency: below 1000")
        self._foreign_order(2500)
        self.assertEqual(self._card(program).points, 50, "2500 foreign are 1250: above 1000")

    def test_invoice_in_another_currency_than_the_program(self):
        program = self._program(moment="invoice", currency_id=self.foreign.id, rules=[self.minimum_rule])
        self._invoice(self.customer, [(self.product, 1, 400)])
        self.assertFalse(self._card(program).points, "400 are 800 in the program's currency: below 1000")
        self._invoice(self.customer, [(self.product, 1, 600)])
        self.assertEqual(self._card(program).points, 50, "600 are 1200: above 1000")

    def test_invoice_points_keep_their_decimals(self):
        whole = self.env["res.currency"].create({"name": "CRX", "symbol": "¤", "rounding": 1.0})
        program = self._program(
            moment="invoice",
            currency_id=whole.id,
            rules=[{"reward_point_mode": "money", "reward_point_amount": 0.1}],
        )
        self._invoice(self.customer, [(self.product, 1, 123)])
        card = self._card(program)
        self.assertEqual(card.currency_id, whole)
        self.assertAlmostEqual(card.points, 12.3)
        self.assertAlmostEqual(self._ledger(card, entry_type="accrual").points, 12.3)
        self.assertLedgerBalanced(card)
