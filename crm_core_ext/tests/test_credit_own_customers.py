from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestCreditOwnCustomers(CreditCommon):
    """ "Own Customers Only" holds in the credit screens too: a restricted
    salesperson sees no credit exposure nor limit increase of a colleague's
    customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        common = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.restricted = new_test_user(
            cls.env,
            login="credit_own_restricted",
            groups="sales_team.group_sale_salesman,crm_core_ext.crm_core_ext_group_own_customers",
            **common,
        )
        cls.colleague = new_test_user(
            cls.env, login="credit_own_colleague", groups="sales_team.group_sale_salesman", **common
        )
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create(
            {"name": "自己的信用客户", "is_company": True, "user_id": cls.restricted.id, "credit_limit": 800.0}
        )
        cls.others = Partner.create(
            {"name": "同事的信用客户", "is_company": True, "user_id": cls.colleague.id, "credit_limit": 900.0}
        )
        cls.shared = Partner.create(
            {
                "name": "共享的信用客户",
                "is_company": True,
                "user_id": cls.colleague.id,
                "credit_limit": 700.0,
                "crm_shared_user_ids": [Command.link(cls.restricted.id)],
            }
        )
        cls.unowned = Partner.create({"name": "无人负责的信用客户", "is_company": True, "credit_limit": 600.0})
        for partner in (cls.mine, cls.others, cls.shared, cls.unowned):
            cls._invoice(partner, 100)
        cls.customers = cls.mine | cls.others | cls.shared | cls.unowned
        today = fields.Date.today()
        cls.increases = cls.env["crm.credit.limit.increase"].create(
            [
                {"partner_id": partner.id, "amount": 50, "date_end": today + timedelta(days=5), "reason": "季末"}
                for partner in cls.customers
            ]
        )

    def test_exposure_report(self):
        self.env.flush_all()
        Report = self.env["crm.credit.exposure.report"]
        domain = [("partner_id", "in", self.customers.ids)]
        self.assertEqual(Report.with_user(self.restricted).search(domain).partner_id, self.customers - self.others)
        self.assertEqual(
            Report.with_user(self.restricted).read_group(domain, ["exposure:sum"], [])[0]["exposure"],
            300,
            "totals leave the colleague's customer out too",
        )
        self.assertEqual(Report.with_user(self.colleague).search(domain).partner_id, self.customers)
        row = Report.search([("partner_id", "=", self.others.id)])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            row.with_user(self.restricted).read(["exposure"])

    def test_limit_increases(self):
        Increase = self.env["crm.credit.limit.increase"].with_user(self.restricted)
        visible = Increase.search([("id", "in", self.increases.ids)])
        self.assertEqual(visible.partner_id, self.customers - self.others)
        others_increase = self.increases.filtered(lambda i: i.partner_id == self.others)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            others_increase.with_user(self.restricted).read(["amount"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            others_increase.with_user(self.restricted).write({"amount": 5000})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            Increase.create(
                {"partner_id": self.others.id, "amount": 10, "date_end": fields.Date.today(), "reason": "x"}
            )
        self.assertEqual(
            self.env["crm.credit.limit.increase"]
            .with_user(self.colleague)
            .search([("id", "in", self.increases.ids)])
            .partner_id,
            self.customers,
        )
