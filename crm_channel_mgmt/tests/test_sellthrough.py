import contextlib
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.models import check_method_name
from odoo.tests import tagged
from odoo.tools import SQL

from .sellthrough_common import SellthroughCommon


@tagged("post_install", "-at_install")
class TestSellthroughImport(SellthroughCommon):
    def test_import_happy_path(self):
        wizard = self._wizard(
            [self._row(10), self._row(5, customer="上海瑞金医院"), self._row(20, lot="B2601", code="BLG-10")],
            user=self.channel_user,
        )
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 0, wizard.line_ids.mapped("message"))
        self.assertEqual(wizard.row_count, 3)
        wizard.action_import()
        report = wizard.report_id
        self.assertEqual(report.partner_id, self.dealer_sh)
        self.assertEqual(report.source, "import")
        self.assertEqual(len(report.line_ids), 3)
        line = report.line_ids.filtered(lambda line: line.customer_name == "上海瑞金医院")
        self.assertEqual(line.lot_id, self.lot_a1)
        self.assertEqual(line.state_id, self.state_sh)
        self.assertEqual(line.amount, 62.5)
        self.assertEqual(self._stock(self.dealer_sh, self.amoxicillin, self.lot_a1).quantity, 85)
        self.assertEqual(self._stock(self.dealer_sh, self.banlangen, self.lot_b1).quantity, 30)

    def _assert_refused(self, rows, column, text, **kwargs):
        wizard = self._wizard(rows, **kwargs)
        wizard.action_preview()
        errors = wizard.line_ids.filtered(lambda line: line.severity == "error")
        self.assertTrue(errors, f"expected an error about {text}")
        self.assertIn(column, errors.mapped("column"))
        self.assertTrue(any(text in message for message in errors.mapped("message")), errors.mapped("message"))
        with self.assertRaises(UserError) as catcher:
            wizard.action_import()
        self.assertIn("Nothing was imported", str(catcher.exception))
        self.assertFalse(self._reports(kwargs.get("dealer")))
        self.assertFalse(self.env["crm.channel.sellthrough.line"].search([("partner_id", "=", self.dealer_sh.id)]))
        return errors

    def test_unknown_product(self):
        errors = self._assert_refused([self._row(1), self._row(1, code="NOPE-1")], "产品编码", "Unknown product")
        self.assertEqual(errors.row, 3)

    def test_unknown_lot(self):
        self._assert_refused([self._row(1), self._row(1, lot="X9999")], "批号", "Unknown lot")

    def test_lot_never_received(self):
        # lot A2698 went to no dealer
        self._assert_refused([self._row(1), self._row(1, lot="A2698")], "批号", "never received lot A2698")

    def test_lot_of_another_dealer_up_to_what_we_delivered(self):
        """Lot A2602 went to the Jiangsu dealer (30): the Shanghai dealer may report it (a diverted
        lot, see test_diversion), but not more of it than we delivered to dealers."""
        self._assert_refused(
            [self._row(20, lot="A2602"), self._row(11, lot="A2602")], "数量", "exceed what we delivered of the lot"
        )
        self._wizard([self._row(20, lot="A2602"), self._row(10, lot="A2602")]).action_import()
        lines = self._reports().line_ids
        self.assertEqual(lines.source_dealer_id, self.dealer_js)
        # the lines stay out of both dealers' channel stock
        self.assertFalse(self._stock(self.dealer_sh, self.amoxicillin, self.lot_a2))
        self.assertEqual(self._stock(self.dealer_js, self.amoxicillin, self.lot_a2).quantity, 30)
        self.assertEqual(self._stock(self.dealer_sh, self.amoxicillin, self.lot_a1).quantity, 100)

    def test_lot_of_the_dealers_supplier(self):
        """The distributor supplies the Shanghai dealer: its lots sold by the dealer are legitimate."""
        lot = self.env["stock.lot"].create(
            {"name": "A2610", "product_id": self.amoxicillin.id, "company_id": self.company.id}
        )
        self._ship(self.distributor, self.amoxicillin, 40, lot)
        self._wizard([self._row(15, lot="A2610")], user=self.channel_user).action_import()
        line = self._reports().line_ids
        self.assertEqual(line.source_dealer_id, self.distributor)
        self.assertEqual(self._stock(self.distributor, self.amoxicillin, lot).quantity, 40)
        self.assertFalse(self._stock(self.dealer_sh, self.amoxicillin, lot))

    def test_quantity_above_what_the_dealer_had(self):
        # 100 received: 60 + 50 cannot both have been sold
        errors = self._assert_refused([self._row(60), self._row(50)], "数量", "exceed what dealer")
        self.assertEqual(errors.row, 3)

    def test_lot_required_and_quantity_positive(self):
        self._assert_refused([self._row(1, lot="")], "批号", "the lot is required")
        self._assert_refused([self._row(-3)], "数量", "must be positive")
        self._assert_refused([self._row("abc")], "数量", "must be a number")

    def test_date_outside_period(self):
        self._assert_refused(
            [self._row(1), self._row(1, day=self.date_from - timedelta(days=1))], "销售日期", "outside"
        )

    def test_missing_columns_and_formula(self):
        with self.assertRaises(UserError):
            self._wizard([["x", "y"]], header=["foo", "bar"]).action_preview()
        wizard = self._wizard([self._row(1, customer="+1+2 药房")])
        wizard.action_import()
        self.assertEqual(wizard.report_id.line_ids.customer_name, "'+1+2 药房")

    def test_repeated_period_refused_or_replaced(self):
        self._wizard([self._row(40)]).action_import()
        first = self._reports()
        # refused: the existing report stays, nothing new
        wizard = self._wizard([self._row(50)])
        wizard.action_preview()
        self.assertIn("already has a report", " ".join(wizard.line_ids.mapped("message")))
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertEqual(self._reports(), first)
        # replaced: the old lines no longer count against the stock (40 + 70 > 100 otherwise)
        wizard = self._wizard([self._row(70)], user=self.channel_manager, policy="replace")
        wizard.action_import()
        self.assertFalse(first.exists())
        self.assertEqual(self._reports().line_ids.quantity, 70)
        self.assertEqual(self._stock(self.dealer_sh, self.amoxicillin, self.lot_a1).quantity, 30)

    def test_back_office_lines_meet_the_same_checks(self):
        report = (
            self.env["crm.channel.sellthrough"]
            .with_user(self.channel_user)
            .create({"partner_id": self.dealer_sh.id, "date_from": self.date_from, "date_to": self.date_to})
        )
        vals = {
            "date": self.date_from,
            "product_id": self.amoxicillin.id,
            "lot_id": self.lot_a1.id,
            "quantity": 30,
            "customer_name": "药店",
        }
        report.write({"line_ids": [Command.create(vals)]})
        with self.assertRaises(ValidationError):
            report.write({"line_ids": [Command.create(dict(vals, quantity=80))]})
        with self.assertRaises(ValidationError):
            report.write({"line_ids": [Command.create(dict(vals, quantity=1, lot_id=self.lot_a9.id))]})
        with self.assertRaises(ValidationError):  # 30 of A2602 went to the Jiangsu dealer
            report.write({"line_ids": [Command.create(dict(vals, quantity=31, lot_id=self.lot_a2.id))]})
        report.write({"line_ids": [Command.create(dict(vals, quantity=2, lot_id=self.lot_a2.id))]})
        self.assertEqual(report.line_ids.source_dealer_id, self.dealer_js)
        with self.assertRaises(ValidationError):
            report.write({"line_ids": [Command.create(dict(vals, quantity=1, date=self.date_to + timedelta(days=1)))]})
        with self.assertRaises(ValidationError):
            self.env["crm.channel.sellthrough"].create(
                {"partner_id": self.dealer_sh.id, "date_from": self.date_to, "date_to": self.date_to}
            )
        self.assertEqual(report.quantity, 32)


