from datetime import timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyRules(LoyaltyCommon):
    """Each kind of rule, their combination, and bad input."""

    def _points(self, rules, lines, partner=None, combination="sum"):
        program = self._program(moment="invoice", rules=rules, crm_rule_combination=combination)
        self._invoice(partner or self.customer, lines)
        return self._card(program, partner).points

    def test_order_amount_with_minimum(self):
        rule = {"reward_point_mode": "order", "reward_point_amount": 50, "minimum_amount": 1000}
        self.assertEqual(self._points([rule], [(self.product, 1, 999)]), 0)
        self.assertEqual(self._points([rule], [(self.product, 2, 500)]), 50)

    def test_money_and_unit_rules_on_lines(self):
        money = {"reward_point_mode": "money", "reward_point_amount": 0.5}
        self.assertEqual(self._points([money], [(self.product, 2, 100), (self.other_product, 1, 40)]), 120)
        unit = {"reward_point_mode": "unit", "reward_point_amount": 3, "minimum_qty": 2}
        self.assertEqual(self._points([unit], [(self.product, 1, 100)]), 0)
        self.assertEqual(self._points([unit], [(self.product, 3, 100)]), 9)

    def test_product_and_product_category(self):
        by_product = {
            "reward_point_mode": "money",
            "reward_point_amount": 1,
            "product_ids": [Command.set(self.other_product.ids)],
        }
        self.assertEqual(self._points([by_product], [(self.product, 1, 100), (self.other_product, 1, 40)]), 40)
        by_category = {"reward_point_mode": "money", "reward_point_amount": 1, "product_category_id": self.category.id}
        self.assertEqual(self._points([by_category], [(self.product, 1, 100), (self.other_product, 1, 40)]), 100)

    def test_customer_and_customer_category(self):
        vip_tag = self.env["res.partner.category"].create({"name": "VIP 大客户"})
        other = self.env["res.partner"].create({"name": "Other Customer", "is_company": True})
        by_customer = {
            "reward_point_mode": "order",
            "reward_point_amount": 10,
            "crm_partner_ids": [Command.set(self.customer.ids)],
        }
        self.assertEqual(self._points([by_customer], [(self.product, 1, 100)]), 10)
        self.assertEqual(self._points([by_customer], [(self.product, 1, 100)], partner=other), 0)
        by_tag = {
            "reward_point_mode": "order",
            "reward_point_amount": 7,
            "crm_partner_category_ids": [Command.set(vip_tag.ids)],
        }
        self.assertEqual(self._points([by_tag], [(self.product, 1, 100)]), 0)
        self.customer.category_id = vip_tag
        self.assertEqual(self._points([by_tag], [(self.product, 1, 100)]), 7)

    def test_customer_value_level(self):
        model = self.env["crm.value.model"].create(
            {
                "name": "RFM",
                "company_id": self.company.id,
                "level_ids": [
                    Command.create({"name": "核心客户", "code": "A", "sequence": 1, "min_score": 80}),
                    Command.create({"name": "一般客户", "code": "B", "sequence": 2, "min_score": 0}),
                ],
            }
        )
        level_a = model.level_ids.filtered(lambda level: level.code == "A")
        rule = {
            "reward_point_mode": "order",
            "reward_point_amount": 30,
            "crm_value_level_ids": [Command.set(level_a.ids)],
        }
        self.assertEqual(self._points([rule], [(self.product, 1, 100)]), 0)
        self.customer.with_company(self.company).sudo().crm_value_level_id = level_a
        self.assertEqual(self._points([rule], [(self.product, 1, 100)]), 30)

    def test_validity_dates_and_companies(self):
        past = {
            "reward_point_mode": "order",
            "reward_point_amount": 5,
            "crm_date_from": self.today - timedelta(days=30),
            "crm_date_to": self.today - timedelta(days=1),
        }
        self.assertEqual(self._points([past], [(self.product, 1, 100)]), 0)
        current = dict(past, crm_date_to=self.today)
        self.assertEqual(self._points([current], [(self.product, 1, 100)]), 5)
        other_company = self.env["res.company"].create({"name": "Other Co"})
        elsewhere = {
            "reward_point_mode": "order",
            "reward_point_amount": 5,
            "crm_company_ids": [Command.set(other_company.ids)],
        }
        self.assertEqual(self._points([elsewhere], [(self.product, 1, 100)]), 0)
        here = {
            "reward_point_mode": "order",
            "reward_point_amount": 5,
            "crm_company_ids": [Command.set(self.company.ids)],
        }
        self.assertEqual(self._points([here], [(self.product, 1, 100)]), 5)

    def test_combination_sum_or_best(self):
        rules = [
            {"reward_point_mode": "money", "reward_point_amount": 1},
            {"reward_point_mode": "order", "reward_point_amount": 200, "minimum_amount": 100},
            {"reward_point_mode": "unit", "reward_point_amount": 10},
        ]
        lines = [(self.product, 3, 100)]
        self.assertEqual(self._points(rules, lines, combination="sum"), 300 + 200 + 30)
        self.assertEqual(self._points(rules, lines, combination="best"), 300)

    def test_confirmation_program_uses_the_same_rules(self):
        vip_tag = self.env["res.partner.category"].create({"name": "VIP"})
        self.customer.category_id = vip_tag
        program = self._program(
            moment="confirm",
            crm_rule_combination="best",
            rules=[
                {"reward_point_mode": "money", "reward_point_amount": 1},
                {
                    "reward_point_mode": "money",
                    "reward_point_amount": 2,
                    "crm_partner_category_ids": [Command.set(vip_tag.ids)],
                },
            ],
        )
        order = self._order(self.customer, [(self.product, 1, 100)])
        order.action_confirm()
        self.assertEqual(self._card(program).points, 200)

    def test_bad_input_is_refused_clearly(self):
        program = self._program(moment="invoice")
        count = self.env["loyalty.rule"].search_count([])
        with self.assertRaisesMsg(ValidationError, "cannot be valid from .* until"):
            program.write(
                {
                    "rule_ids": [
                        Command.create(
                            {
                                "reward_point_mode": "order",
                                "reward_point_amount": 1,
                                "crm_date_from": self.today,
                                "crm_date_to": self.today - timedelta(days=1),
                            }
                        )
                    ]
                }
            )
        with self.assertRaisesMsg(ValidationError, "positive number of points"):
            self.env["loyalty.rule"].create({"program_id": program.id, "reward_point_amount": -5})
        with self.assertRaisesMsg(ValidationError, "minimum purchase cannot be negative"):
            self.env["loyalty.rule"].create({"program_id": program.id, "minimum_amount": -100})
        with self.assertRaisesMsg(ValidationError, "minimum quantity cannot be negative"):
            program.rule_ids.write({"minimum_qty": -1})
        self.env.invalidate_all()
        self.assertEqual(self.env["loyalty.rule"].search_count([]), count, "nothing half-written")
        self.assertFalse(program.rule_ids.filtered(lambda rule: rule.minimum_qty < 0 or rule.crm_date_from))
        with self.assertRaisesMsg(ValidationError, "multiplier must be positive"):
            self.env["crm.loyalty.tier"].create(
                {"program_id": program.id, "name": "Bad", "threshold": 10, "multiplier": 0}
            )
        with self.assertRaisesMsg(ValidationError, "threshold cannot be negative"):
            self.env["crm.loyalty.tier"].create({"program_id": program.id, "name": "Bad", "threshold": -1})
