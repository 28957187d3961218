from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.crm_industry_pharma.models.crm_pharma_recall import RECALL_INDEX

from .common import PharmaCommon


class RecallCommon(PharmaCommon):
    """A lot-tracked drug with two lots in stock; lot L20261201 delivered to
    the pharmacy (30 + 10, 15 returned) and to the hospital through its
    contact (20); the other lot delivered to the supplier (50)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("stock.group_stock_manager")
        cls.recall_user = cls._user(
            "pharma_recall_user", "stock.group_stock_user,crm_industry_pharma.crm_industry_pharma_group_user"
        )
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.drug = cls.env["product.product"].create(
            {"name": "Test 批号药品", "is_storable": True, "tracking": "lot", "type": "consu"}
        )
        cls.lot = cls.env["stock.lot"].create({"name": "L20261201", "product_id": cls.drug.id})
        cls.other_lot = cls.env["stock.lot"].create({"name": "L20261202", "product_id": cls.drug.id})
        cls.env["stock.quant"]._update_available_quantity(cls.drug, cls.stock, 100, lot_id=cls.lot)
        cls.env["stock.quant"]._update_available_quantity(cls.drug, cls.stock, 100, lot_id=cls.other_lot)
        cls.hospital = cls._partner("Test 第一人民医院")
        cls.hospital_contact = cls.env["res.partner"].create({"name": "Test 药剂科", "parent_id": cls.hospital.id})
        # pharmacy: 30 + 10 delivered, 15 returned; hospital (through its contact): 20; the other lot: 50
        cls._move(cls.pharmacy, cls.lot, 30)
        cls._move(cls.pharmacy, cls.lot, 10)
        cls._move(cls.pharmacy, cls.lot, 15, incoming=True)
        cls._move(cls.hospital_contact, cls.lot, 20)
        cls._move(cls.supplier, cls.other_lot, 50)

    @classmethod
    def _move(cls, partner, lot, qty, incoming=False):
        picking_type = cls.warehouse.in_type_id if incoming else cls.warehouse.out_type_id
        source, dest = (cls.customers, cls.stock) if incoming else (cls.stock, cls.customers)
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": cls.drug.name,
                            "product_id": cls.drug.id,
                            "product_uom_qty": qty,
                            "product_uom": cls.drug.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": dest.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        move = picking.move_ids
        move.move_line_ids.unlink()
        move.move_line_ids = [
            Command.create(
                {
                    "product_id": cls.drug.id,
                    "product_uom_id": cls.drug.uom_id.id,
                    "lot_id": lot.id,
                    "quantity": qty,
                    "location_id": source.id,
                    "location_dest_id": dest.id,
                    "picking_id": picking.id,
                }
            )
        ]
        move.picked = True
        picking.button_validate()
        assert picking.state == "done", picking.state
        return picking

    def _recall(self, user, lots=None, level="2", date=None):
        form = Form(self.env["crm.pharma.recall"].with_user(user))
        for lot in lots or self.lot:
            form.lot_ids.add(lot)
        form.level = level
        if date:
            form.date_decision = date
        form.reason = "Test 含量不合格"
        return form.save()


@tagged("post_install", "-at_install")
class TestLotRecall(RecallCommon):
    def test_find_customers_deliveries_minus_returns(self):
        recall = self._recall(self.recall_user)
        self.assertEqual(recall.product_id, self.drug)
        self.assertTrue(recall.name.startswith("RC"))
        recall.with_user(self.recall_user).action_find_customers()
        self.assertEqual(recall.state, "open")
        lines = {line.partner_id: line for line in recall.line_ids}
        self.assertEqual(set(lines), {self.pharmacy, self.hospital})
        self.assertEqual((lines[self.pharmacy].qty_delivered, lines[self.pharmacy].qty_returned), (40.0, 15.0))
        self.assertEqual(lines[self.pharmacy].qty_outstanding, 25.0)
        self.assertEqual(lines[self.hospital].qty_outstanding, 20.0)
        self.assertEqual(recall.qty_outstanding, 45.0)
        # a new delivery found on the next search updates the customer's line
        self._move(self.pharmacy, self.lot, 5)
        recall.with_user(self.recall_user).action_find_customers()
        self.assertEqual(len(recall.line_ids), 2)
        self.assertEqual(lines[self.pharmacy].qty_outstanding, 30.0)

    def test_find_customers_quietly(self):
        """A recall of many lots finds thousands of customers: their lines are
        created without a creation message each, and the user does not follow
        each of them (it would be notified of every notice posted there)."""
        recall = self._recall(self.recall_user)
        # as in the web client: without the test classes' mail-disabling context
        quiet_keys = ("tracking_disable", "mail_create_nolog", "mail_create_nosubscribe", "mail_notrack")
        context = {key: value for key, value in self.env.context.items() if key not in quiet_keys}
        recall.with_env(recall.env(user=self.recall_user, context=context)).action_find_customers()
        self.assertEqual(len(recall.line_ids), 2)
        self.assertFalse(recall.line_ids.message_follower_ids)
        self.assertFalse(recall.line_ids.message_ids)

    def test_several_lots(self):
        recall = self._recall(self.recall_user, self.lot | self.other_lot)
        self.assertEqual(recall.product_id, self.drug)
        recall.with_user(self.recall_user).action_find_customers()
        lines = {line.partner_id: line for line in recall.line_ids}
        self.assertEqual(set(lines), {self.pharmacy, self.hospital, self.supplier})
        self.assertEqual(lines[self.pharmacy].qty_outstanding, 25.0)
        self.assertEqual(lines[self.supplier].qty_outstanding, 50.0)
        self.assertEqual(recall.qty_outstanding, 95.0)

    def test_lots_of_one_product(self):
        other_drug = self.env["product.product"].create(
            {"name": "Test 另一药品", "is_storable": True, "tracking": "lot", "type": "consu"}
        )
        other_drug_lot = self.env["stock.lot"].create({"name": "L20261203", "product_id": other_drug.id})
        Recall = self.env["crm.pharma.recall"].with_user(self.recall_user)
        with self.assertRefused(ValidationError, "several products", other_drug.name):
            Recall.create({"lot_ids": [Command.set((self.lot | other_drug_lot).ids)], "reason": "Test", "level": "1"})
        with self.assertRefused(ValidationError, "no lot"):
            Recall.create({"lot_ids": [], "reason": "Test", "level": "1"})
        recall = self._recall(self.recall_user)
        with self.assertRefused(ValidationError, "several products"):
            recall.with_user(self.recall_user).lot_ids = [Command.link(other_drug_lot.id)]
        self.assertEqual(recall.lot_ids, self.lot)
        self.assertFalse(Recall.search([("lot_ids", "in", other_drug_lot.ids)]))

    def test_notify_and_respond(self):
        self.pharmacy.user_id = self.salesman
        recall = self._recall(self.recall_user)
        with self.assertRefused(UserError, recall.name):
            recall.with_user(self.recall_user).action_notify()
        recall.with_user(self.recall_user).action_find_customers()
        recall.with_user(self.recall_user).action_notify()
        self.assertEqual(set(recall.line_ids.mapped("state")), {"notified"})
        activities = recall.activity_ids
        self.assertEqual(len(activities), 2)
        with self.assertRefused(UserError, "has been notified"):
            recall.with_user(self.recall_user).action_notify()
        self.assertIn(self.salesman, activities.user_id)
        for line in recall.line_ids:
            self._acknowledge(line, "Test 李药师")
        self._move(self.pharmacy, self.lot, 25, incoming=True)
        self._move(self.hospital, self.lot, 20, incoming=True)
        recall.with_user(self.recall_user).action_find_customers()
        self.assertEqual(set(recall.line_ids.mapped("state")), {"done"})
        self.assertIs(recall.with_user(self.recall_user).action_close(), True)
        self.assertEqual(recall.state, "done")
        with self.assertRefused(UserError, recall.name):
            recall.with_user(self.recall_user).action_find_customers()

    def _acknowledge(self, line, contact, date=None, response="Test 已封存, 下周退回", user=None):
        action = line.with_user(user or self.recall_user).action_acknowledge()
        form = Form(self.env[action["res_model"]].with_user(user or self.recall_user).with_context(**action["context"]))
        form.ack_contact = contact
        form.response = response
        if date:
            form.date_acknowledged = date
        return form.save().action_confirm()

    def test_query_is_index_only(self):
        recall = self._recall(self.recall_user)
        self.env.flush_all()
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute("SET LOCAL enable_bitmapscan = off")
        try:
            query = recall._customer_quantities_sql((self.lot | self.other_lot).ids)
            self.env.cr.execute(SQL("EXPLAIN %s", query))
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        finally:
            self.env.cr.execute("RESET enable_seqscan")
            self.env.cr.execute("RESET enable_bitmapscan")
        self.assertIn(f"Index Only Scan using {RECALL_INDEX} on stock_move_line", plan)
        self.assertIn("lot_id = ANY", plan)

    def test_one_lot_index_for_the_suite(self):
        """crm_channel_mgmt reads lots by the same index: one index on stock_move_line by done lot, not two."""
        self.env.cr.execute(
            """
            SELECT indexname FROM pg_indexes
             WHERE tablename = 'stock_move_line' AND indexdef LIKE '%%(lot_id) INCLUDE%%'
            """
        )
        self.assertEqual([name for (name,) in self.env.cr.fetchall()], [RECALL_INDEX])

    def test_access(self):
        with self.assertRaises(AccessError):
            self.env["crm.pharma.recall"].with_user(self.salesman).create(
                {"lot_ids": [Command.set(self.lot.ids)], "reason": "Test", "level": "1"}
            )
        recall = self._recall(self.recall_user)
        # the salesperson reads the recall, lots included, without stock access
        self.assertEqual(recall.with_user(self.salesman).read(["lot_names"])[0]["lot_names"], "L20261201")
        with self.assertRaises(AccessError):
            recall.with_user(self.salesman).action_find_customers()
        with self.assertRaises(AccessError):
            recall.with_user(self.recall_user).unlink()
        company_b = self.env["res.company"].create({"name": "Pharma Recall B"})
        user_b = self._user(
            "pharma_recall_b",
            "crm_industry_pharma.crm_industry_pharma_group_quality_manager,base.group_user",
            company=company_b,
        )
        self.assertFalse(self.env["crm.pharma.recall"].with_user(user_b).search([("id", "=", recall.id)]))
        # a lot of another company cannot be recalled here
        lot_b = self.env["stock.lot"].create(
            {"name": "L-B-001", "product_id": self.drug.id, "company_id": company_b.id}
        )
        with self.assertRefused(UserError, "L-B-001"):
            self.env["crm.pharma.recall"].with_user(self.recall_user).create(
                {"lot_ids": [Command.set(lot_b.ids)], "reason": "Test", "level": "1"}
            )


@tagged("post_install", "-at_install")
class TestRecallDeadlines(RecallCommon):
    def test_deadlines_by_level(self):
        # 药品召回管理办法: notify within 1, 3 and 7 days; completion by the company's plan
        expected = {"1": (1, 10), "2": (3, 20), "3": (7, 30)}
        for level, (notify, complete) in expected.items():
            recall = self._recall(self.recall_user, level=level, date=self.today)
            self.assertEqual(recall.date_notify_deadline, self.today + timedelta(days=notify))
            self.assertEqual(recall.date_complete_deadline, self.today + timedelta(days=complete))
            self.assertEqual(recall.date_deadline, recall.date_notify_deadline)
        self.company.crm_pharma_recall_notify_days_1 = 2
        self.assertEqual(
            self._recall(self.recall_user, level="1", date=self.today).date_notify_deadline,
            self.today + timedelta(days=2),
        )

    def test_bad_deadline_settings(self):
        admin = self._user("pharma_recall_admin", "base.group_system,base.group_user")
        Settings = self.env["res.config.settings"].with_user(admin)
        with self.assertRefused(ValidationError, "cannot be negative"):
            Settings.create({"crm_pharma_recall_notify_days_2": -1}).execute()
        with self.assertRefused(ValidationError, "fewer than the days to notify"):
            Settings.create({"crm_pharma_recall_complete_days_3": 5}).execute()
        self.assertEqual(self.company.crm_pharma_recall_notify_days_2, 3)
        self.assertEqual(self.company.crm_pharma_recall_complete_days_3, 30)
        Settings.create({"crm_pharma_recall_notify_days_3": 5, "crm_pharma_recall_complete_days_3": 15}).execute()
        self.assertEqual(self.company._crm_pharma_recall_days("3"), (5, 15))

    def test_overdue_and_alert(self):
        self.env["crm.pharma.recall"].search([]).write({"state": "cancel"})
        late = self._recall(self.recall_user, level="2", date=self.today - timedelta(days=5))
        on_time = self._recall(self.recall_user, level="3", date=self.today - timedelta(days=5))
        Recall = self.env["crm.pharma.recall"].with_user(self.recall_user)
        self.assertTrue(late.is_overdue)
        self.assertFalse(on_time.is_overdue)
        self.assertEqual(Recall.search([("is_overdue", "=", True)]), late)
        self.assertEqual(Recall.search([("is_overdue", "=", False), ("id", "in", (late | on_time).ids)]), on_time)
        alerted = self.env["crm.pharma.recall"]._cron_overdue_activities()
        self.assertEqual(alerted, late)
        activity = late.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("crm_industry_pharma.mail_activity_type_recall_overdue")
        )
        self.assertEqual(activity.user_id, self.recall_user)
        self.assertIn("not notified", activity.summary)
        # once per recall while the activity is open
        self.assertFalse(self.env["crm.pharma.recall"]._cron_overdue_activities())
        # every customer notified: the completion deadline (20 days) applies, and the lines show it
        late.with_user(self.recall_user).action_find_customers()
        self.assertTrue(all(line.is_overdue for line in late.line_ids))
        late.with_user(self.recall_user).action_notify()
        self.assertEqual(late.date_deadline, late.date_complete_deadline)
        self.assertFalse(late.is_overdue)
        self.assertEqual(set(late.line_ids.mapped("date_deadline")), {late.date_complete_deadline})
        self.assertFalse(late.line_ids.filtered("is_overdue"))


@tagged("post_install", "-at_install")
class TestRecallNotice(RecallCommon):
    def test_notice_by_email(self):
        self.pharmacy.email = "yaofang@example.com"
        self.hospital.email = False
        recall = self._recall(self.recall_user, self.lot | self.other_lot)
        recall.with_user(self.recall_user).action_find_customers()
        lines = {line.partner_id: line for line in recall.line_ids}
        with self.assertRefused(AccessError):
            recall.with_user(self.salesman).action_notify()
        with self.assertRefused(AccessError):
            lines[self.pharmacy].with_user(self.salesman).action_notify()
        self.assertEqual(set(recall.line_ids.mapped("state")), {"to_notify"})
        lines[self.pharmacy].with_user(self.recall_user).action_notify()
        self.assertEqual(lines[self.pharmacy].state, "notified")
        self.assertTrue(lines[self.pharmacy].notified_by_email)
        message = lines[self.pharmacy].message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(message.partner_ids, self.pharmacy)
        self.assertIn("药品召回通知", message.subject)
        self.assertIn("L20261201, L20261202", message.subject)
        for text in ("二级召回", "Test 含量不合格", "立即停止销售和使用", recall.name, "25"):
            self.assertIn(text, str(message.body))
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(mail.recipient_ids, self.pharmacy)
        with self.assertRefused(UserError, "already been notified"):
            lines[self.pharmacy].with_user(self.recall_user).action_notify()
        # the rest: the hospital has no e-mail address, its salesperson's activity informs it
        recall.with_user(self.recall_user).action_notify()
        self.assertEqual(lines[self.hospital].state, "notified")
        self.assertFalse(lines[self.hospital].notified_by_email)
        self.assertFalse(lines[self.hospital].message_ids.filtered(lambda m: m.message_type == "comment"))
        self.assertEqual(len(recall.activity_ids), 3)


@tagged("post_install", "-at_install")
class TestRecallFollowUp(RecallCommon):
    _acknowledge = TestLotRecall._acknowledge

    def _open_recall(self):
        recall = self._recall(self.recall_user)
        recall.with_user(self.recall_user).action_find_customers()
        recall.with_user(self.recall_user).action_notify()
        return recall, {line.partner_id: line for line in recall.line_ids}

    def test_acknowledge(self):
        recall, lines = self._open_recall()
        pharmacy = lines[self.pharmacy]
        with self.assertRaises(AccessError):
            self._acknowledge(pharmacy, "Test 李药师", user=self.salesman)
        with self.assertRefused(UserError, "future"):
            self._acknowledge(pharmacy, "Test 李药师", date=fields.Datetime.now() + timedelta(days=2))
        with self.assertRefused(UserError, "before the recall date"):
            self._acknowledge(pharmacy, "Test 李药师", date=fields.Datetime.now() - timedelta(days=30))
        with self.assertRefused(UserError, "Name the customer's person"):
            self._acknowledge(pharmacy, "   ")
        self.assertEqual(pharmacy.state, "notified")
        self.assertFalse(pharmacy.date_acknowledged)
        self._acknowledge(pharmacy, "Test 李药师")
        self.assertEqual(pharmacy.state, "acknowledged")
        self.assertEqual(pharmacy.ack_contact, "Test 李药师")
        self.assertEqual(pharmacy.ack_user_id, self.recall_user)
        self.assertEqual(pharmacy.response, "Test 已封存, 下周退回")
        self.assertTrue(pharmacy.date_acknowledged)
        with self.assertRefused(UserError, "already acknowledged"):
            self._acknowledge(pharmacy, "Test 王药师")
        # the returned quantity comes from the return moves, found again by Find Customers
        self._move(self.pharmacy, self.lot, 10, incoming=True)
        recall.with_user(self.recall_user).action_find_customers()
        self.assertEqual(
            (pharmacy.qty_returned, pharmacy.qty_outstanding, pharmacy.state), (25.0, 15.0, "acknowledged")
        )
        self._move(self.pharmacy, self.lot, 15, incoming=True)
        recall.with_user(self.recall_user).action_find_customers()
        self.assertEqual((pharmacy.qty_outstanding, pharmacy.state), (0.0, "done"))

    def test_no_edit_past_the_actions(self):
        recall, lines = self._open_recall()
        Line = self.env["crm.pharma.recall.line"].with_user(self.recall_user)
        for vals in ({"state": "done"}, {"qty_returned": 40.0}, {"response": "Test"}, {"ack_contact": "Test"}):
            with self.assertRefused(UserError, "not edited"):
                lines[self.pharmacy].with_user(self.recall_user).write(vals)
        with self.assertRefused(UserError, "Find Customers"):
            Line.create({"recall_id": recall.id, "partner_id": self.supplier.id, "qty_delivered": 5.0})
        self.assertEqual(lines[self.pharmacy].state, "notified")
        self.assertEqual(lines[self.pharmacy].qty_returned, 15.0)
        self.assertEqual(len(recall.line_ids), 2)

    def test_close_only_when_settled_or_with_reason(self):
        recall, lines = self._open_recall()
        self._acknowledge(lines[self.pharmacy], "Test 李药师")
        self._move(self.pharmacy, self.lot, 25, incoming=True)
        recall.with_user(self.recall_user).action_find_customers()
        self.assertEqual(lines[self.pharmacy].state, "done")
        with self.assertRefused(UserError, "cannot be closed", self.hospital.name):
            recall.with_user(self.recall_user).write({"state": "done"})
        action = recall.with_user(self.recall_user).action_close()
        self.assertEqual(action["res_model"], "crm.pharma.recall.close")
        self.assertEqual(recall.state, "open")
        Wizard = self.env["crm.pharma.recall.close"].with_user(self.recall_user).with_context(**action["context"])
        with self.assertRefused(UserError, "reason"):
            Wizard.create({"reason": "  "}).action_confirm()
        self.assertEqual((recall.state, lines[self.hospital].state), ("open", "notified"))
        with self.assertRaises(AccessError):
            Wizard.with_user(self.salesman).create({"reason": "Test"}).action_confirm()
        form = Form(Wizard)
        self.assertEqual(form.line_ids.ids, lines[self.hospital].ids)
        form.reason = "Test 已全部用于患者"
        form.save().action_confirm()
        self.assertEqual(recall.state, "done")
        self.assertEqual(lines[self.hospital].state, "closed")
        self.assertEqual(lines[self.hospital].close_reason, "Test 已全部用于患者")
        self.assertEqual(lines[self.pharmacy].state, "done")

    def test_close_one_customer(self):
        recall, lines = self._open_recall()
        action = lines[self.hospital].with_user(self.recall_user).action_close_line()
        wizard = self.env["crm.pharma.recall.close"].with_user(self.recall_user).with_context(**action["context"])
        wizard.create({"reason": "Test 医院已停业"}).action_confirm()
        self.assertEqual(lines[self.hospital].state, "closed")
        self.assertEqual(recall.state, "open")
        self.assertFalse(lines[self.hospital].date_deadline)


@tagged("post_install", "-at_install")
class TestRecallReports(RecallCommon):
    def _settled_recall(self):
        recall = self._recall(self.recall_user, self.lot | self.other_lot)
        recall.with_user(self.recall_user).action_find_customers()
        recall.with_user(self.recall_user).action_notify()
        lines = {line.partner_id: line for line in recall.line_ids}
        TestLotRecall._acknowledge(self, lines[self.pharmacy], "Test 李药师")
        return recall, lines

    def test_letter(self):
        recall, lines = self._settled_recall()
        Report = self.env["ir.actions.report"].with_user(self.recall_user)
        html = Report._render_qweb_html("crm_industry_pharma.action_report_recall_letter", lines[self.pharmacy].ids)[0]
        html = html.decode()
        for text in ("药品召回通知函", "二级召回", "L20261201, L20261202", "Test 含量不合格", self.pharmacy.name, "回"):
            self.assertIn(text, html)
        self.assertIn(self.company.name, html)  # the company header
        # the salesperson who follows the customer up reads the recall and prints its letter
        self.assertEqual(recall.with_user(self.salesman).lot_names, "L20261201, L20261202")
        html = Report.with_user(self.salesman)._render_qweb_html(
            "crm_industry_pharma.action_report_recall_letter", lines[self.pharmacy].ids
        )[0]
        self.assertIn("L20261201, L20261202", html.decode())
        # not a user of another company
        company_b = self.env["res.company"].create({"name": "Pharma Recall Letter B"})
        user_b = self._user(
            "pharma_recall_letter_b",
            "crm_industry_pharma.crm_industry_pharma_group_quality_manager,base.group_user",
            company=company_b,
        )
        with self.assertRaises(AccessError):
            Report.with_user(user_b)._render_qweb_html(
                "crm_industry_pharma.action_report_recall_letter", lines[self.pharmacy].ids
            )

    def test_letter_pdf_has_chinese_glyphs(self):
        recall, lines = self._settled_recall()
        # wkhtmltopdf cannot fetch the web assets from a server inside this
        # transaction: it warns and prints the text unstyled, which is enough
        # here. Point it at a closed port: the test server (web.base.url once a
        # browser test ran) would take the request and wait for this
        # transaction forever.
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:1")
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            pdf, kind = (
                self.env["ir.actions.report"]
                .with_user(self.recall_user)
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("crm_industry_pharma.action_report_recall_letter", lines[self.pharmacy].ids)
            )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        # the Chinese text is set in a CJK font (Debian's fonts-noto-cjk), embedded in the file
        self.assertIn(b"CJK", pdf)

    def test_authority_report(self):
        recall, lines = self._settled_recall()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.recall_user)
            ._render_qweb_html("crm_industry_pharma.action_report_recall_authority", recall.ids)[0]
            .decode()
        )
        for text in ("药品召回报告", "L20261202", self.supplier.name, "Test 李药师", "已确认", "已通知"):
            self.assertIn(text, html)
        company_b = self.env["res.company"].create({"name": "Pharma Recall Authority B"})
        user_b = self._user(
            "pharma_recall_authority_b",
            "crm_industry_pharma.crm_industry_pharma_group_quality_manager,base.group_user",
            company=company_b,
        )
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(user_b)._render_qweb_html(
                "crm_industry_pharma.action_report_recall_authority", recall.ids
            )

    def test_authority_spreadsheet(self):
        import io

        import openpyxl

        recall, lines = self._settled_recall()
        action = recall.with_user(self.recall_user).action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        self.assertEqual(attachment.res_id, recall.id)
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(rows[0][0], "药品召回报告")
        header = next(index for index, row in enumerate(rows) if row[0] == "收货单位")
        customers = {row[0]: row for row in rows[header + 1 :] if row[0] and row[0] != "合计"}
        self.assertEqual(set(customers), {self.pharmacy.name, self.hospital.name, self.supplier.name})
        pharmacy = customers[self.pharmacy.name]
        self.assertEqual(pharmacy[1:4], (40, 15, 25))
        self.assertTrue(pharmacy[4] and pharmacy[5])
        self.assertEqual((pharmacy[6], pharmacy[7]), ("Test 李药师", "已确认"))
        total = next(row for row in rows if row[0] == "合计")
        self.assertEqual(total[1:4], (110, 15, 95))
        # another company's user cannot export it
        company_b = self.env["res.company"].create({"name": "Pharma Recall Report B"})
        user_b = self._user(
            "pharma_recall_report_b",
            "crm_industry_pharma.crm_industry_pharma_group_quality_manager,base.group_user",
            company=company_b,
        )
        with self.assertRaises(AccessError):
            recall.with_user(user_b).action_export_xlsx()