@tagged("post_install", "-at_install")
class TestChannelStock(SellthroughCommon):
    def test_stock_after_deliveries_returns_reports_and_adjustments(self):
        self._ship(self.dealer_sh, self.amoxicillin, 20, self.lot_a1)
        self._ship(self.dealer_sh, self.amoxicillin, 15, self.lot_a1, back=True)
        self._wizard([self._row(25)]).action_import()
        self.env["crm.channel.stock.adjustment"].with_user(self.channel_manager).create(
            {
                "partner_id": self.dealer_sh.id,
                "product_id": self.amoxicillin.id,
                "lot_id": self.lot_a1.id,
                "quantity": -5,
                "reason": "破损",
            }
        )
        stock = self._stock(self.dealer_sh, self.amoxicillin, self.lot_a1).with_user(self.channel_user)
        self.assertEqual(
            (stock.delivered_qty, stock.returned_qty, stock.sold_qty, stock.adjusted_qty, stock.quantity),
            (120, 15, 25, -5, 75),
        )
        # 25 sold over the last 90 days: 75 last 270 days
        self.assertAlmostEqual(stock.days_of_stock, 270)
        self.assertEqual(self._stock(self.dealer_js, self.amoxicillin, self.lot_a2).quantity, 30)
        flow = self.env["crm.channel.sellthrough.flow"].search(
            [("partner_id", "=", self.dealer_sh.id), ("product_id", "=", self.amoxicillin.id)]
        )
        self.assertEqual(sum(flow.mapped("sell_in_qty")), 105)
        self.assertEqual(sum(flow.mapped("sell_through_qty")), 25)

    STOCK_COLUMNS = (
        "company_id",
        "partner_id",
        "product_id",
        "lot_id",
        "product_categ_id",
        "channel_level_id",
        "state_id",
        "delivered_qty",
        "returned_qty",
        "sold_qty",
        "adjusted_qty",
        "quantity",
        "recent_sold_qty",
        "days_of_stock",
    )

    def _assert_stored_is_live(self, step):
        """The stored channel stock has the rows the live view computes from the movements."""
        Stock = self.env["crm.channel.stock"]
        self.env.flush_all()

        def rows(query):
            columns = SQL(", ").join(SQL.identifier("s", column) for column in self.STOCK_COLUMNS)
            self.env.cr.execute(SQL("SELECT %s FROM (%s) s", columns, query))
            return sorted(
                tuple(-1 if value is None else round(float(value), 6) for value in row)
                for row in self.env.cr.fetchall()
            )

        live = rows(Stock._crm_live_query())
        self.assertTrue(live, step)
        self.assertEqual(rows(Stock._table_query), live, step)

    def test_stored_stock_follows_every_movement(self):
        self._assert_stored_is_live("deliveries")
        self._ship(self.dealer_sh, self.amoxicillin, 20, self.lot_a1)
        self._ship(self.dealer_sh, self.amoxicillin, 15, self.lot_a1, back=True)
        contact = self.env["res.partner"].create({"name": "采购部", "parent_id": self.dealer_js.id})
        self._ship(contact, self.banlangen, 7, self.lot_b1)
        self._assert_stored_is_live("a delivery, a return, a delivery to a dealer's contact")
        self._wizard([self._row(25), self._row(5, lot="B2601", code="BLG-10")], user=self.channel_user).action_import()
        report = self._reports()
        self._assert_stored_is_live("an import")
        line = report.line_ids.filtered(lambda line: line.lot_id == self.lot_a1).with_user(self.channel_user)
        line.quantity = 30
        self._assert_stored_is_live("a line changed")
        line.copy({"quantity": 2, "customer_name": "另一家药店"})
        self._assert_stored_is_live("a line added")
        line.unlink()
        self._assert_stored_is_live("a line deleted")
        Adjustment = self.env["crm.channel.stock.adjustment"].with_user(self.channel_manager)
        adjustment = Adjustment.create(
            {"partner_id": self.dealer_js.id, "product_id": self.amoxicillin.id, "quantity": 4, "reason": "盘点"}
        )
        self._assert_stored_is_live("an adjustment")
        adjustment.write({"partner_id": self.dealer_sh.id, "quantity": -3})
        self._assert_stored_is_live("an adjustment moved to another dealer")
        adjustment.unlink()
        self._assert_stored_is_live("an adjustment deleted")
        self._wizard([self._row(40)], user=self.channel_manager, policy="replace").action_import()
        self._assert_stored_is_live("a report replaced")
        self._reports().with_user(self.channel_manager).unlink()
        self._assert_stored_is_live("a report deleted")
        contact.with_user(self.channel_manager).parent_id = self.dealer_sh
        self._assert_stored_is_live("a contact moved to another dealer")
        self.dealer_js.with_user(self.channel_manager).crm_channel_is_dealer = False
        self._assert_stored_is_live("a partner no longer a dealer")
        self.env["crm.channel.stock"]._cron_crm_channel_stock_refresh()
        self._assert_stored_is_live("the daily refresh")

    def test_alerts(self):
        self.company.write({"crm_channel_stock_max_days": 100, "crm_channel_stock_min_days": 0})
        self.dealer_sh.crm_channel_manager_id = self.channel_manager
        self._wizard([self._row(5)]).action_import()  # 95 left at 5 per 90 days
        self.env["crm.channel.stock"]._crm_stock_alerts(self.company)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.dealer_sh.id)]
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.channel_manager)
        self.assertIn("阿莫西林胶囊", str(activity.note))
        self.env["crm.channel.stock"]._crm_stock_alerts(self.company)
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.dealer_sh.id)]
            ),
            1,
            "not repeated while open",
        )


