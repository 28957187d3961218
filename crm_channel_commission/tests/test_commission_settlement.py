from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionSettlement(CommissionCommon):
    def _settle(self, user, agents):
        wizard = (
            self.env["commission.make.settle"]
            .with_user(user)
            .create({"settlement_type": "crm_payment", "date_to": self.today, "agent_ids": [(6, 0, agents.ids)]})
        )
        wizard.action_settle()
        return self.env["commission.settlement"].search(
            [("agent_id", "in", agents.ids), ("settlement_type", "=", "crm_payment")]
        )

    def test_agent_period_settled_into_vendor_bill(self):
        invoice = self._invoice(self.dealer_sh, [(self.banlangen, 1000.0)], date=self.last_month)
        self._pay(invoice, 500.0, date=self.last_month)
        self._pay(invoice, 500.0, date=self.today)  # this month: not in last month's period
        settlement = self._settle(self.channel_manager, self.agent)
        self.assertRecordValues(
            settlement,
            [{"date_from": self.last_month, "total": 50.0, "state": "settled", "company_id": self.company.id}],
        )
        lines = self._lines(invoice)
        self.assertEqual(lines.filtered("settled").settlement_id, settlement)
        self.assertEqual(len(lines.filtered(lambda line: not line.settled)), 1)

        bill = settlement.with_user(self.channel_manager).action_crm_create_bill()
        self.assertRecordValues(
            bill, [{"move_type": "in_invoice", "partner_id": self.agent.id, "amount_total": 50.0, "state": "draft"}]
        )
        self.assertRecordValues(settlement, [{"state": "invoiced", "bill_id": bill.id}])
        with self.assertRaises(UserError):
            settlement.with_user(self.channel_manager).action_crm_create_bill()
        # a settled line is not settled twice
        self.assertFalse(self._settle(self.channel_manager, self.agent) - settlement)

    def test_settled_commission_reversed_in_next_period(self):
        invoice = self._invoice(self.dealer_sh, [(self.banlangen, 1000.0)], date=self.last_month)
        payment = self._pay(invoice, date=self.last_month)
        settlement = self._settle(self.channel_manager, self.agent)
        self.assertEqual(settlement.total, 100.0)
        payment.move_id.line_ids.remove_move_reconcile()
        cancel = self._lines(invoice).filtered(lambda line: line.kind == "cancel")
        self.assertRecordValues(cancel, [{"amount": -100.0, "settled": False, "date": self.today}])

    def test_employees_go_to_payroll_not_bills(self):
        invoice = self._invoice(self.distributor, [(self.banlangen, 500.0)], user=self.salesman, date=self.last_month)
        self._pay(invoice, date=self.last_month)
        settlement = self._settle(self.channel_manager, self.salesman.partner_id)
        self.assertEqual(settlement.total, 10.0)
        with self.assertRefused(UserError, "payroll"):
            settlement.with_user(self.channel_manager).action_crm_create_bill()
        rows = (
            self.env["crm.channel.commission.line"]
            .with_user(self.channel_manager)
            ._crm_payroll_report(self.last_month, self.today)
        )
        row = next(r for r in rows if r["agent"] == self.salesman.partner_id)
        self.assertEqual((row["earned"], row["reversed"], row["net"], row["settled"]), (10.0, 0.0, 10.0, True))
        self.assertNotIn(self.agent, [r["agent"] for r in rows], "external agents are billed, not in payroll")
        settlement.with_user(self.channel_manager).action_crm_mark_payroll()
        self.assertEqual(settlement.state, "payroll")

    def test_channel_user_cannot_settle_or_bill(self):
        invoice = self._invoice(self.dealer_sh, [(self.banlangen, 1000.0)], date=self.last_month)
        self._pay(invoice, date=self.last_month)
        with self.assertRaises(AccessError):
            self._settle(self.channel_user, self.agent)
        settlement = self._settle(self.channel_manager, self.agent)
        with self.assertRaises(AccessError):
            settlement.with_user(self.channel_user).action_crm_create_bill()
        with self.assertRaises(AccessError):
            settlement.with_user(self.channel_user).action_crm_mark_payroll()
        self.assertEqual(settlement.state, "settled")
        self.assertFalse(settlement.bill_id)
