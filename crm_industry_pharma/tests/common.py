import contextlib
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class PharmaCommon(AccountTestInvoicingCommon):
    """A company with the GSP checks on, requiring 药品经营许可证 and GSP证书 of
    customers and 药品生产许可证 of suppliers; a salesperson, a purchase user,
    a warehouse user, a pharma user and two quality managers; scopes 处方药,
    非处方药 and 生物制品 with one approved drug each, a drug not approved yet
    and a product that is no drug; an approved customer (a pharmacy) licensed
    for 处方药 and 非处方药 and an approved supplier licensed for the same.
    Nothing comes from demo data; products have no taxes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env.user)
        # the accounting test user that sets the data up is a quality manager too
        cls.env.user.groups_id += cls.env.ref("crm_industry_pharma.crm_industry_pharma_group_quality_manager")
        Type = cls.env["crm.pharma.licence.type"]
        cls.type_dbl = Type.create({"name": "Test 药品经营许可证", "code": "T-DBL"})
        cls.type_gsp = Type.create({"name": "Test GSP证书", "code": "T-GSP"})
        cls.type_dpl = Type.create({"name": "Test 药品生产许可证", "code": "T-DPL", "partner_kind": "supplier"})
        cls.company.write(
            {
                "crm_pharma_gsp": True,
                "crm_pharma_customer_licence_type_ids": [Command.set((cls.type_dbl | cls.type_gsp).ids)],
                "crm_pharma_supplier_licence_type_ids": [Command.set(cls.type_dpl.ids)],
                "crm_pharma_expiry_days": 30,
            }
        )
        Scope = cls.env["crm.pharma.scope"]
        cls.scope_rx = Scope.create({"name": "Test 处方药", "code": "T-RX"})
        cls.scope_otc = Scope.create({"name": "Test 非处方药", "code": "T-OTC"})
        cls.scope_bio = Scope.create({"name": "Test 生物制品", "code": "T-BIO"})

        cls.salesman = cls._user("pharma_salesman", "sales_team.group_sale_salesman")
        cls.buyer = cls._user("pharma_buyer", "purchase.group_purchase_user")
        cls.stock_user = cls._user("pharma_stock", "stock.group_stock_user,sales_team.group_sale_salesman")
        cls.pharma_user = cls._user(
            "pharma_user", "sales_team.group_sale_salesman,crm_industry_pharma.crm_industry_pharma_group_user"
        )
        cls.quality_manager = cls._user(
            "pharma_qm", "sales_team.group_sale_salesman,crm_industry_pharma.crm_industry_pharma_group_quality_manager"
        )
        cls.quality_manager_2 = cls._user(
            "pharma_qm2", "base.group_user,crm_industry_pharma.crm_industry_pharma_group_quality_manager"
        )

        cls.amoxicillin = cls._product("阿莫西林胶囊", cls.scope_rx, number="国药准字H13023964")
        cls.banlangen = cls._product("板蓝根颗粒", cls.scope_otc, number="国药准字Z11020357")
        cls.vaccine = cls._product("乙肝疫苗", cls.scope_bio, number="国药准字S10970058")
        cls.new_drug = cls._product("布洛芬缓释胶囊", cls.scope_otc, number="国药准字H10900089", approved=False)
        cls.not_a_drug = cls._product("Pharma Test Gift Bag", False)

        cls.pharmacy = cls._partner("上海华康大药房连锁有限公司")
        cls.licence_dbl = cls._licence(cls.pharmacy, cls.type_dbl, "沪CA0210057", cls.scope_rx | cls.scope_otc)
        cls.licence_gsp = cls._licence(cls.pharmacy, cls.type_gsp, "SH-GSP-0312")
        cls.supplier = cls._partner("华北制药股份有限公司")
        cls.licence_dpl = cls._licence(cls.supplier, cls.type_dpl, "冀20160012", cls.scope_rx | cls.scope_otc)

    @classmethod
    def _user(cls, login, groups, company=None, **kwargs):
        company = company or cls.company
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            **kwargs,
        )

    @classmethod
    def _product(cls, name, scope, number=None, approved=True):
        product = cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "list_price": 100.0,
                "standard_price": 50.0,
                "taxes_id": [Command.clear()],
                "supplier_taxes_id": [Command.clear()],
                "invoice_policy": "order",
                "crm_pharma_scope_id": scope and scope.id,
                "crm_pharma_approval_number": number,
            }
        )
        if approved:
            product.product_tmpl_id.sudo().crm_pharma_approved = True
        return product

    @classmethod
    def _partner(cls, name, approved=True, **vals):
        partner = cls.env["res.partner"].create({"name": name, "is_company": True, **vals})
        if approved:
            partner.sudo().crm_pharma_approved = True
        return partner

    @classmethod
    def _licence(cls, partner, licence_type, number, scopes=None, date_start=None, date_end=None, company=None):
        return cls.env["crm.pharma.licence"].create(
            {
                "partner_id": partner.id,
                "type_id": licence_type.id,
                "name": number,
                "issuer": "Test 药品监督管理局",
                "date_start": date_start or cls.today - timedelta(days=365),
                "date_end": date_end or cls.today + timedelta(days=365),
                "scope_ids": [Command.set(scopes.ids if scopes else [])],
                "company_id": (company or cls.company).id,
            }
        )

    @classmethod
    def _order(cls, partner, products, user=None, company=None):
        env = cls.env(user=user) if user else cls.env
        return (
            env["sale.order"]
            .with_company(company or cls.company)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1, "tax_id": [Command.clear()]})
                        for product in products
                    ],
                }
            )
        )

    @classmethod
    def _purchase(cls, partner, products, user=None, company=None):
        env = cls.env(user=user) if user else cls.env
        return (
            env["purchase.order"]
            .with_company(company or cls.company)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_qty": 1, "taxes_id": [Command.clear()]})
                        for product in products
                    ],
                }
            )
        )

    @contextlib.contextmanager
    def assertRefused(self, exception, *texts):
        """assertRaises (which rolls back what the refused call wrote) and the
        message contains each of ``texts``."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        for text in texts:
            self.assertIn(text, str(catcher.exception))