@tagged("post_install", "-at_install")
class TestSellthroughSecurity(SellthroughCommon):
    def test_access(self):
        self._wizard([self._row(5)]).action_import()
        report = self._reports()
        # channel user: reads, imports, cannot delete a report nor adjust stock
        self.assertTrue(report.with_user(self.channel_user).line_ids)
        with self.assertRaises(AccessError):
            report.with_user(self.channel_user).unlink()
        with self.assertRaises(AccessError):
            self.env["crm.channel.stock.adjustment"].with_user(self.channel_user).create(
                {"partner_id": self.dealer_sh.id, "product_id": self.amoxicillin.id, "quantity": 1, "reason": "x"}
            )
        # salesperson without the channel group: nothing
        with self.assertRaises(AccessError):
            report.with_user(self.salesman).read(["name"])
        # a dealer's portal user reads its own reports only, writes nothing
        portal_sh = self._user("st_portal_sh", "base.group_portal")
        portal_sh.partner_id.parent_id = self.dealer_sh
        portal_js = self._user("st_portal_js", "base.group_portal")
        portal_js.partner_id.parent_id = self.dealer_js
        Report = self.env["crm.channel.sellthrough"]
        self.assertEqual(Report.with_user(portal_sh).search([]), report)
        self.assertFalse(Report.with_user(portal_js).search([]))
        with self.assertRaises(AccessError):
            report.with_user(portal_sh).write({"note": "x"})
        with self.assertRaises(AccessError):
            self.env["crm.channel.sellthrough.import"].with_user(portal_sh).create({"partner_id": self.dealer_sh.id})

    def test_multi_company(self):
        company_b = self.setup_other_company(name="Channel Company B")["company"]
        self._wizard([self._row(5)]).action_import()
        user_b = self._user(
            "st_user_b",
            "sales_team.group_sale_salesman,crm_channel_mgmt.crm_channel_mgmt_group_manager",
            company=company_b,
        )
        self.assertFalse(self.env["crm.channel.sellthrough"].with_user(user_b).search([]))
        self.assertFalse(self.env["crm.channel.sellthrough.line"].with_user(user_b).search([]))
        self.assertFalse(self.env["crm.channel.stock"].with_user(user_b).search([]))
        self.assertFalse(self.env["crm.channel.sellthrough.flow"].with_user(user_b).search([]))
        # in company B, the dealer received nothing: a report there is refused
        wizard = (
            self.env["crm.channel.sellthrough.import"]
            .with_user(user_b)
            .create(
                {
                    "partner_id": self.dealer_sh.id,
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                    "file": self._workbook([self._row(1)]),
                    "filename": "b.xlsx",
                }
            )
        )
        wizard.action_preview()
        self.assertTrue(wizard.error_count)


