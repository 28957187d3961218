import contextlib

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class ChannelCommon(AccountTestInvoicingCommon):
    """A company with the dealer authorisation gate on; a salesperson, a
    channel user and a channel manager; territories 华东 > 上海, 江苏; product
    categories 药品 > 抗生素, 中成药 with one product each and one product
    outside them; a distributor in Shanghai and two dealers under it, one in
    Shanghai and one in Jiangsu. Nothing comes from demo data; products have
    no taxes so that amounts are the amounts typed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.crm_channel_gate = True
        # the accounting test user that sets the data up builds the network too
        cls.env.user.groups_id += cls.env.ref("crm_channel_mgmt.crm_channel_mgmt_group_manager")
        cls.today = fields.Date.context_today(cls.env.user)
        cls.salesman = cls._user("channel_salesman", "sales_team.group_sale_salesman")
        cls.channel_user = cls._user(
            "channel_user", "sales_team.group_sale_salesman,crm_channel_mgmt.crm_channel_mgmt_group_user"
        )
        cls.channel_manager = cls._user(
            "channel_manager", "sales_team.group_sale_salesman,crm_channel_mgmt.crm_channel_mgmt_group_manager"
        )
        Level = cls.env["crm.channel.level"]
        cls.level_distributor = Level.create({"name": "Test Distributor", "sequence": 1})
        cls.level_dealer = Level.create({"name": "Test Dealer", "sequence": 2})
        cls.level_terminal = Level.create({"name": "Test Terminal", "sequence": 3})

        cls.cn = cls.env.ref("base.cn")
        cls.state_sh = cls.env.ref("base.state_cn_SH")
        cls.state_js = cls.env.ref("base.state_cn_JS")
        Territory = cls.env["crm.channel.territory"]
        cls.territory_east = Territory.create({"name": "华东"})
        cls.territory_sh = Territory.create(
            {"name": "上海", "parent_id": cls.territory_east.id, "country_id": cls.cn.id, "state_id": cls.state_sh.id}
        )
        cls.territory_js = Territory.create(
            {"name": "江苏", "parent_id": cls.territory_east.id, "country_id": cls.cn.id, "state_id": cls.state_js.id}
        )

        Category = cls.env["product.category"]
        cls.categ_medicine = Category.create({"name": "药品"})
        cls.categ_antibiotic = Category.create({"name": "抗生素", "parent_id": cls.categ_medicine.id})
        cls.categ_tcm = Category.create({"name": "中成药", "parent_id": cls.categ_medicine.id})
        cls.amoxicillin = cls._product("阿莫西林胶囊", cls.categ_antibiotic)
        cls.banlangen = cls._product("板蓝根颗粒", cls.categ_tcm)
        cls.other_product = cls._product("Channel Other Product", Category.create({"name": "Other"}))

        cls.distributor = cls._dealer("华东医药分销有限公司", cls.level_distributor, cls.state_sh)
        cls.dealer_sh = cls._dealer("上海康健医药有限公司", cls.level_dealer, cls.state_sh, parent=cls.distributor)
        cls.dealer_js = cls._dealer("苏州仁和医药有限公司", cls.level_dealer, cls.state_js, parent=cls.distributor)

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
    def _product(cls, name, categ, price=100.0):
        return cls.env["product.product"].create(
            {
                "name": name,
                "categ_id": categ.id,
                "type": "consu",
                "list_price": price,
                "taxes_id": [Command.clear()],
                "invoice_policy": "order",
            }
        )

    @classmethod
    def _dealer(cls, name, level, state, parent=None):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "country_id": cls.cn.id,
                "state_id": state.id,
                "city": state.name,
                "crm_channel_is_dealer": True,
                "crm_channel_level_id": level.id,
                "crm_channel_parent_id": parent and parent.id,
            }
        )

    @classmethod
    def _authorize(cls, dealer, product=None, categ=None, territory=None, date_from=None, date_to=None, company=None):
        return cls.env["crm.channel.authorization"].create(
            {
                "partner_id": dealer.id,
                "product_id": product and product.id,
                "categ_id": categ and categ.id,
                "territory_id": territory and territory.id,
                "date_from": date_from,
                "date_to": date_to,
                "company_id": (company or cls.company).id,
            }
        )

    @classmethod
    def _order(cls, partner, products, user=None, company=None, shipping=None):
        env = cls.env(user=user) if user else cls.env
        vals = {
            "partner_id": partner.id,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": 1, "tax_id": [Command.clear()]})
                for product in products
            ],
        }
        if shipping:
            vals["partner_shipping_id"] = shipping.id
        return env["sale.order"].with_company(company or cls.company).create(vals)

    @contextlib.contextmanager
    def assertRefused(self, exception, text):
        """assertRaises (which rolls back what the refused call wrote) and the
        message contains ``text``."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertIn(text, str(catcher.exception))
