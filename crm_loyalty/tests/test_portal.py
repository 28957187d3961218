from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLoyaltyPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.customer_user = new_test_user(cls.env, login="loyal_customer", groups="base.group_portal", name="王芳")
        cls.other_user = new_test_user(cls.env, login="other_customer", groups="base.group_portal", name="Other")
        cls.customer = cls.customer_user.partner_id
        cls.product = cls.env["product.product"].create(
            {"name": "积分商品", "type": "service", "list_price": 1000, "taxes_id": [Command.clear()]}
        )
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "会员积分",
                "program_type": "loyalty",
                "crm_ledger": True,
                "trigger": "auto",
                "applies_on": "both",
                "company_id": cls.company.id,
                "crm_accrual_moment": "payment",
                "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 1,
                            "discount_mode": "per_point",
                            "discount_applicability": "order",
                            "required_points": 100,
                        }
                    )
                ],
            }
        )

        # only this program earns (the demo data has one for the same company)
        cls.env["loyalty.program"].search([("id", "!=", cls.program.id)]).action_archive()

    def _card(self, partner):
        return self.env["loyalty.card"].search([("program_id", "=", self.program.id), ("partner_id", "=", partner.id)])

    def test_portal_customer_sees_only_own_statement(self):
        self.env["loyalty.card"].create({"program_id": self.program.id, "partner_id": self.customer.id, "points": 42})
        card = self._card(self.customer)
        self.authenticate("loyal_customer", "loyal_customer")
        page = self.url_open("/my/loyalty")
        self.assertEqual(page.status_code, 200)
        self.assertIn(card.code, page.text)
        self.assertIn("Opening balance", page.text)
        pdf = self.url_open("/my/loyalty/statement.pdf")
        self.assertEqual(pdf.status_code, 200)
        self.assertIn(card.code, pdf.text)  # tests render reports as HTML

        # the real PDF, rendered by wkhtmltopdf from this server, with Chinese text
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("crm_loyalty.action_report_loyalty_statement", self.customer.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

        self.authenticate("other_customer", "other_customer")
        page = self.url_open("/my/loyalty")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(card.code, page.text)
        self.assertIn("no loyalty card yet", page.text)
        self.assertNotIn(card.code, self.url_open("/my/loyalty/statement.pdf").text)

    def test_tour_invoice_paid_points_reward_statement(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create({"product_id": self.product.id, "price_unit": 1000, "tax_ids": [Command.clear()]})
                ],
            }
        )
        invoice.action_post()
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "crm_loyalty_pay_invoice_tour",
            login="admin",
        )
        card = self._card(self.customer)
        self.assertEqual(card.points, 1000)

        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "price_unit": 100, "tax_id": [Command.clear()]})
                ],
            }
        )
        self.start_tour(f"/odoo/sales/{order.id}", "crm_loyalty_use_reward_tour", login="admin")
        self.assertEqual(order.state, "sale")
        redemption = card.crm_ledger_ids.filtered(lambda r: r.entry_type == "redemption")
        self.assertEqual(redemption.sale_order_id, order)
        self.assertEqual(card.points, 1000 + redemption.points)
        self.assertEqual(card.points, 900)

        self.start_tour("/my/loyalty", "crm_loyalty_portal_statement_tour", login="loyal_customer")