@tagged("post_install", "-at_install")
class TestSellthroughImportSpeed(SellthroughCommon):
    """The import checks every row once, set-based, then inserts the lines with
    their final values: no second check of each batch, no recompute and UPDATE
    of every line at the next flush."""

    # 25 for the import itself, 1 for the dealers the lines' lots were delivered to (their
    # "received from"), 4 for the anti-diversion check of the lines' lots (whatever the rows)
    IMPORT_QUERIES = 30

    def _import(self, rows, months, measure=True):
        date_from = self.date_from + relativedelta(months=months)
        wizard = self._wizard(
            [self._row(quantity, lot, code, date_from, customer) for quantity, lot, code, customer in rows],
            user=self.channel_user,
            date_from=date_from,
            date_to=date_from + relativedelta(day=31),
        )
        self.env.invalidate_all()
        with self.assertQueryCount(self.IMPORT_QUERIES) if measure else contextlib.nullcontext():
            wizard.action_import()
        return wizard.report_id

    def test_import_queries_and_stored_values(self):
        def rows(count, quantity):
            return [(quantity, "A2601", "AMX-250", f"上海药房{index}") for index in range(count)] + [
                (2, "B2601", "BLG-10", "上海中医院")
            ]

        self._import(rows(20, 1), months=-2, measure=False)  # warms the registry's caches
        self._import(rows(20, 1), months=-1)
        # four times the rows: the same queries (an import costs a fixed number of queries per batch)
        report = self._import(rows(80, 0.5), months=0)
        self.assertEqual(len(report.line_ids), 81)
        self.env.invalidate_all()
        line = report.with_user(self.channel_user).line_ids.filtered(lambda line: line.lot_id == self.lot_b1)
        self.assertEqual(
            (line.partner_id, line.company_id, line.channel_level_id, line.amount),
            (self.dealer_sh, self.company, self.level_dealer, 25.0),
        )
        self.assertEqual(self._stock(self.dealer_sh, self.amoxicillin, self.lot_a1).quantity, 20)
        self.assertEqual(self._stock(self.dealer_sh, self.banlangen, self.lot_b1).quantity, 44)

    def test_lines_outside_the_import_are_checked(self):
        report = self._wizard([self._row(10)], user=self.channel_user).action_import() and self._reports()
        vals = {
            "date": self.date_from,
            "product_id": self.amoxicillin.id,
            "lot_id": self.lot_a1.id,
            "quantity": 95,
            "customer_name": "药店",
        }
        # 10 imported + 95 > 100 received: refused once the import is over
        with self.assertRaises(ValidationError):
            report.with_user(self.channel_user).write({"line_ids": [Command.create(vals)]})
        with self.assertRaises(ValidationError):
            self.env["crm.channel.sellthrough.line"].with_user(self.channel_user).create(
                dict(vals, report_id=report.id, lot_id=self.lot_a9.id, quantity=1)
            )
        # the trusted path is private: RPC cannot reach it
        with self.assertRaises(AccessError):
            check_method_name("_crm_create_checked")
