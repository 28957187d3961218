from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyMultiCompany(LoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="深圳分公司")["company"]
        cls.program_a = cls._program(moment="invoice")
        cls.program_b = cls._program(moment="invoice", company=cls.company_b, name="B 积分")
        cls.user_b = new_test_user(
            cls.env,
            login="loyalty_salesman_b",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def test_programs_and_cards_are_separate(self):
        self._invoice(self.customer, [(self.product, 1, 100)])
        self._invoice(self.customer, [(self.product, 1, 300)], company=self.company_b)
        card_a, card_b = self._card(self.program_a), self._card(self.program_b)
        self.assertEqual((card_a.points, card_b.points), (100, 300))
        self.assertEqual(card_a.company_id, self.company)
        self.assertEqual(card_b.company_id, self.company_b)
        self.assertEqual(self._ledger(card_b).company_id, self.company_b)
        # a user of company B sees only B's ledger
        Ledger = self.env["crm.loyalty.ledger"].with_user(self.user_b)
        self.assertEqual(Ledger.search([("partner_id", "=", self.customer.id)]).card_id, card_b)
        with self.assertRaises(AccessError):
            Ledger.browse(self._ledger(card_a).ids).read(["points"])

    def test_statement_lists_the_user_companies_only(self):
        self._invoice(self.customer, [(self.product, 1, 100)])
        self._invoice(self.customer, [(self.product, 1, 300)], company=self.company_b)
        statement = self.customer.with_user(self.user_b).with_company(self.company_b)._crm_loyalty_statement()
        self.assertEqual([data["card"].program_id for data in statement], [self.program_b])
