from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ChannelCommon


@tagged("post_install", "-at_install")
class TestChannelSecurity(ChannelCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.auth_sh = cls._authorize(cls.dealer_sh, product=cls.amoxicillin)
        cls.auth_js = cls._authorize(cls.dealer_js, categ=cls.categ_tcm)
        cls.portal_sh = cls._user("dealer_sh_portal", "base.group_portal")
        cls.portal_sh.partner_id.parent_id = cls.dealer_sh
        cls.portal_js = cls._user("dealer_js_portal", "base.group_portal")
        cls.portal_js.partner_id.parent_id = cls.dealer_js

    def test_groups_chain(self):
        self.assertTrue(self.channel_manager.has_group("crm_channel_mgmt.crm_channel_mgmt_group_user"))
        self.assertTrue(self.channel_user.has_group("crm_core_ext.crm_core_ext_group_user"))
        self.assertFalse(self.channel_user.has_group("crm_channel_mgmt.crm_channel_mgmt_group_manager"))

    def test_channel_user_reads_but_does_not_change(self):
        Authorization = self.env["crm.channel.authorization"].with_user(self.channel_user)
        both = self.auth_sh | self.auth_js
        self.assertEqual(Authorization.search([("id", "in", both.ids)]), both)
        with self.assertRaises(AccessError):
            Authorization.create({"partner_id": self.dealer_sh.id, "product_id": self.banlangen.id})
        with self.assertRaises(AccessError):
            self.auth_sh.with_user(self.channel_user).date_to = self.today
        with self.assertRaises(AccessError):
            self.env["crm.channel.territory"].with_user(self.channel_user).create({"name": "华南"})
        with self.assertRaises(AccessError):
            self.env["crm.channel.level"].with_user(self.channel_user).create({"name": "Agent"})
        self.assertEqual(self.territory_sh.with_user(self.channel_user).complete_name, "华东 / 上海")

    def test_only_channel_managers_change_dealer_information(self):
        for user in (self.salesman, self.channel_user):
            with self.assertRaises(AccessError):
                self.dealer_sh.with_user(user).crm_channel_is_dealer = False
            with self.assertRaises(AccessError):
                self.dealer_sh.with_user(user).crm_channel_parent_id = False
            with self.assertRaises(AccessError):
                self.dealer_sh.with_user(user).crm_channel_territory_ids = [Command.link(self.territory_js.id)]
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).create(
                    {"name": "New dealer", "is_company": True, "crm_channel_is_dealer": True}
                )
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).with_context(default_crm_channel_is_dealer=True).create(
                    {"name": "New dealer", "is_company": True}
                )
        self.assertFalse(self.env["res.partner"].search([("name", "=", "New dealer")]))
        self.assertTrue(self.dealer_sh.crm_channel_is_dealer)
        # other fields, and dealer fields written unchanged (the merge wizard writes every field), pass
        self.dealer_sh.with_user(self.salesman).write(
            {"phone": "021-12345678", "crm_channel_is_dealer": True, "crm_channel_parent_id": self.distributor.id}
        )
        self.env["res.partner"].with_user(self.salesman).create({"name": "Customer", "crm_channel_is_dealer": False})
        self.dealer_sh.with_user(self.channel_manager).write(
            {"crm_channel_parent_id": False, "crm_channel_manager_id": self.channel_user.id}
        )
        self.assertEqual(self.dealer_sh.crm_channel_manager_id, self.channel_user)

    def test_copy_of_a_partner_without_dealer_information(self):
        """A copy sends every copied field, empty dealer fields included (the
        host's purchase tests copy a user, and so its partner)."""
        customer = self.env["res.partner"].create({"name": "Channel Copy Customer", "is_company": True})
        copy = customer.with_user(self.salesman).copy()
        self.assertFalse(copy.crm_channel_is_dealer)
        self.env["res.partner"].with_user(self.salesman).create(
            {"name": "Channel Copy Customer 2", "crm_channel_territory_ids": [Command.set([])]}
        )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).create(
                {"name": "Channel Copy Dealer", "crm_channel_territory_ids": [Command.set(self.territory_js.ids)]}
            )
        with self.assertRaises(AccessError):
            self.dealer_sh.with_user(self.salesman).copy()

    def test_manager_manages(self):
        authorization = (
            self.env["crm.channel.authorization"]
            .with_user(self.channel_manager)
            .create({"partner_id": self.dealer_sh.id, "product_id": self.banlangen.id})
        )
        authorization.date_to = self.today
        authorization.unlink()
        territory = self.env["crm.channel.territory"].with_user(self.channel_manager).create({"name": "华南"})
        territory.unlink()

    def test_salesman_without_channel_group_reads_no_authorisation(self):
        with self.assertRaises(AccessError):
            self.env["crm.channel.authorization"].with_user(self.salesman).search([])

    def test_portal_dealer_sees_only_its_own(self):
        Authorization = self.env["crm.channel.authorization"].with_user(self.portal_sh)
        self.assertEqual(Authorization.search([]), self.auth_sh)
        with self.assertRaises(AccessError):
            self.auth_js.with_user(self.portal_sh).read(["product_id"])
        with self.assertRaises(AccessError):
            Authorization.create({"partner_id": self.dealer_sh.id, "product_id": self.banlangen.id})
        with self.assertRaises(AccessError):
            self.auth_sh.with_user(self.portal_sh).date_to = self.today
        self.assertEqual(self.env["crm.channel.authorization"].with_user(self.portal_js).search([]), self.auth_js)

    def test_portal_catalogue_is_the_dealers_own(self):
        self.assertEqual(self.portal_sh.partner_id._crm_channel_catalogue(self.company), self.amoxicillin)
        catalogue_js = self.portal_js.partner_id._crm_channel_catalogue(self.company)
        self.assertIn(self.banlangen, catalogue_js)
        self.assertNotIn(self.amoxicillin, catalogue_js)

    def test_multi_company(self):
        other = self.setup_other_company()["company"]
        auth_other = self._authorize(self.dealer_sh, product=self.banlangen, company=other)
        territory_other = self.env["crm.channel.territory"].create({"name": "华南", "company_id": other.id})
        manager_other = self._user(
            "channel_manager_other",
            "sales_team.group_sale_salesman,crm_channel_mgmt.crm_channel_mgmt_group_manager",
            company=other,
        )
        Authorization = self.env["crm.channel.authorization"]
        self.assertEqual(Authorization.with_user(manager_other).search([]), auth_other)
        self.assertNotIn(auth_other, Authorization.with_user(self.channel_manager).search([]))
        with self.assertRaises(AccessError):
            auth_other.with_user(self.channel_manager).read(["product_id"])
        Territory = self.env["crm.channel.territory"]
        self.assertNotIn(territory_other, Territory.with_user(self.channel_manager).search([]))
        # shared territories (no company) are seen by both
        self.assertIn(self.territory_east, Territory.with_user(manager_other).search([]))
        # the other company's authorisation is not in this company's catalogue
        self.assertNotIn(self.banlangen, self.portal_sh.partner_id._crm_channel_catalogue(self.company))
        self.assertEqual(self.portal_sh.partner_id._crm_channel_catalogue(other), self.banlangen)
