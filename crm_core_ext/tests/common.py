from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CreditCommon(AccountTestInvoicingCommon):
    """A company with credit control on, a salesperson, a credit manager, a
    customer with a contact, and helpers for invoices and orders without taxes
    so that amounts in assertions are the amounts typed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"account_use_credit_limit": True, "crm_credit_policy": "approval"})
        cls.salesman = new_test_user(
            cls.env,
            login="credit_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.credit_manager = new_test_user(
            cls.env,
            login="credit_manager",
            groups="sales_team.group_sale_salesman,crm_core_ext.crm_core_ext_group_credit_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "华东贸易有限公司", "is_company": True, "credit_limit": 1000.0}
        )
        cls.contact = cls.env["res.partner"].create({"name": "张伟", "parent_id": cls.customer.id})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Credit Test Product",
                "type": "consu",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "invoice_policy": "order",
            }
        )

    @classmethod
    def _invoice(cls, partner, amount, invoice_date=None, due_date=None, post=True, company=None):
        invoice_date = invoice_date or fields.Date.today()
        move = (
            cls.env["account.move"]
            .with_company(company or cls.company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": due_date or invoice_date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _order(cls, partner, amount, user=None, company=None):
        env = cls.env(user=user) if user else cls.env
        return (
            env["sale.order"]
            .with_company(company or cls.company)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
