from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyAccess(LoyaltyCommon):
    """Points move only through the program's own flows: no context key, no
    reward line or card field written over RPC by a salesperson changes a
    ledger card; salespeople restricted to their own customers see only
    their customers' points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls._program(moment="confirm")
        cls.card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.customer.id, "points": 500}
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "华北机械有限公司", "is_company": True})
        cls.other_card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.other_customer.id, "points": 800}
        )
        cls.Ledger = cls.env["crm.loyalty.ledger"]

    def _state(self, *cards):
        """What a change of points would touch: balances, ledger rows and
        what is left in their batches."""
        self.env.invalidate_all()
        rows = self.Ledger.search([("card_id", "in", [card.id for card in cards])], order="id")
        return [card.points for card in cards], rows.ids, rows.mapped("remaining")

    def _confirmed_order_with_reward(self):
        """A confirmed order of the salesperson that spends points of the
        customer's card, through the reward flow of sale_loyalty."""
        order = self._order(self.customer, [(self.product, 2, 100)])
        order.user_id = self.salesman
        order = order.with_user(self.salesman)
        order._update_programs_and_rewards()
        self.assertFalse(order._apply_program_reward(self.program.reward_ids, self.card))
        order.action_confirm()
        line = order.order_line.filtered("reward_id")
        self.assertTrue(line.points_cost)
        return order, line

    # ------------------------------------------------------------------
    # context keys
    # ------------------------------------------------------------------

    def test_context_key_does_not_unlock_points(self):
        before = self._state(self.card)
        card = self.card.with_user(self.salesman).with_context(crm_loyalty_ledger_posting=True)
        with self.assertRaises(AccessError):
            card.write({"points": 100000})
        self.assertEqual(self._state(self.card), before)

    def test_context_key_does_not_delete_ledger_rows(self):
        rows = self._ledger(self.card)
        with self.assertRaises(UserError):
            rows.sudo().with_context(crm_loyalty_card_unlink=True).unlink()
        self.assertEqual(self._ledger(self.card), rows)

    # ------------------------------------------------------------------
    # reward lines of confirmed orders
    # ------------------------------------------------------------------

    def test_salesperson_cannot_rewrite_reward_lines_of_confirmed_order(self):
        order, line = self._confirmed_order_with_reward()
        before = self._state(self.card, self.other_card)
        line = line.with_user(self.salesman)
        for vals in (
            {"points_cost": -100000},
            {"points_cost": 0},
            {"coupon_id": self.other_card.id},
            {"reward_id": False},
        ):
            with self.subTest(vals=vals), self.assertRaisesMsg(AccessError, "change only through"):
                line.write(vals)
        with self.assertRaisesMsg(AccessError, "change only through"):
            order.write({"order_line": [Command.update(line.id, {"points_cost": 1})]})
        # a new line spending another customer's points, or giving some
        with self.assertRaisesMsg(AccessError, "change only through"):
            self.env["sale.order.line"].with_user(self.salesman).create(
                {
                    "order_id": order.id,
                    "product_id": self.product.id,
                    "price_unit": 0,
                    "coupon_id": self.other_card.id,
                    "reward_id": self.program.reward_ids.id,
                    "points_cost": 700,
                }
            )
        with self.assertRaisesMsg(AccessError, "change only through"):
            order.write(
                {
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "price_unit": 0,
                                "coupon_id": self.card.id,
                                "reward_id": self.program.reward_ids.id,
                                "points_cost": -5000,
                            }
                        )
                    ]
                }
            )
        self.assertEqual(self._state(self.card, self.other_card), before)

    def test_reward_flows_keep_working_for_salesperson(self):
        # on a quotation, then confirmed: the redemption is in the ledger
        order, line = self._confirmed_order_with_reward()
        redemption = self._ledger(self.card, entry_type="redemption")
        self.assertEqual(redemption.points, -line.points_cost)
        self.assertEqual(redemption.sale_order_id, order)
        # the host's own flow on the confirmed order (Reward button)
        points = self.card.points
        second = self._order(self.customer, [(self.product, 1, 100)])
        second.user_id = self.salesman
        second.with_user(self.salesman).action_confirm()
        earned = self.card.points - points
        second = second.with_user(self.salesman)
        second._update_programs_and_rewards()
        self.assertFalse(second._apply_program_reward(self.program.reward_ids, self.card))
        cost = sum(second.order_line.mapped("points_cost"))
        self.assertTrue(cost)
        self.assertAlmostEqual(self.card.points, points + earned - cost)
        self.assertLedgerBalanced(self.card)

    def test_quotation_cannot_spend_another_customers_card(self):
        order = self._order(self.customer, [(self.product, 2, 100)])
        order.user_id = self.salesman
        order = order.with_user(self.salesman)
        # a line that says it spends another customer's points
        order.write(
            {
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "price_unit": 0,
                            "coupon_id": self.other_card.id,
                            "points_cost": 700,
                        }
                    )
                ]
            }
        )
        before = self._state(self.card, self.other_card)
        order.action_confirm()
        self.assertEqual(self._state(self.card, self.other_card)[0][1], before[0][1], "other card untouched")
        self.assertFalse(self._ledger(self.other_card, sale_order_id=order.id))
        # another customer's card applied to the quotation
        order = self._order(self.customer, [(self.product, 2, 100)])
        order.user_id = self.salesman
        order = order.with_user(self.salesman)
        order.applied_coupon_ids = self.other_card
        order._update_programs_and_rewards()
        order._apply_program_reward(self.program.reward_ids, self.other_card)
        self.assertTrue(order.order_line.filtered(lambda line: line.coupon_id == self.other_card))
        with self.assertRaisesMsg(UserError, "belongs to"):
            order.action_confirm()
        self.assertEqual(self.other_card.points, 800)

    # ------------------------------------------------------------------
    # card fields
    # ------------------------------------------------------------------

    def test_salesperson_cannot_change_tier_owner_or_program(self):
        tier = self.env["crm.loyalty.tier"].create(
            {"program_id": self.program.id, "name": "钻石 Diamond", "threshold": 100000, "multiplier": 3}
        )
        host_program = self._program(moment="confirm", crm_ledger=False, name="Host")
        host_card = self.env["loyalty.card"].create(
            {"program_id": host_program.id, "partner_id": self.customer.id, "points": 9000}
        )
        before = self._state(self.card, self.other_card)
        card = self.card.with_user(self.salesman)
        for vals in (
            {"crm_tier_id": tier.id},
            {"crm_tier_date": "2020-01-01"},
            {"partner_id": self.other_customer.id},
            {"program_id": host_program.id},
        ):
            with self.subTest(vals=vals), self.assertRaisesMsg(AccessError, "customer, program or tier"):
                card.write(vals)
        # a card of a program without ledger cannot bring its points into one
        with self.assertRaisesMsg(AccessError, "customer, program or tier"):
            host_card.with_user(self.salesman).write({"program_id": self.program.id})
        self.env.invalidate_all()
        self.assertFalse(self.card.crm_tier_id)
        self.assertFalse(self.card.crm_tier_date)
        self.assertEqual(self.card.partner_id, self.customer)
        self.assertEqual(host_card.program_id, host_program)
        self.assertEqual(self._state(self.card, self.other_card), before)
        # programs without ledger keep the host's behaviour
        host_card.with_user(self.salesman).write({"partner_id": self.other_customer.id})
        self.assertEqual(host_card.partner_id, self.other_customer)
        # a loyalty manager may
        self.card.with_user(self.manager).write({"crm_tier_id": tier.id})
        self.assertEqual(self.card.crm_tier_id, tier)

    # ------------------------------------------------------------------
    # "own customers only"
    # ------------------------------------------------------------------

    def test_own_customers_only_hides_other_customers_points(self):
        restricted = new_test_user(
            self.env,
            login="loyalty_own_only",
            groups="sales_team.group_sale_salesman,crm_core_ext.crm_core_ext_group_own_customers",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        mine = self.env["res.partner"].create({"name": "自己的客户", "is_company": True, "user_id": restricted.id})
        theirs = self.env["res.partner"].create({"name": "别人的客户", "is_company": True, "user_id": self.salesman.id})
        program = self._program(
            moment="invoice",
            name="Own",
            crm_tier_ids=[Command.create({"name": "Silver", "threshold": 10, "multiplier": 1})],
        )
        for partner in (mine, theirs):
            self._invoice(partner, [(self.product, 1, 100)])
            card = self._card(program, partner)
            self.Ledger._post([{"card": card, "points": -30, "entry_type": "redemption"}])
        my_card, their_card = self._card(program, mine), self._card(program, theirs)

        def visible(model, user):
            return self.env[model].with_user(user).search([("id", "in", self.env[model].search([]).ids)])

        rows = visible("crm.loyalty.ledger", restricted).filtered(lambda r: r.program_id == program)
        self.assertEqual(rows.card_id, my_card)
        consumption = visible("crm.loyalty.ledger.consumption", restricted)
        self.assertTrue(consumption)
        self.assertEqual(consumption.entry_id.card_id & (my_card | their_card), my_card)
        self.assertEqual(visible("crm.loyalty.move.points", restricted).card_id & (my_card | their_card), my_card)
        self.assertEqual(visible("crm.loyalty.tier.history", restricted).card_id & (my_card | their_card), my_card)
        with self.assertRaises(AccessError):
            self.Ledger.with_user(restricted).browse(self._ledger(their_card).ids).read(["points"])
        # a salesperson without the restriction reads both
        rows = visible("crm.loyalty.ledger", self.salesman).filtered(lambda r: r.program_id == program)
        self.assertEqual(rows.card_id, my_card | their_card)
        self.assertEqual(
            visible("crm.loyalty.move.points", self.salesman).card_id & (my_card | their_card), my_card | their_card
        )
