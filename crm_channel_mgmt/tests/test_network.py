from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import ChannelCommon


@tagged("post_install", "-at_install")
class TestNetwork(ChannelCommon):
    def test_levels_ordered_by_sequence(self):
        levels = self.env["crm.channel.level"].search(
            [("id", "in", (self.level_terminal | self.level_distributor | self.level_dealer).ids)]
        )
        self.assertEqual(levels, self.level_distributor | self.level_dealer | self.level_terminal)
        self.assertEqual(levels.ids, [self.level_distributor.id, self.level_dealer.id, self.level_terminal.id])
        self.assertEqual(self.level_dealer.dealer_count, 2)

    def test_network_parent_and_children(self):
        self.assertEqual(self.distributor.crm_channel_child_ids, self.dealer_sh | self.dealer_js)
        self.assertEqual(self.distributor.crm_channel_child_count, 2)
        terminal = self._dealer("上海浦东康民大药房", self.level_terminal, self.state_sh, parent=self.dealer_sh)
        found = self.env["res.partner"].search([("crm_channel_parent_id", "child_of", self.distributor.id)])
        self.assertEqual(found, self.distributor | self.dealer_sh | self.dealer_js | terminal)

    def test_dealer_cannot_be_its_own_ancestor(self):
        terminal = self._dealer("上海浦东康民大药房", self.level_terminal, self.state_sh, parent=self.dealer_sh)
        with self.assertRefused(ValidationError, "cannot supply itself"):
            self.distributor.with_user(self.channel_manager).crm_channel_parent_id = terminal
        self.assertFalse(self.distributor.crm_channel_parent_id)
        with self.assertRefused(ValidationError, "cannot supply itself"):
            self.dealer_sh.with_user(self.channel_manager).crm_channel_parent_id = self.dealer_sh
        self.assertEqual(self.dealer_sh.crm_channel_parent_id, self.distributor)

    def test_supplier_must_be_dealer(self):
        customer = self.env["res.partner"].create({"name": "Not a dealer", "is_company": True})
        with self.assertRefused(ValidationError, "not a dealer"):
            self.dealer_sh.with_user(self.channel_manager).crm_channel_parent_id = customer
        self.assertEqual(self.dealer_sh.crm_channel_parent_id, self.distributor)

    def test_territory_contains_its_children_and_no_cycle(self):
        self.assertEqual(self.territory_sh.complete_name, "华东 / 上海")
        found = self.env["crm.channel.territory"].search([("id", "child_of", self.territory_east.id)])
        self.assertEqual(found, self.territory_east | self.territory_sh | self.territory_js)
        with self.assertRefused(ValidationError, "cannot contain itself"):
            self.territory_east.with_user(self.channel_manager).parent_id = self.territory_sh
        self.assertFalse(self.territory_east.parent_id)

    def test_territory_from_state_takes_its_country(self):
        form = Form(self.env["crm.channel.territory"].with_user(self.channel_manager))
        form.name = "浙江"
        form.state_id = self.env.ref("base.state_cn_ZJ")
        territory = form.save()
        self.assertEqual(territory.country_id, self.cn)

    def test_dealer_tab_through_form(self):
        form = Form(self.env["res.partner"].with_user(self.channel_manager))
        form.company_type = "company"
        form.name = "上海浦东康民大药房"
        form.crm_channel_is_dealer = True
        form.crm_channel_level_id = self.level_terminal
        form.crm_channel_parent_id = self.dealer_sh
        form.crm_channel_manager_id = self.channel_user
        form.crm_channel_territory_ids.add(self.territory_sh)
        terminal = form.save()
        self.assertEqual(terminal.crm_channel_parent_id, self.dealer_sh)
        self.assertEqual(terminal.crm_channel_territory_ids, self.territory_sh)

    def test_authorisation_dates_reversed(self):
        Authorization = self.env["crm.channel.authorization"].with_user(self.channel_manager)
        with self.assertRefused(ValidationError, "before it starts"):
            Authorization.create(
                {
                    "partner_id": self.dealer_sh.id,
                    "product_id": self.amoxicillin.id,
                    "date_from": self.today,
                    "date_to": self.today - timedelta(days=1),
                }
            )
        self.assertFalse(Authorization.search([("partner_id", "=", self.dealer_sh.id)]))

    def test_authorisation_product_or_category(self):
        Authorization = self.env["crm.channel.authorization"].with_user(self.channel_manager)
        with self.assertRefused(ValidationError, "either a product or a product category"):
            Authorization.create({"partner_id": self.dealer_sh.id})
        with self.assertRefused(ValidationError, "either a product or a product category"):
            Authorization.create(
                {"partner_id": self.dealer_sh.id, "product_id": self.amoxicillin.id, "categ_id": self.categ_tcm.id}
            )
        self.assertFalse(Authorization.search([("partner_id", "=", self.dealer_sh.id)]))

    def test_authorisation_only_for_dealers(self):
        customer = self.env["res.partner"].create({"name": "Not a dealer", "is_company": True})
        with self.assertRefused(ValidationError, "not a dealer"):
            self.env["crm.channel.authorization"].with_user(self.channel_manager).create(
                {"partner_id": customer.id, "product_id": self.amoxicillin.id}
            )
        self.assertFalse(self.env["crm.channel.authorization"].search([("partner_id", "=", customer.id)]))

    def test_authorisation_overlap_refused(self):
        self._authorize(self.dealer_sh, product=self.amoxicillin, territory=self.territory_sh, date_to=self.today)
        Authorization = self.env["crm.channel.authorization"].with_user(self.channel_manager)
        with self.assertRefused(ValidationError, "already has an authorisation"):
            Authorization.create(
                {
                    "partner_id": self.dealer_sh.id,
                    "product_id": self.amoxicillin.id,
                    "territory_id": self.territory_sh.id,
                    "date_from": self.today,
                }
            )
        self.assertEqual(Authorization.search_count([("partner_id", "=", self.dealer_sh.id)]), 1)
        # the next day, another territory, or another dealer: no overlap
        Authorization.create(
            {
                "partner_id": self.dealer_sh.id,
                "product_id": self.amoxicillin.id,
                "territory_id": self.territory_sh.id,
                "date_from": self.today + timedelta(days=1),
            }
        )
        Authorization.create(
            {"partner_id": self.dealer_sh.id, "product_id": self.amoxicillin.id, "territory_id": self.territory_js.id}
        )
        Authorization.create({"partner_id": self.dealer_js.id, "product_id": self.amoxicillin.id})
        self.assertEqual(Authorization.search_count([("product_id", "=", self.amoxicillin.id)]), 4)

    def test_authorisation_overlap_by_write(self):
        self._authorize(self.dealer_sh, product=self.amoxicillin, date_to=self.today)
        later = self._authorize(self.dealer_sh, product=self.amoxicillin, date_from=self.today + timedelta(days=10))
        with self.assertRefused(ValidationError, "already has an authorisation"):
            later.with_user(self.channel_manager).date_from = self.today - timedelta(days=3)
        self.assertEqual(later.date_from, self.today + timedelta(days=10))

    def test_valid_today_search(self):
        valid = self._authorize(self.dealer_sh, product=self.amoxicillin, date_from=self.today, date_to=self.today)
        expired = self._authorize(self.dealer_sh, product=self.banlangen, date_to=self.today - timedelta(days=1))
        future = self._authorize(self.dealer_js, product=self.banlangen, date_from=self.today + timedelta(days=1))
        Authorization = self.env["crm.channel.authorization"]
        domain = [("id", "in", (valid | expired | future).ids)]
        self.assertEqual(Authorization.search([*domain, ("is_valid_today", "=", True)]), valid)
        self.assertEqual(Authorization.search([*domain, ("is_valid_today", "=", False)]), expired | future)
        self.assertTrue(valid.is_valid_today)
        self.assertFalse(expired.is_valid_today)
