from odoo import Command
from odoo.tests import tagged

from .common import LoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyReversal(LoyaltyCommon):
    """Points earned at order confirmation follow what the customer keeps and
    pays: returns and credit notes of the order's invoices take their share
    back, goods delivered again (a return of a return, an exchange) and
    credit notes reset to draft give it back, and a return with its credit
    note takes it back once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls._program(moment="confirm")

    def _confirmed(self, qty=4, price=100):
        order = self._order(self.customer, [(self.product, qty, price)])
        order.action_confirm()
        return order

    def _validate(self, picking, qty):
        picking.move_ids.quantity = qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def _return(self, picking, qty, exchange=False):
        wizard = (
            self.env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking").create({})
        )
        wizard.product_return_moves.quantity = qty
        action = wizard.action_create_exchanges() if exchange else wizard.action_create_returns()
        return self._validate(self.env["stock.picking"].browse(action["res_id"]), qty)

    def _credit_note(self, invoice, qty=None):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "退货退款"})
        )
        reversal.refund_moves()
        credit_note = invoice.reversal_move_ids.filtered(lambda move: move.state == "draft")
        self.assertEqual(len(credit_note), 1)
        if qty is not None:
            line = credit_note.invoice_line_ids
            credit_note.write({"invoice_line_ids": [Command.update(line.id, {"quantity": qty})]})
        credit_note.action_post()
        return credit_note

    def test_return_of_a_return_gives_the_points_back(self):
        order = self._confirmed()
        card = self._card(self.program)
        accrual = self._ledger(card, entry_type="accrual")
        delivery = self._validate(order.picking_ids, 4)
        returned = self._return(delivery, 1)
        self.assertEqual(card.points, 300)
        redelivered = self._return(returned, 1)
        self.assertEqual(card.points, 400, "the goods went out again: their points come back")
        back = self._ledger(card, picking_id=redelivered.id)
        self.assertEqual(back.points, 100)
        self.assertEqual(accrual.remaining, 400, "back into the batch they were taken from")
        # returned once more: taken back once more, not twice
        self._return(redelivered, 1)
        self.assertEqual(card.points, 300)
        self.assertLedgerBalanced(card)

    def test_exchange_keeps_the_points(self):
        order = self._confirmed()
        card = self._card(self.program)
        delivery = self._validate(order.picking_ids, 4)
        returned = self._return(delivery, 1, exchange=True)
        self.assertEqual(card.points, 300, "the goods came back")
        exchange = order.picking_ids - delivery - returned
        self.assertEqual(len(exchange), 1)
        self._validate(exchange, 1)
        self.assertEqual(order.order_line.qty_delivered, 4)
        self.assertEqual(card.points, 400, "the replacement went out")
        self.assertLedgerBalanced(card)

    def test_full_credit_note_of_the_order_invoice(self):
        order = self._confirmed()
        card = self._card(self.program)
        accrual = self._ledger(card, entry_type="accrual")
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(card.points, 400, "invoicing does not earn a second time")
        credit_note = self._credit_note(invoice)
        self.assertEqual(card.points, 0)
        reversal = self._ledger(card, entry_type="reversal")
        self.assertEqual(reversal.points, -400)
        self.assertEqual(reversal.credit_note_id, credit_note)
        self.assertEqual(reversal.sale_order_id, order)
        self.assertEqual(reversal.consumption_ids.batch_id, accrual)
        # the credit note reset to draft gives the points back
        credit_note.button_draft()
        self.assertEqual(card.points, 400)
        self.assertEqual(accrual.remaining, 400)
        self.assertLedgerBalanced(card)

    def test_partial_credit_note_of_the_order_invoice(self):
        order = self._confirmed()
        card = self._card(self.program)
        invoice = order._create_invoices()
        invoice.action_post()
        credit_note = self._credit_note(invoice, qty=1)
        self.assertEqual(credit_note.amount_total, 100)
        self.assertEqual(card.points, 300, "a quarter of the order credited, a quarter of its points")
        self.assertEqual(self._ledger(card, credit_note_id=credit_note.id).points, -100)
        self.assertLedgerBalanced(card)

    def test_return_and_its_credit_note_take_the_points_back_once(self):
        order = self._confirmed()
        card = self._card(self.program)
        delivery = self._validate(order.picking_ids, 4)
        invoice = order._create_invoices()
        invoice.action_post()
        self._return(delivery, 1)
        self.assertEqual(card.points, 300)
        self._credit_note(invoice, qty=1)
        self.assertEqual(card.points, 300, "the same unit, returned and credited")
        self._credit_note(invoice, qty=1)
        self.assertEqual(card.points, 200, "a second unit credited")
        self.assertLedgerBalanced(card)
