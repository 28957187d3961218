from odoo import Command
from odoo.tests import tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyAccrual(LoyaltyCommon):
    """When points are earned (confirmation, invoice posting, payment) and how
    credit notes, returns and cancellations take them back."""

    def test_invoice_posting_accrues_and_credit_note_reverses(self):
        program = self._program(moment="invoice")
        invoice = self._invoice(self.customer, [(self.product, 2, 500)])
        card = self._card(program)
        self.assertEqual(card.points, 1000)
        accrual = self._ledger(card, entry_type="accrual")
        self.assertEqual(accrual.move_id, invoice)
        self.assertEqual(accrual.remaining, 1000)
        self.assertEqual(accrual.amount, 1000)
        self.assertTrue(card.history_ids.filtered(lambda h: h.issued == 1000 and h.order_id == invoice.id))

        # a partial credit note takes back its share, from this invoice's batch
        refund = self._invoice(self.customer, [(self.product, 1, 300)], post=False, move_type="out_refund")
        refund.reversed_entry_id = invoice
        refund.action_post()
        reversal = self._ledger(card, entry_type="reversal")
        self.assertEqual(reversal.points, -300)
        self.assertEqual(reversal.credit_note_id, refund, reversal.description)
        self.assertEqual(reversal.consumption_ids.batch_id, accrual)
        self.assertEqual(card.points, 700)
        self.assertLedgerBalanced(card)

        # resetting the invoice to draft takes back the rest; posting again earns again
        refund.button_draft()
        self.assertEqual(card.points, 1000)
        invoice.button_draft()
        self.assertEqual(card.points, 0)
        invoice.action_post()
        self.assertEqual(card.points, 1000)
        self.assertLedgerBalanced(card)

    def test_payment_moment_pro_rata(self):
        program = self._program(moment="payment")
        invoice = self._invoice(self.customer, [(self.product, 1, 1000)])
        card = self._card(program)
        self.assertEqual(card.points, 0, "nothing before the customer pays")
        payment = self._pay(invoice, 400)
        self.assertEqual(card.points, 400, "40% paid, 40% of the points")
        first = self._ledger(card, entry_type="accrual")
        self.assertEqual(first.payment_move_id, payment.move_id)
        self._pay(invoice, 600)
        self.assertEqual(card.points, 1000)
        self.assertEqual(len(self._ledger(card, entry_type="accrual")), 2)
        # unreconciling a payment takes its points back
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertEqual(card.points, 600)
        self.assertLedgerBalanced(card)

    def test_payment_moment_credit_note_counts_as_refund_not_payment(self):
        program = self._program(moment="payment")
        invoice = self._invoice(self.customer, [(self.product, 1, 1000)])
        card = self._card(program)
        # full credit note through the host's reversal: nothing was paid, nothing earned
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "wrong goods"})
        )
        reversal.refund_moves()
        credit_note = invoice.reversal_move_ids
        credit_note.action_post()
        self.assertEqual(card.points, 0)

        # a paid invoice, then a 25% credit note: 75% of its points remain
        invoice2 = self._invoice(self.customer, [(self.product, 1, 1000)])
        self._pay(invoice2)
        self.assertEqual(card.points, 1000)
        refund = self._invoice(self.customer, [(self.product, 1, 250)], post=False, move_type="out_refund")
        refund.reversed_entry_id = invoice2
        refund.action_post()
        self.assertEqual(card.points, 750)
        self.assertLedgerBalanced(card)

    def test_confirmation_moment_and_return(self):
        program = self._program(moment="confirm")
        order = self._order(self.customer, [(self.product, 4, 100)])
        order.action_confirm()
        card = self._card(program)
        self.assertEqual(card.points, 400)
        accrual = self._ledger(card, entry_type="accrual")
        self.assertEqual(accrual.sale_order_id, order)
        # invoicing does not earn a second time
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(card.points, 400)

        # one of four units comes back: a quarter of the points goes
        picking = order.picking_ids
        picking.move_ids.quantity = 4
        picking.button_validate()
        return_wizard = (
            self.env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking").create({})
        )
        return_wizard.product_return_moves.quantity = 1
        action = return_wizard.action_create_returns()
        returned = self.env["stock.picking"].browse(action["res_id"])
        returned.move_ids.quantity = 1
        returned.button_validate()
        reversal = self._ledger(card, entry_type="reversal")
        self.assertEqual(reversal.points, -100)
        self.assertEqual(reversal.picking_id, returned)
        self.assertEqual(reversal.consumption_ids.batch_id, accrual)
        self.assertEqual(card.points, 300)
        self.assertLedgerBalanced(card)

    def test_deferred_program_gives_nothing_at_confirmation(self):
        program = self._program(moment="invoice")
        order = self._order(self.customer, [(self.product, 1, 300)])
        order.action_confirm()
        self.assertFalse(self._card(program).points)
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(self._card(program).points, 300)

    def test_redemption_at_order_and_cancellation(self):
        program = self._program(moment="invoice")
        self._invoice(self.customer, [(self.product, 1, 150)], date=self.today)
        card = self._card(program)
        batch = self._ledger(card, entry_type="accrual")
        order = self._order(self.customer, [(self.product, 1, 500)])
        order._update_programs_and_rewards()
        rewards = order._get_claimable_rewards()
        self.assertIn(card, rewards)
        order._apply_program_reward(program.reward_ids, card)
        self.assertTrue(order.order_line.filtered("reward_id"))
        cost = sum(order.order_line.mapped("points_cost"))
        self.assertTrue(0 < cost <= 150)
        order.action_confirm()
        redemption = self._ledger(card, entry_type="redemption")
        self.assertEqual(redemption.points, -cost)
        self.assertEqual(redemption.sale_order_id, order)
        self.assertEqual(redemption.consumption_ids.batch_id, batch)
        self.assertEqual(card.points, 150 - cost)
        self.assertEqual(batch.remaining, 150 - cost)
        self.assertLedgerBalanced(card)

        order._action_cancel()
        self.assertEqual(card.points, 150, "the points used come back to their batch")
        self.assertEqual(batch.remaining, 150)
        self.assertLedgerBalanced(card)

    def test_reversal_policy_when_points_were_spent(self):
        program = self._program(moment="invoice")
        invoice = self._invoice(self.customer, [(self.product, 1, 200)])
        card = self._card(program)
        self.env["crm.loyalty.ledger"]._post([{"card": card, "points": -150, "entry_type": "redemption"}])
        # cap (default): only the 50 left are taken back
        refund = self._invoice(self.customer, [(self.product, 1, 200)], post=False, move_type="out_refund")
        refund.reversed_entry_id = invoice
        refund.action_post()
        self.assertEqual(card.points, 0)
        self.assertLedgerBalanced(card)

        # negative: explicitly allowed, the balance goes below zero; the next
        # accrual first makes up for it
        program.crm_reversal_policy = "negative"
        invoice2 = self._invoice(self.customer, [(self.product, 1, 100)])
        self.env["crm.loyalty.ledger"]._post([{"card": card, "points": -100, "entry_type": "redemption"}])
        refund2 = self._invoice(self.customer, [(self.product, 1, 100)], post=False, move_type="out_refund")
        refund2.reversed_entry_id = invoice2
        refund2.action_post()
        self.assertEqual(card.points, -100)
        self.assertLedgerBalanced(card)
        self._invoice(self.customer, [(self.product, 1, 150)])
        self.assertEqual(card.points, 50)
        self.assertLedgerBalanced(card)

        # block: the credit note cannot be posted
        program.crm_reversal_policy = "block"
        invoice3 = self._invoice(self.customer, [(self.product, 1, 100)])
        self.env["crm.loyalty.ledger"]._post([{"card": card, "points": -150, "entry_type": "redemption"}])
        refund3 = self._invoice(self.customer, [(self.product, 1, 100)], post=False, move_type="out_refund")
        refund3.reversed_entry_id = invoice3
        with self.assertRaisesMsg(Exception, "cannot be taken"):
            refund3.action_post()

    def test_invoice_of_a_contact_earns_on_the_company_card(self):
        program = self._program(moment="invoice")
        contact = self.env["res.partner"].create({"name": "李娜", "parent_id": self.customer.id})
        self._invoice(contact, [(self.product, 1, 120)])
        self.assertEqual(self._card(program).points, 120)
        self.assertFalse(self._card(program, contact))

    def test_constant_queries_per_invoice(self):
        """Posting one invoice, and paying one, cost the same number of
        queries whatever the number of invoices and ledger rows already there
        (two programs, one earning on posting, one on payment)."""
        self._program(moment="invoice", rules=[{"reward_point_mode": "money", "reward_point_amount": 1}])
        self._program(
            moment="payment",
            rules=[
                {"reward_point_mode": "unit", "reward_point_amount": 2, "product_ids": [Command.set(self.product.ids)]}
            ],
        )

        def queries(action):
            """Queries of ``action`` on a flushed, empty cache."""
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            action()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        post_counts, pay_counts = [], []
        for __ in range(5):
            move = self._invoice(self.customer, [(self.product, 1, 100)], post=False)
            post_counts.append(queries(move.action_post))
            wizard = (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=move.ids)
                .create({})
            )
            pay_counts.append(queries(wizard._create_payments))
        card_points = sum(self.env["loyalty.card"].search([("partner_id", "=", self.customer.id)]).mapped("points"))
        self.assertEqual(card_points, 5 * (100 + 2), "both programs earned on every invoice")
        # the first two warm the caches of the registry and the ORM
        self.assertEqual(len(set(post_counts[2:])), 1, f"queries per posting: {post_counts}")
        self.assertEqual(len(set(pay_counts[2:])), 1, f"queries per payment: {pay_counts}")
