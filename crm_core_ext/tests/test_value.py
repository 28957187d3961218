from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

D = date(2024, 6, 30)  # reference date of the known dataset; window 365 days: 2023-07-02 .. 2024-06-30


@tagged("post_install", "-at_install")
class TestValue(AccountTestInvoicingCommon):
    """Customer value pyramid on a hand-built dataset.

    Company A (the test's independent company), window 365 days at 2024-06-30,
    weights R=1, F=1, M=2, amounts untaxed:

    ======  ==========================================  ====  =====  ======
    partner  posted documents in the window             last  freq.  money
    ======  ==========================================  ====  =====  ======
    p1      invoices 06-20 1000, 05-10 500, 03-01 2000  06-20   3    3500
    p2      invoice 06-25 3000, credit note 06-26 1000  06-25   0    2000
    p3      invoices 01-15 800, 02-15 700               02-15   2    1500
    p4      invoice 2023-09-01 400 (+ 2023-05-01 10000  09-01   1     400
            outside the window)
    p5      only 2022-01-01 5000 (outside)              -       -       -
    ======  ==========================================  ====  =====  ======

    PERCENT_RANK over 4 customers gives 0, 1/3, 2/3, 1, so the scores are
    p1 = (2/3 + 1 + 2*1) / 4 = 91.67, p2 = (1 + 0 + 2*2/3) / 4 = 58.33,
    p3 = (1/3 + 2/3 + 2*1/3) / 4 = 41.67, p4 = (0 + 1/3 + 0) / 4 = 8.33.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.setup_other_company(name="Value Co B")["company"]
        Partner = cls.env["res.partner"]
        cls.p1, cls.p2, cls.p3, cls.p4, cls.p5 = Partner.create([{"name": f"Value customer {i}"} for i in range(1, 6)])
        cls.p1_contact = Partner.create({"name": "Contact of p1", "parent_id": cls.p1.id})

        def inv(partner, day, amount, move_type="out_invoice", company=None):
            return cls.init_invoice(
                move_type,
                partner=partner,
                invoice_date=date.fromisoformat(day),
                amounts=[amount],
                taxes=[],
                post=True,
                company=company or cls.company_a,
            )

        inv(cls.p1_contact, "2024-06-20", 1000)  # invoiced to a contact: counts for its company
        inv(cls.p1, "2024-05-10", 500)
        inv(cls.p1, "2024-03-01", 2000)
        inv(cls.p2, "2024-06-25", 3000)
        inv(cls.p2, "2024-06-26", 1000, "out_refund")
        inv(cls.p3, "2024-01-15", 800)
        inv(cls.p3, "2024-02-15", 700)
        inv(cls.p4, "2023-09-01", 400)
        inv(cls.p4, "2023-05-01", 10000)
        inv(cls.p5, "2022-01-01", 5000)
        # a draft invoice never counts
        cls.init_invoice("out_invoice", partner=cls.p4, invoice_date=date(2024, 6, 1), amounts=[99999], taxes=[])

        cls.model_a = (
            cls.env["crm.value.model"]
            .sudo()
            .create(
                {
                    "name": "RFM A",
                    "company_id": cls.company_a.id,
                    "weight_recency": 1,
                    "weight_frequency": 1,
                    "weight_monetary": 2,
                    "level_ids": [
                        Command.create(
                            {"sequence": 1, "code": "A", "name": "Strategic", "min_score": 75, "revenue_share": 50}
                        ),
                        Command.create(
                            {"sequence": 2, "code": "B", "name": "Key", "min_score": 50, "revenue_share": 30}
                        ),
                        Command.create(
                            {"sequence": 3, "code": "C", "name": "Regular", "min_score": 25, "revenue_share": 20}
                        ),
                        Command.create({"sequence": 4, "code": "D", "name": "Occasional", "min_score": 0}),
                    ],
                }
            )
        )
        cls.level = {level.code: level for level in cls.model_a.level_ids}

        cls.salesman = new_test_user(
            cls.env,
            login="val_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="val_sales_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.salesman_b = new_test_user(
            cls.env,
            login="val_salesman_b",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def _partner_values(self, company=None):
        partners = (self.p1 | self.p2 | self.p3 | self.p4 | self.p5).with_company(company or self.company_a)
        return {p: (p.crm_value_level_id.code or False, p.crm_value_score) for p in partners}

    def test_levels_score_method(self):
        result = self.model_a._recompute(date=D)
        self.assertEqual(result[self.model_a.id], (4, 0))
        self.assertEqual(
            self._partner_values(),
            {
                self.p1: ("A", 91.67),
                self.p2: ("B", 58.33),
                self.p3: ("C", 41.67),
                self.p4: ("D", 8.33),
                self.p5: (False, 0.0),
            },
        )
        self.assertEqual(self.p1.with_company(self.company_a).crm_value_date, D)
        self.assertEqual(self.model_a.last_run_customer_count, 4)
        self.assertEqual(self.model_a.level_ids.mapped("customer_count"), [1, 1, 1, 1])
        # history: one row per scored customer with the raw measures
        history = self.env["crm.value.history"].search([("model_id", "=", self.model_a.id)])
        self.assertEqual(len(history), 4)
        rows = {h.partner_id: (h.recency_days, h.frequency, h.monetary, h.score, h.level_id.code) for h in history}
        self.assertEqual(rows[self.p1], (10, 3, 3500.0, 91.67, "A"))
        # credit notes net out: one invoice and one credit note = frequency 0, revenue 3000 - 1000
        self.assertEqual(rows[self.p2], (5, 0, 2000.0, 58.33, "B"))
        self.assertEqual(rows[self.p3], ((D - date(2024, 2, 15)).days, 2, 1500.0, 41.67, "C"))
        # the window excludes the 2023-05-01 invoice of p4 and the draft invoice
        self.assertEqual(rows[self.p4], ((D - date(2023, 9, 1)).days, 1, 400.0, 8.33, "D"))
        # the contact shows its commercial partner's level through the pyramid's history button
        self.assertEqual(self.p1_contact.crm_value_history_count, 1)

    def test_levels_share_method(self):
        # revenue 7400: p1 3500 starts at 0 %, p2 2000 at 47.3 %, p3 1500 at 74.3 %, p4 400 at 94.6 %
        self.model_a.level_ids.filtered(lambda level: level.code == "D").unlink()
        self.model_a.method = "share"
        self.model_a._recompute(date=D)
        self.assertEqual(
            {p: code for p, (code, _score) in self._partner_values().items()},
            {self.p1: "A", self.p2: "A", self.p3: "B", self.p4: "C", self.p5: False},
        )
        self.assertEqual(self.model_a.level_ids.mapped("customer_count"), [2, 1, 1])
        # shares that do not reach 100 %: customers beyond them get no level
        self.model_a.level_ids.filtered(lambda level: level.code == "C").unlink()
        self.model_a._recompute(date=D)
        self.assertEqual(self.p4.with_company(self.company_a).crm_value_level_id.id, False)
        self.assertEqual(self.p3.with_company(self.company_a).crm_value_level_id, self.level["B"])

    def test_customer_leaves_pyramid(self):
        # At 2022-06-30 only p5 has an invoice in the window: a sole customer scores 100.
        self.model_a._recompute(date=date(2022, 6, 30))
        self.assertEqual(self._partner_values()[self.p5], ("A", 100.0))
        self.model_a._recompute(date=D)
        self.assertEqual(self._partner_values()[self.p5], (False, 0.0))
        self.assertFalse(self.p5.with_company(self.company_a).crm_value_date)
        self.assertEqual(self.model_a.last_run_removed_count, 1)
        left = self.env["crm.value.history"].search([("partner_id", "=", self.p5.id), ("date", "=", D)])
        self.assertEqual((len(left), left.level_id.id, left.score), (1, False, 0.0))
        # a second run with unchanged data changes nothing and adds one history row per customer
        self.model_a._recompute(date=D)
        self.assertEqual(self.model_a.last_run_removed_count, 0)
        self.assertEqual(self.env["crm.value.history"].search_count([("model_id", "=", self.model_a.id)]), 1 + 5 + 4)

    def test_query_count_constant(self):
        """The recompute runs a fixed number of queries, whatever the number of customers:
        read the model, lock its row, one statement that scores, levels, historises and
        updates the partners, and the update of the model's counters."""
        model = self.model_a.with_user(self.sales_manager)

        def recompute_counted():
            self.model_a.last_run = False  # so that the ORM cannot skip the final update
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(4):
                model._recompute(date=D)

        model._recompute(date=D)
        recompute_counted()
        more = self.env["res.partner"].create([{"name": f"extra {i}"} for i in range(20)])
        for partner in more:
            self.init_invoice(
                "out_invoice", partner=partner, invoice_date=date(2024, 6, 1), amounts=[10], taxes=[], post=True
            )
        model._recompute(date=D)
        recompute_counted()
        self.assertEqual(model.last_run_customer_count, 24)

    def test_read_group_pyramid(self):
        """The pyramid's graph and pivot group partners by a company-dependent many2one."""
        self.model_a._recompute(date=D)
        Partner = self.env["res.partner"].with_user(self.salesman).with_company(self.company_a)
        groups = Partner._read_group(
            [("crm_value_level_id", "!=", False)],
            ["crm_value_level_id"],
            ["__count", "crm_value_score:avg"],
        )
        self.assertEqual(
            [(level.code, count, round(avg, 2)) for level, count, avg in groups],
            [("A", 1, 91.67), ("B", 1, 58.33), ("C", 1, 41.67), ("D", 1, 8.33)],
        )
        web_groups = Partner.web_read_group(
            [("crm_value_level_id", "!=", False)], ["crm_value_score:avg"], ["crm_value_level_id"]
        )
        self.assertEqual(web_groups["length"], 4)
        self.assertEqual(Partner.search_count([("crm_value_level_id", "=", self.level["A"].id)]), 1)

    def test_multi_company(self):
        model_b = (
            self.env["crm.value.model"]
            .sudo()
            .create(
                {
                    "name": "RFM B",
                    "company_id": self.company_b.id,
                    "level_ids": [
                        Command.create({"code": "X", "name": "Top", "min_score": 50}),
                        Command.create({"code": "Y", "name": "Rest", "min_score": 0}),
                    ],
                }
            )
        )
        self.init_invoice(
            "out_invoice",
            partner=self.p4,
            invoice_date=date(2024, 6, 1),
            amounts=[100],
            taxes=[],
            post=True,
            company=self.company_b,
        )
        self.model_a._recompute(date=D)
        before = self._partner_values()
        model_b._recompute(date=D)
        # company B's model does not touch company A's levels ...
        self.assertEqual(self._partner_values(), before)
        # ... and scores only company B's invoices
        self.assertEqual(self.p4.with_company(self.company_b).crm_value_level_id.code, "X")
        self.assertFalse(self.p1.with_company(self.company_b).crm_value_level_id)
        # recomputing A again leaves B's values alone
        self.model_a._recompute(date=D)
        self.assertEqual(self.p4.with_company(self.company_b).crm_value_score, 100.0)
        # one active model per company
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.model_a.sudo().copy({"name": "Second model of A"})
        second = self.model_a.sudo().copy({"name": "Second model of A", "active": False})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            second.active = True
            second.flush_recordset()
        # a user of company B sees neither company A's model nor its history
        self.assertFalse(self.env["crm.value.model"].with_user(self.salesman_b).search([("id", "=", self.model_a.id)]))
        self.assertFalse(
            self.env["crm.value.history"].with_user(self.salesman_b).search([("model_id", "=", self.model_a.id)])
        )
        with self.assertRaises(AccessError):
            self.model_a.with_user(self.salesman_b).read(["name"])

    def test_access(self):
        self.model_a._recompute(date=D)
        # a salesperson reads levels, the model and the history ...
        p1 = self.p1.with_user(self.salesman)
        self.assertEqual(p1.crm_value_level_id.code, "A")
        self.assertEqual(p1.crm_value_score, 91.67)
        model = self.model_a.with_user(self.salesman)
        self.assertEqual(model.level_ids.mapped("code"), ["A", "B", "C", "D"])
        self.assertTrue(self.env["crm.value.history"].with_user(self.salesman).search_count([]))
        # ... but cannot change the model, its levels or the history, nor recompute
        with self.assertRaises(AccessError):
            model.window_days = 30
        with self.assertRaises(AccessError):
            model.level_ids[0].min_score = 90
        with self.assertRaises(AccessError):
            self.env["crm.value.level"].with_user(self.salesman).create(
                {"model_id": self.model_a.id, "code": "E", "name": "E", "min_score": 0}
            )
        with self.assertRaises(AccessError):
            model.action_recompute()
        with self.assertRaises(AccessError):
            self.env["crm.value.history"].with_user(self.salesman).search([], limit=1).score = 1
        # a sales manager configures and recomputes
        manager_model = self.model_a.with_user(self.sales_manager)
        manager_model.write({"window_days": 3650, "level_ids": [Command.update(self.level["A"].id, {"min_score": 80})]})
        action = manager_model.action_recompute()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.model_a.window_days, 3650)

    def test_value_fields_only_from_the_computation(self):
        """Nobody sets a customer's level, score or date by hand, whatever the
        path (form, RPC, import): only the computation does."""
        self.model_a._recompute(date=D)
        for user in (self.salesman, self.sales_manager):
            p3 = self.p3.with_user(user).with_company(self.company_a)
            for vals in (
                {"crm_value_level_id": self.level["A"].id},
                {"crm_value_score": 99.0},
                {"crm_value_date": "2024-07-01", "name": "Renamed"},
            ):
                with self.assertRaisesRegex(AccessError, "set by the computation"):
                    p3.write(vals)
            with self.assertRaisesRegex(AccessError, "set by the computation"):
                self.env["res.partner"].with_user(user).create(
                    {"name": "Born in A", "crm_value_level_id": self.level["A"].id}
                )
        self.assertEqual(self._partner_values()[self.p3], ("C", 41.67))
        self.assertNotEqual(self.p3.name, "Renamed")
        # other fields stay writable, and an empty value on create is no change
        self.p3.with_user(self.salesman).write({"phone": "+86 571 8888 6666"})
        self.env["res.partner"].with_user(self.salesman).create({"name": "Blank", "crm_value_score": 0})

    def test_bad_thresholds(self):
        Model = self.env["crm.value.model"].with_user(self.sales_manager)
        count = Model.search_count([])
        bad_level_sets = [
            # not decreasing
            [("A", 50, 0), ("B", 60, 0)],
            # equal
            [("A", 50, 0), ("B", 50, 0)],
            # out of range
            [("A", 120, 0), ("B", 0, 0)],
            # duplicate code
            [("A", 80, 0), ("A", 0, 0)],
            # no level
            [],
        ]
        self.model_a.active = False
        for levels in bad_level_sets:
            with self.subTest(levels=levels), self.assertRaises(ValidationError):
                Model.create(
                    {
                        "name": "Bad",
                        "company_id": self.company_a.id,
                        "level_ids": [
                            Command.create({"sequence": i, "code": c, "name": c, "min_score": s})
                            for i, (c, s, _share) in enumerate(levels)
                        ],
                    }
                )
        bad_shares = [[("A", 60), ("B", 50)], [("A", 0), ("B", 50)], [("A", 120)]]
        for levels in bad_shares:
            with self.subTest(levels=levels), self.assertRaises(ValidationError):
                Model.create(
                    {
                        "name": "Bad shares",
                        "company_id": self.company_a.id,
                        "method": "share",
                        "level_ids": [
                            Command.create({"sequence": i, "code": c, "name": c, "revenue_share": s})
                            for i, (c, s) in enumerate(levels)
                        ],
                    }
                )
        with self.assertRaises(ValidationError):
            Model.create(
                {
                    "name": "No weight",
                    "company_id": self.company_a.id,
                    "weight_recency": 0,
                    "weight_frequency": 0,
                    "weight_monetary": 0,
                    "level_ids": [Command.create({"code": "A", "name": "A", "min_score": 0})],
                }
            )
        self.assertEqual(Model.search_count([]), count - 1)  # nothing saved (model_a archived)
        self.model_a.active = True
        # editing an existing model into inconsistent thresholds is refused and nothing changes
        with self.assertRaises(ValidationError) as error:
            self.model_a.with_user(self.sales_manager).write(
                {"level_ids": [Command.update(self.level["C"].id, {"min_score": 60})]}
            )
        self.assertIn("strictly decrease", str(error.exception))
        self.model_a.invalidate_recordset()
        self.level["C"].invalidate_recordset()
        self.assertEqual(self.level["C"].min_score, 25)
        with self.assertRaises(ValidationError):
            self.level["D"].with_user(self.sales_manager).min_score = 30

    def test_cron(self):
        self.init_invoice("out_invoice", partner=self.p1, invoice_date=date.today(), amounts=[10], taxes=[], post=True)
        self.model_a.last_run = False
        self.env["crm.value.model"]._cron_recompute()
        self.assertTrue(self.model_a.last_run)
        self.assertTrue(self.p1.with_company(self.company_a).crm_value_level_id)
