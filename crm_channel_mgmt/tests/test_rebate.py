from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import ChannelCommon


class RebateCommon(ChannelCommon):
    """A 2025 agreement, quarterly, on the 药品 category (抗生素 and 中成药 are
    sub-categories): 2 % from 10,000, 3 % from 20,000 bought in the year."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Agreement = cls.env["crm.channel.rebate.agreement"].with_user(cls.channel_manager)
        cls.agreement = cls._agreement()

    @classmethod
    def _agreement(cls, confirm=True, **values):
        vals = {
            "name": "2025 年度药品返利",
            "dealer_ids": [Command.set((cls.dealer_sh | cls.dealer_js).ids)],
            "date_start": date(2025, 1, 1),
            "date_end": date(2025, 12, 31),
            "periodicity": "quarter",
            "categ_ids": [Command.set(cls.categ_medicine.ids)],
            "tier_ids": [
                Command.create({"threshold": 10000, "rate": 2}),
                Command.create({"threshold": 20000, "rate": 3}),
            ],
        }
        vals.update(values)
        agreement = cls.Agreement.create(vals)
        if confirm:
            agreement.action_confirm()
        return agreement

    @classmethod
    def _invoice(cls, dealer, day, lines, move_type="out_invoice", company=None, post=True):
        move = (
            cls.env["account.move"]
            .with_company(company or cls.company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": dealer.id,
                    "invoice_date": day,
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

    def _period(self, number, agreement=None):
        return (agreement or self.agreement).period_ids.filtered(lambda p: p.sequence == number)

    def _settle(self, number, agreement=None, user=None):
        period = self._period(number, agreement)
        return period.with_user(user or self.channel_manager).action_settle()


@tagged("post_install", "-at_install")
class TestRebate(RebateCommon):
    def test_periods_of_the_year(self):
        self.assertEqual(self.agreement.state, "running")
        self.assertEqual(
            [(p.date_from, p.date_to) for p in self.agreement.period_ids],
            [
                (date(2025, 1, 1), date(2025, 3, 31)),
                (date(2025, 4, 1), date(2025, 6, 30)),
                (date(2025, 7, 1), date(2025, 9, 30)),
                (date(2025, 10, 1), date(2025, 12, 31)),
            ],
        )

    def test_cumulative_over_three_periods_with_a_cancelled_credit_note(self):
        # Q1: 8,000 of 阿莫西林 (抗生素 ⊂ 药品): below the first tier
        self._invoice(self.dealer_sh, date(2025, 2, 10), [(self.amoxicillin, 80, 100)])
        # a product outside the agreement never counts
        self._invoice(self.dealer_sh, date(2025, 2, 11), [(self.other_product, 500, 100)])
        q1 = self._settle(1)
        sh1 = q1.filtered(lambda s: s.dealer_id == self.dealer_sh)
        self.assertEqual(len(q1), 2, "each dealer of the agreement is settled")
        self.assertEqual((sh1.base, sh1.rate, sh1.amount), (8000, 0, 0))
        self.assertEqual(sh1.state, "settled")
        self.assertFalse(q1.move_id, "nothing to pay: no credit note")

        # Q2: 7,000 more: 15,000 for the year, 2 % of it
        self._invoice(self.dealer_sh, date(2025, 5, 5), [(self.banlangen, 70, 100)])
        sh2 = self._settle(2).filtered(lambda s: s.dealer_id == self.dealer_sh)
        self.assertEqual(
            (sh2.base, sh2.rate, sh2.cumulative_amount, sh2.previous_amount, sh2.amount), (15000, 2, 300, 0, 300)
        )
        credit_note = sh2.move_id.with_env(self.env)  # as the accountant
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.partner_id, self.dealer_sh)
        self.assertEqual(credit_note.amount_total, 300)
        self.assertEqual(credit_note.crm_rebate_settlement_ids, sh2, "linked both ways")
        self.assertEqual(self.agreement.move_count, 1)

        with self.assertRefused(UserError, "already settled"):
            self._settle(2)

        # the accountant cancels the credit note: the period reopens and is settled again
        credit_note.button_cancel()
        self.assertEqual(sh2.state, "cancelled")
        self.assertFalse(self._period(2).settled)
        again = self._settle(2).filtered(lambda s: s.dealer_id == self.dealer_sh)
        self.assertEqual(again.amount, 300)
        self.assertNotEqual(again.move_id, credit_note)
        again.move_id.with_env(self.env).action_post()

        # Q3: 10,000 more and a credit note of 1,000: 24,000 for the year, now 3 % of all of it,
        # minus the 300 paid in Q2
        self._invoice(self.dealer_sh, date(2025, 8, 1), [(self.amoxicillin, 100, 100)])
        self._invoice(self.dealer_sh, date(2025, 9, 1), [(self.amoxicillin, 10, 100)], move_type="out_refund")
        sh3 = self._settle(3).filtered(lambda s: s.dealer_id == self.dealer_sh)
        self.assertEqual(
            (sh3.base, sh3.rate, sh3.cumulative_amount, sh3.previous_amount, sh3.amount), (24000, 3, 720, 300, 420)
        )
        self.assertEqual(sh3.tier_id.threshold, 20000)
        paid = sum(
            self.agreement.settlement_ids.filtered(
                lambda s: s.state == "settled" and s.dealer_id == self.dealer_sh
            ).mapped("amount")
        )
        self.assertEqual(paid, 720, "what was paid is the year's rate on the year's purchases")

        accrual = self.env["crm.channel.rebate.accrual"].search(
            [("agreement_id", "=", self.agreement.id), ("dealer_id", "=", self.dealer_sh.id)]
        )
        self.assertEqual((accrual.amount, accrual.rate, accrual.earned, accrual.settled), (24000, 3, 720, 720))
        self.assertEqual(accrual.to_settle, 0)
        self.assertFalse(accrual.next_threshold, "the top tier is reached")

    def test_periods_in_order(self):
        self._invoice(self.dealer_sh, date(2025, 2, 10), [(self.amoxicillin, 120, 100)])
        with self.assertRefused(UserError, "is not settled yet"):
            self._settle(2)
        self.assertFalse(self.agreement.settlement_ids, "nothing written")
        self._settle(1)
        self._settle(2)
        q1 = self.agreement.settlement_ids.filtered(lambda s: s.period_id == self._period(1) and s.move_id)
        q1.move_id.with_env(self.env).button_cancel()  # the accountant
        with self.assertRefused(UserError, "cancel its credit note first"):
            self._settle(1)

    def test_future_period_and_draft_agreement_refused(self):
        agreement = self._agreement(
            confirm=False,
            date_start=date(2099, 1, 1),
            date_end=date(2099, 12, 31),
            dealer_ids=[Command.set(self.dealer_sh.ids)],
        )
        agreement.action_confirm()
        with self.assertRefused(UserError, "can be settled from that day on"):
            self._settle(1, agreement)
        self.agreement.action_close()
        with self.assertRefused(UserError, "is not running"):
            self._settle(1)

    def test_paid_basis_and_quantity_tiers(self):
        self.agreement.dealer_ids = [Command.unlink(self.dealer_js.id)]  # no overlap with the other agreement
        agreement = self._agreement(
            name="按回款返利",
            basis="paid",
            measure="quantity",
            categ_ids=[],
            product_ids=[Command.set(self.amoxicillin.ids)],
            dealer_ids=[Command.set(self.dealer_js.ids)],
            tier_ids=[Command.create({"threshold": 100, "rate": 5})],
        )
        invoice = self._invoice(self.dealer_js, date(2025, 1, 10), [(self.amoxicillin, 300, 100)])
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": 15000, "payment_date": date(2025, 2, 1)}
        )._create_payments()
        settlement = self._settle(1, agreement)
        # half paid: 150 units and 15,000 count; 150 ≥ 100 units reaches 5 %
        self.assertEqual((settlement.base, settlement.rate, settlement.amount), (150, 5, 750))

    def test_next_invoice_mode(self):
        agreement = self.agreement
        agreement.settle_mode = "next_invoice"
        self._invoice(self.dealer_sh, date(2025, 2, 10), [(self.amoxicillin, 150, 100)])
        with self.assertRefused(UserError, "has no draft invoice"):
            self._settle(1)
        self.assertFalse(agreement.settlement_ids)
        draft = self._invoice(self.dealer_sh, date(2025, 4, 2), [(self.other_product, 1, 500)], post=False)
        settlement = self._settle(1).filtered(lambda s: s.dealer_id == self.dealer_sh)
        self.assertEqual(settlement.move_id, draft)
        self.assertEqual(draft.amount_total, 500 - 300)
        settlement.move_line_id.unlink()
        self.assertEqual(settlement.state, "cancelled", "the rebate line removed: the period reopens")

    # ------------------------------------------------------------------ bad input
    def test_overlapping_agreements_refused(self):
        count = self.env["crm.channel.rebate.agreement"].search_count([])
        for values in (
            {"categ_ids": [Command.set(self.categ_antibiotic.ids)]},  # a sub-category of 药品
            {"categ_ids": [], "product_ids": [Command.set(self.banlangen.ids)]},  # a product of 中成药
            {"categ_ids": []},  # all products
        ):
            with self.subTest(values=values), self.assertRefused(ValidationError, "overlaps agreement"):
                self._agreement(
                    confirm=False, name="重复协议", date_start=date(2025, 7, 1), date_end=date(2026, 6, 30), **values
                )
        self.assertEqual(self.env["crm.channel.rebate.agreement"].search_count([]), count, "nothing saved")
        # other products, other dates or other dealers are fine
        self._agreement(confirm=False, name="其他产品", categ_ids=[], product_ids=[Command.set(self.other_product.ids)])
        self._agreement(confirm=False, name="2026", date_start=date(2026, 1, 1), date_end=date(2026, 12, 31))
        self._agreement(confirm=False, name="分销商", dealer_ids=[Command.set(self.distributor.ids)])

    def test_bad_tiers_and_dates(self):
        count = self.env["crm.channel.rebate.agreement"].search_count([])
        base = {
            "name": "坏协议",
            "dealer_ids": [Command.set(self.distributor.ids)],
            "date_start": date(2025, 1, 1),
            "date_end": date(2025, 12, 31),
        }
        for tiers, word in (
            ([(10000, 3), (20000, 2)], "must be in order"),
            ([(10000, 2), (10000, 3)], "must be in order"),
            ([(10000, -2)], "rate above 0"),
            ([(-5, 2)], "starts at 0 or more"),
            ([(0, 150)], "at most 100"),
        ):
            with self.subTest(tiers=tiers), self.assertRefused(ValidationError, word):
                self.Agreement.create(
                    dict(base, tier_ids=[Command.create({"threshold": t, "rate": r}) for t, r in tiers])
                )
        for dates, word in (
            ((date(2025, 6, 1), date(2025, 1, 1)), "before the start date"),
            ((date(2025, 1, 1), date(2026, 3, 31)), "one year at most"),
        ):
            with self.subTest(dates=dates), self.assertRefused(ValidationError, word):
                self.Agreement.create(dict(base, date_start=dates[0], date_end=dates[1]))
        self.assertEqual(self.env["crm.channel.rebate.agreement"].search_count([]), count, "nothing saved")
        empty = self.Agreement.create(dict(base, dealer_ids=[]))
        with self.assertRefused(UserError, "has no dealer"):
            empty.action_confirm()
        self.assertEqual(empty.state, "draft")
        self.assertFalse(empty.period_ids)

    # ------------------------------------------------------------------ access
    def test_access(self):
        self._invoice(self.dealer_sh, date(2025, 2, 10), [(self.amoxicillin, 150, 100)])
        as_user = self.agreement.with_user(self.channel_user)
        self.assertEqual(as_user.name, "2025 年度药品返利")
        with self.assertRaises(AccessError):
            as_user.write({"name": "x"})
        with self.assertRaises(AccessError):
            self.env["crm.channel.rebate.agreement"].with_user(self.channel_user).create(
                {"name": "x", "date_start": date(2025, 1, 1), "date_end": date(2025, 1, 31)}
            )
        with self.assertRefused(UserError, "Only channel administrators"):
            self._settle(1, user=self.channel_user)
        with self.assertRaises(AccessError):
            self.env["crm.channel.rebate.settlement"].with_user(self.channel_user).create(
                {
                    "agreement_id": self.agreement.id,
                    "period_id": self._period(1).id,
                    "dealer_id": self.dealer_sh.id,
                    "date": date(2025, 4, 1),
                }
            )
        with self.assertRaises(AccessError):
            self.agreement.with_user(self.salesman).read(["name"])
        self.assertFalse(self.agreement.settlement_ids)
        # a channel manager without accounting rights settles: the credit note is the accountants' to post
        settlement = self._settle(1).filtered(lambda s: s.dealer_id == self.dealer_sh)
        self.assertEqual(settlement.move_id.state, "draft")
        self.assertEqual(
            self.env["crm.channel.rebate.accrual"]
            .with_user(self.channel_user)
            .search_count([("agreement_id", "=", self.agreement.id)]),
            2,
        )

    def test_multi_company(self):
        other = self.setup_other_company()["company"]
        # the same dealer's invoices in another company never count here
        self._invoice(self.dealer_sh, date(2025, 2, 10), [(self.amoxicillin, 500, 100)], company=other)
        settlement = self._settle(1).filtered(lambda s: s.dealer_id == self.dealer_sh)
        self.assertEqual(settlement.base, 0)
        agreement_other = (
            self.env["crm.channel.rebate.agreement"]
            .with_company(other)
            .create(
                {
                    "name": "其他公司协议",
                    "company_id": other.id,
                    "dealer_ids": [Command.set(self.dealer_sh.ids)],
                    "date_start": date(2025, 1, 1),
                    "date_end": date(2025, 12, 31),
                    "tier_ids": [Command.create({"threshold": 0, "rate": 1})],
                }
            )
        )
        Agreement = self.env["crm.channel.rebate.agreement"].with_user(self.channel_manager)
        self.assertFalse(Agreement.search([("id", "=", agreement_other.id)]))
        self.assertFalse(
            self.env["crm.channel.rebate.accrual"]
            .with_user(self.channel_manager)
            .search([("company_id", "=", other.id)])
        )

    def test_bases_in_one_statement(self):
        dealers = self.env["res.partner"].create(
            [{"name": f"返利经销商 {i}", "is_company": True, "crm_channel_is_dealer": True} for i in range(20)]
        )
        agreement = self._agreement(
            name="多经销商",
            categ_ids=[],
            product_ids=[Command.set(self.other_product.ids)],
            dealer_ids=[Command.set(dealers.ids)],
        )
        for dealer in dealers[:5]:
            self._invoice(dealer, date(2025, 3, 1), [(self.other_product, 200, 100)])
        self.env.flush_all()
        with self.assertQueryCount(1):
            bases = agreement._bases(date(2025, 3, 31))
        self.assertEqual(len(bases), 20)
        self.assertEqual(bases[agreement, dealers[0]], (20000, 200))
        self.assertEqual(bases[agreement, dealers[10]], (0, 0))


@tagged("post_install", "-at_install")
class TestRebatePortal(RebateCommon, HttpCase):
    def test_dealer_sees_its_own_rebates_and_credit(self):
        self.dealer_sh.with_company(self.company).crm_credit_limit = 88000
        self._invoice(self.dealer_sh, date(2025, 2, 10), [(self.amoxicillin, 150, 100)])
        self._invoice(self.dealer_js, date(2025, 2, 10), [(self.banlangen, 260, 100)])
        self._settle(1)
        js_note = self.agreement.settlement_ids.filtered(lambda s: s.dealer_id == self.dealer_js).move_id
        js_note.with_env(self.env).action_post()
        portal_sh = self._user("rebate_portal_sh", "base.group_portal")
        portal_sh.partner_id.parent_id = self.dealer_sh
        portal_js = self._user("rebate_portal_js", "base.group_portal")
        portal_js.partner_id.parent_id = self.dealer_js

        self.authenticate(portal_sh.login, portal_sh.login)
        page = self.url_open("/my/channel").text
        self.assertIn("2025 年度药品返利", page)
        self.assertIn("15,000.00", page, "what 上海康健 bought")
        self.assertIn("88,000.00", page, "its credit limit")
        self.assertNotIn("26,000.00", page, "not what 苏州仁和 bought")
        self.assertNotIn(js_note.name, page)

        self.authenticate(portal_js.login, portal_js.login)
        page = self.url_open("/my/channel").text
        self.assertIn("26,000.00", page)
        self.assertIn(js_note.name, page, "its posted credit note")
        self.assertNotIn("15,000.00", page)
        self.assertNotIn("88,000.00", page)
        # the models stay closed to portal users over RPC
        with self.assertRaises(AccessError):
            self.env["crm.channel.rebate.accrual"].with_user(portal_js).search([])
        with self.assertRaises(AccessError):
            self.env["crm.channel.rebate.settlement"].with_user(portal_js).search([])


@tagged("post_install", "-at_install")
class TestRebateInvoicesForOthers(RebateCommon):
    def test_invoice_users_without_channel_rights_read_rebate_credit_notes(self):
        """The links from invoices to settlements are channel fields: an accountant (or a buyer whose
        bills are read with all their fields) without channel rights reads every invoice field."""
        self._invoice(self.dealer_sh, date(2025, 2, 10), [(self.amoxicillin, 150, 100)])
        credit_note = self._settle(1).move_id
        accountant = self._user("rebate_accountant", "account.group_account_invoice")
        as_accountant = credit_note.with_user(accountant)
        # what the web client and Form read: the fields of the form view the user may access
        as_accountant.line_ids.read(["name", "balance", "account_id"])
        self.assertNotIn("crm_rebate_settlement_ids", as_accountant.fields_get())
        with Form(as_accountant) as form:
            self.assertEqual(form.partner_id, self.dealer_sh)
        self.assertIn("crm_rebate_settlement_ids", credit_note.with_user(self.channel_user).fields_get())
