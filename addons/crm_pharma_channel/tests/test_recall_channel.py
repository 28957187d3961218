from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.crm_channel_mgmt.tests.sellthrough_common import SellthroughCommon


@tagged("post_install", "-at_install")
class TestRecallThroughDealers(SellthroughCommon):
    """Lot A2601 (100) went to the Shanghai dealer, which reported selling 30 + 10
    of it to one pharmacy and 20 to another, and 5 of lot B2601 to a hospital;
    lot A2602 (30) went to the Jiangsu dealer, which sold 10 of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recall_user = cls._user(
            "channel_recall_user", "stock.group_stock_user,crm_industry_pharma.crm_industry_pharma_group_user"
        )
        cls.dealer_sh.user_id = cls.salesman
        cls.report_sh = cls._report(
            cls.dealer_sh,
            [
                (cls.amoxicillin, cls.lot_a1, 30, "上海华氏大药房", cls.state_sh, "上海市", 0),
                (cls.amoxicillin, cls.lot_a1, 10, "上海华氏大药房", cls.state_sh, "上海市", 1),
                (cls.amoxicillin, cls.lot_a1, 20, "上海第一医药商店", cls.state_sh, "上海市", 1),
                (cls.banlangen, cls.lot_b1, 5, "上海瑞金医院", cls.state_sh, "上海市", 0),
            ],
        )
        cls.report_js = cls._report(
            cls.dealer_js, [(cls.amoxicillin, cls.lot_a2, 10, "苏州雷允上大药房", cls.state_js, "苏州市", 0)]
        )

    @classmethod
    def _report(cls, dealer, rows, company=None):
        company = company or cls.company
        return (
            cls.env["crm.channel.sellthrough"]
            .with_company(company)
            .create(
                {
                    "partner_id": dealer.id,
                    "company_id": company.id,
                    "date_from": cls.date_from,
                    "date_to": cls.date_to,
                    "line_ids": [
                        Command.create(
                            {
                                "date": cls.date_from + timedelta(days=day),
                                "product_id": product.id,
                                "lot_id": lot.id,
                                "quantity": quantity,
                                "customer_name": customer,
                                "state_id": state.id,
                                "city": city,
                            }
                        )
                        for product, lot, quantity, customer, state, city, day in rows
                    ],
                }
            )
        )

    def _recall(self, lots, user=None):
        form = Form(self.env["crm.pharma.recall"].with_user(user or self.recall_user))
        for lot in lots:
            form.lot_ids.add(lot)
        form.level = "2"
        form.reason = "Test 溶出度不合格"
        return form.save()

    def _channel_lines(self, recall):
        return {(line.dealer_id, line.customer_name): line for line in recall.channel_line_ids}

    def test_dealers_customers_listed_with_quantities(self):
        recall = self._recall(self.lot_a1)
        recall.with_user(self.recall_user).action_find_customers()
        self.assertEqual(recall.line_ids.partner_id, self.dealer_sh)
        self.assertEqual(recall.line_ids.qty_delivered, 100.0)
        lines = self._channel_lines(recall)
        self.assertEqual(set(lines), {(self.dealer_sh, "上海华氏大药房"), (self.dealer_sh, "上海第一医药商店")})
        pharmacy = lines[self.dealer_sh, "上海华氏大药房"]
        self.assertEqual(pharmacy.quantity, 40.0)
        self.assertEqual(pharmacy.date_last, self.date_from + timedelta(days=1))
        self.assertEqual((pharmacy.state_id, pharmacy.city), (self.state_sh, "上海市"))
        self.assertEqual(lines[self.dealer_sh, "上海第一医药商店"].quantity, 20.0)
        self.assertEqual((recall.channel_customer_count, recall.channel_qty), (2, 60.0))
        self.assertEqual(set(recall.channel_line_ids.mapped("state")), {"to_notify"})

    def test_several_lots_in_one_search(self):
        """Lots of one drug sold by two dealers: both dealers' customers, one
        query for the lots."""
        recall = self._recall(self.lot_a1 | self.lot_a2)
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.env.cr.execute(recall._crm_channel_customers_sql((self.lot_a1 | self.lot_a2).ids, self.company.id))
        recall.with_user(self.recall_user).action_find_customers()
        lines = self._channel_lines(recall)
        self.assertEqual(len(lines), 3)
        self.assertEqual(lines[self.dealer_js, "苏州雷允上大药房"].quantity, 10.0)
        self.assertEqual(recall.line_ids.partner_id, self.dealer_sh | self.dealer_js)

    def test_other_lots_not_listed(self):
        recall = self._recall(self.lot_a2)
        recall.with_user(self.recall_user).action_find_customers()
        self.assertEqual(recall.channel_line_ids.customer_name, "苏州雷允上大药房")
        self.assertEqual(recall.channel_line_ids.dealer_id, self.dealer_js)
        self.assertNotIn("上海瑞金医院", recall.channel_line_ids.mapped("customer_name"))

    def test_notify_dealer_lists_its_customers(self):
        recall = self._recall(self.lot_a1)
        recall.with_user(self.recall_user).action_find_customers()
        recall.with_user(self.recall_user).action_notify()
        self.assertEqual(set(recall.line_ids.mapped("state")), {"notified"})
        self.assertEqual(set(recall.channel_line_ids.mapped("state")), {"notified"})
        self.assertTrue(all(recall.channel_line_ids.mapped("date_notified")))
        activity = recall.activity_ids.filtered(lambda a: "to inform 2 customers" in a.summary)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn(self.dealer_sh.name, activity.summary)
        for customer in ("上海华氏大药房", "上海第一医药商店"):
            self.assertIn(customer, str(activity.note))
        # the customer answers through the dealer
        line = self._channel_lines(recall)[self.dealer_sh, "上海第一医药商店"]
        line.with_user(self.recall_user).action_acknowledge()
        line.with_user(self.recall_user).response = "Test 已下架封存"
        self.assertEqual(line.state, "acknowledged")
        self.assertTrue(line.date_acknowledged)
        # nobody left to notify
        with self.assertRefused(UserError, recall.name):
            recall.with_user(self.recall_user).action_notify()
        self.assertEqual(len(recall.activity_ids.filtered(lambda a: "customers" in a.summary)), 1)

    def test_notify_the_dealer_alone(self):
        """The dealer's own Notify button asks it to inform its customers too."""
        recall = self._recall(self.lot_a1 | self.lot_a2)
        recall.with_user(self.recall_user).action_find_customers()
        recall.line_ids.filtered(lambda line: line.partner_id == self.dealer_js).with_user(
            self.recall_user
        ).action_notify()
        lines = self._channel_lines(recall)
        self.assertEqual(lines[self.dealer_js, "苏州雷允上大药房"].state, "notified")
        self.assertEqual(lines[self.dealer_sh, "上海华氏大药房"].state, "to_notify")

    def test_lines_not_edited_by_users(self):
        recall = self._recall(self.lot_a1)
        recall.with_user(self.recall_user).action_find_customers()
        line = recall.channel_line_ids[:1].with_user(self.recall_user)
        for vals in ({"quantity": 1000}, {"state": "acknowledged"}, {"customer_name": "Test"}):
            with self.assertRefused(UserError, "only their answer is edited"):
                line.write(vals)
        with self.assertRefused(UserError, "Find Customers"):
            self.env["crm.pharma.recall.channel.line"].with_user(self.recall_user).create(
                {"recall_id": recall.id, "dealer_id": self.dealer_sh.id, "customer_name": "Test", "quantity": 1}
            )
        with self.assertRefused(UserError, "Notify the dealer"):
            line.action_acknowledge()
        self.assertEqual(line.state, "to_notify")
        self.assertEqual(len(recall.channel_line_ids), 2)

    def test_new_report_updates_the_lines(self):
        recall = self._recall(self.lot_a1)
        recall.with_user(self.recall_user).action_find_customers()
        recall.with_user(self.recall_user).action_notify()
        self.report_sh.write(
            {
                "line_ids": [
                    Command.create(
                        {
                            "date": self.date_from + timedelta(days=2),
                            "product_id": self.amoxicillin.id,
                            "lot_id": self.lot_a1.id,
                            "quantity": 5,
                            "customer_name": "上海华氏大药房",
                            "state_id": self.state_sh.id,
                            "city": "上海市",
                        }
                    ),
                    Command.create(
                        {
                            "date": self.date_from + timedelta(days=2),
                            "product_id": self.amoxicillin.id,
                            "lot_id": self.lot_a1.id,
                            "quantity": 8,
                            "customer_name": "上海长海医院",
                            "state_id": self.state_sh.id,
                            "city": "上海市",
                        }
                    ),
                ]
            }
        )
        recall.with_user(self.recall_user).action_find_customers()
        lines = self._channel_lines(recall)
        self.assertEqual(len(lines), 3)
        self.assertEqual(lines[self.dealer_sh, "上海华氏大药房"].quantity, 45.0)
        self.assertEqual(lines[self.dealer_sh, "上海华氏大药房"].state, "notified")
        self.assertEqual(lines[self.dealer_sh, "上海长海医院"].state, "to_notify")
        recall.with_user(self.recall_user).action_notify()
        activity = recall.activity_ids.filtered(lambda a: "to inform 1 customers" in a.summary)
        self.assertIn("上海长海医院", str(activity.note))
        self.assertNotIn("上海华氏大药房", str(activity.note))

    def test_closed_recall_refused(self):
        recall = self._recall(self.lot_a1)
        recall.with_user(self.recall_user).action_find_customers()
        recall.with_user(self.recall_user).action_cancel()
        with self.assertRefused(UserError, recall.name):
            recall.with_user(self.recall_user).action_find_customers()

    def test_access(self):
        recall = self._recall(self.lot_a1)
        recall.with_user(self.recall_user).action_find_customers()
        line = recall.channel_line_ids[:1]
        # a salesperson reads the lines, but does not change them
        self.assertEqual(line.with_user(self.salesman).customer_name, line.customer_name)
        with self.assertRaises(AccessError):
            line.with_user(self.salesman).write({"response": "Test"})
        with self.assertRaises(AccessError):
            line.with_user(self.salesman).action_acknowledge()
        with self.assertRaises(AccessError):
            line.with_user(self.recall_user).unlink()

    def test_multi_company(self):
        """Another company's user does not see the lines; a lot sold by a dealer
        in another company is not listed in this company's recall."""
        recall = self._recall(self.lot_a1)
        company_b = self.env["res.company"].create({"name": "Channel Recall B"})
        user_b = self._user(
            "channel_recall_b",
            "stock.group_stock_user,crm_industry_pharma.crm_industry_pharma_group_quality_manager",
            company=company_b,
        )
        # the same lot (without company) delivered and reported in both companies
        lot = self.env["stock.lot"].create({"name": "A2699", "product_id": self.amoxicillin.id})
        self._ship(self.dealer_sh, self.amoxicillin, 10, lot)
        warehouse_b = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(self.amoxicillin, warehouse_b.lot_stock_id, 10, lot_id=lot)
        picking = (
            self.env["stock.picking"]
            .with_company(company_b)
            .create(
                {
                    "picking_type_id": warehouse_b.out_type_id.id,
                    "partner_id": self.dealer_sh.id,
                    "location_id": warehouse_b.lot_stock_id.id,
                    "location_dest_id": self.customer_location.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.amoxicillin.name,
                                "product_id": self.amoxicillin.id,
                                "product_uom_qty": 10,
                                "product_uom": self.amoxicillin.uom_id.id,
                                "location_id": warehouse_b.lot_stock_id.id,
                                "location_dest_id": self.customer_location.id,
                            }
                        )
                    ],
                }
            )
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": self.amoxicillin.id,
                            "lot_id": lot.id,
                            "quantity": 10,
                            "location_id": warehouse_b.lot_stock_id.id,
                            "location_dest_id": self.customer_location.id,
                            "picking_id": picking.id,
                        }
                    )
                ],
                "picked": True,
            }
        )
        picking._action_done()
        self._report(
            self.dealer_sh, [(self.amoxicillin, lot, 4, "Test B公司药店", self.state_sh, "上海市", 0)], company_b
        )
        recall.with_user(self.recall_user).lot_ids = [Command.link(lot.id)]
        recall.with_user(self.recall_user).action_find_customers()
        self.assertNotIn("Test B公司药店", recall.channel_line_ids.mapped("customer_name"))
        self.assertEqual(len(recall.channel_line_ids), 2)
        Line = self.env["crm.pharma.recall.channel.line"]
        self.assertFalse(Line.with_user(user_b).search([("recall_id", "=", recall.id)]))
        with self.assertRaises(AccessError):
            recall.channel_line_ids.with_user(user_b).read(["customer_name"])
        # company B's own recall of the lot lists company B's dealer customer only
        recall_b = (
            self.env["crm.pharma.recall"]
            .with_user(user_b)
            .create({"lot_ids": [Command.set(lot.ids)], "reason": "Test", "level": "3", "company_id": company_b.id})
        )
        recall_b.with_user(user_b).action_find_customers()
        self.assertEqual(recall_b.channel_line_ids.mapped("customer_name"), ["Test B公司药店"])
