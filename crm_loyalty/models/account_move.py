from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_is_zero, float_round

from .crm_loyalty_ledger import POINTS_DIGITS

INVOICE_TYPES = ("out_invoice", "out_refund")


class AccountMove(models.Model):
    _inherit = "account.move"

    crm_loyalty_ledger_ids = fields.One2many("crm.loyalty.ledger", "move_id", string="Loyalty Ledger", readonly=True)
    crm_loyalty_points_ids = fields.One2many(
        "crm.loyalty.move.points", "move_id", string="Loyalty Points", readonly=True
    )

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._crm_loyalty_on_post()
        posted._crm_loyalty_sync_orders(posted=True)
        return posted

    def button_draft(self):
        posted = self.filtered(lambda move: move.state == "posted" and move.move_type in INVOICE_TYPES)
        res = super().button_draft()
        posted._crm_loyalty_on_unpost()
        posted._crm_loyalty_sync_orders(posted=False)
        return res

    def button_cancel(self):
        posted = self.filtered(lambda move: move.state == "posted" and move.move_type in INVOICE_TYPES)
        res = super().button_cancel()
        posted._crm_loyalty_on_unpost()
        posted._crm_loyalty_sync_orders(posted=False)
        return res

    # ------------------------------------------------------------------

    @api.model
    def _crm_loyalty_programs(self, companies):
        """Loyalty programs that earn points from invoices, for these companies."""
        return (
            self.env["loyalty.program"]
            .sudo()
            .search(
                [
                    ("program_type", "=", "loyalty"),
                    ("crm_ledger", "=", True),
                    ("crm_accrual_moment", "in", ("invoice", "payment")),
                    ("company_id", "in", [*companies.ids, False]),
                ]
            )
        )

    def _crm_loyalty_on_post(self):
        moves = self.filtered(lambda move: move.move_type in INVOICE_TYPES)
        if not moves:
            return
        programs = self._crm_loyalty_programs(moves.company_id)
        if not programs:
            return
        refunds = moves.filtered(lambda move: move.move_type == "out_refund")
        own = moves - refunds.filtered("reversed_entry_id")
        own._crm_loyalty_plan(programs)
        reasons = {
            refund.reversed_entry_id.id: {
                "credit_note_id": refund.id,
                "description": self.env._("Credit note %s", refund.name),
            }
            for refund in refunds.filtered("reversed_entry_id")
        }
        (own | refunds.reversed_entry_id)._crm_loyalty_sync(reasons)

    def _crm_loyalty_sync_orders(self, posted):
        """Credit notes of an order's invoices (and invoices beyond what was
        credited) change what the order keeps of the points it earned at
        confirmation (see sale.order._crm_loyalty_sync_refunds)."""
        reasons = {}
        for move in self.filtered(lambda move: move.move_type in INVOICE_TYPES):
            if move.move_type == "out_refund":
                description = (
                    self.env._("Credit note %s", move.name) if posted else self.env._("Credit note %s reset", move.name)
                )
            else:
                description = (
                    self.env._("Invoice %s", move.name) if posted else self.env._("Invoice %s reset", move.name)
                )
            for order in move.invoice_line_ids.sale_line_ids.order_id:
                reasons.setdefault(order.id, {"credit_note_id": move.id, "description": description})
        if reasons:
            # system work: whoever validates the goods or posts the credit note, the orders are synced
            self.env["sale.order"].sudo().browse(list(reasons))._crm_loyalty_sync_refunds(reasons)

    def _crm_loyalty_on_unpost(self):
        refunds = self.filtered(lambda move: move.move_type == "out_refund" and move.reversed_entry_id)
        reasons = {
            refund.reversed_entry_id.id: {
                "credit_note_id": refund.id,
                "description": self.env._("Credit note %s reset", refund.name),
            }
            for refund in refunds
        }
        (self - refunds | refunds.reversed_entry_id)._crm_loyalty_sync(reasons)
        # a new posting computes the points again from the new lines
        self.env["crm.loyalty.move.points"].sudo().search([("move_id", "in", (self - refunds).ids)]).unlink()

    def _crm_loyalty_document(self):
        """The invoice as a document for the rules: amounts in company
        currency, positive for invoices and credit notes alike."""
        self.ensure_one()
        sign = -1 if self.move_type == "out_invoice" else 1
        lines = []
        for line in self.invoice_line_ids:
            if line.display_type != "product" or not line.product_id:
                continue
            # reward lines of the order (discounts, e-wallet, gift cards) are
            # invoiced as negative lines: they lower the amount, as on the order
            reward = line.sale_line_ids.reward_id[:1]
            untaxed = sign * line.balance
            ratio = line.price_total / line.price_subtotal if line.price_subtotal else 1.0
            lines.append(
                {
                    "product": line.product_id,
                    "qty": 0.0 if reward else abs(line.quantity),
                    "untaxed": untaxed,
                    "total": untaxed * ratio,
                    "reward": reward,
                }
            )
        return {
            "partner": self.commercial_partner_id,
            "company": self.company_id,
            "currency": self.company_id.currency_id,
            "date": self.invoice_date or self.date,
            "lines": lines,
        }

    def _crm_loyalty_plan(self, programs):
        """Fix the points each posted invoice earns in full (credit notes
        without an origin invoice: the points they take back), per card.
        Batched: the rules are evaluated in memory, cards found with one
        search and created with one create."""
        moves = self.filtered(lambda move: not move.crm_loyalty_points_ids)
        if not moves:
            return
        docs = [move._crm_loyalty_document() for move in moves]
        points = programs._crm_loyalty_compute_points(docs)
        wanted = []
        for index, move in enumerate(moves):
            date = docs[index]["date"]
            for program in programs:
                if program.company_id and program.company_id != move.company_id:
                    continue
                if (program.date_from and date < program.date_from) or (program.date_to and date > program.date_to):
                    continue
                if points.get((program.id, index)):
                    wanted.append((move, program, points[program.id, index]))
        if not wanted:
            return
        Card = self.env["loyalty.card"].sudo()
        partners = moves.commercial_partner_id
        cards = {
            (card.partner_id.id, card.program_id.id): card
            for card in Card.search(
                [("partner_id", "in", partners.ids), ("program_id", "in", programs.ids)], order="id desc"
            )
        }
        missing = {(move.commercial_partner_id.id, program.id) for move, program, __ in wanted} - set(cards)
        if missing:
            new_cards = Card.with_context(loyalty_no_mail=True, tracking_disable=True).create(
                [
                    {"partner_id": partner_id, "program_id": program_id, "points": 0}
                    for partner_id, program_id in missing
                ]
            )
            cards.update({(card.partner_id.id, card.program_id.id): card for card in new_cards})
        vals_list = []
        for move, program, base_points in wanted:
            card = cards[move.commercial_partner_id.id, program.id]
            sign = -1 if move.move_type == "out_refund" else 1
            vals_list.append(
                {
                    "move_id": move.id,
                    "card_id": card.id,
                    "program_id": program.id,
                    "company_id": move.company_id.id,
                    "points": sign * base_points * (card.crm_tier_id.multiplier or 1.0),
                    "amount": move.amount_untaxed_signed,
                }
            )
        self.env["crm.loyalty.move.points"].sudo().create(vals_list)

    @api.model
    def _crm_loyalty_paid_amounts(self, moves):
        """What customers paid of each invoice by payments (not by credit
        notes), company currency, one query."""
        self.env["account.partial.reconcile"].flush_model(["amount", "debit_move_id", "credit_move_id"])
        self.env["account.move.line"].flush_model(["move_id"])
        self.env.cr.execute(
            """
            SELECT line.move_id, SUM(part.amount)
              FROM account_move_line line
              JOIN account_partial_reconcile part ON part.debit_move_id = line.id
              JOIN account_move_line counter ON counter.id = part.credit_move_id
              JOIN account_move counter_move ON counter_move.id = counter.move_id
             WHERE line.move_id = ANY(%s)
               AND counter_move.move_type NOT IN ('out_invoice', 'out_refund')
             GROUP BY line.move_id
            """,
            [moves.ids],
        )
        return dict(self.env.cr.fetchall())

    def _crm_loyalty_sync(self, reasons=None, payment_move=None):
        """Bring the ledger of these invoices to what they should have earned
        by now (see crm.loyalty.move.points): post the difference as an
        accrual, or as a reversal taken from the invoice's own batches first."""
        reasons = reasons or {}
        plans = self.env["crm.loyalty.move.points"].sudo().search([("move_id", "in", self.ids)])
        if not plans:
            return
        moves = plans.move_id
        invoices = moves.filtered(lambda move: move.move_type == "out_invoice")
        refunded = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                [("reversed_entry_id", "in", invoices.ids), ("state", "=", "posted"), ("move_type", "=", "out_refund")],
                ["reversed_entry_id"],
                ["amount_total_signed:sum"],
            )
        )
        paid = {}
        if any(plan.program_id.crm_accrual_moment == "payment" for plan in plans):
            paid = self._crm_loyalty_paid_amounts(invoices)
        rows = (
            self.env["crm.loyalty.ledger"]
            .sudo()
            .search([("move_id", "in", moves.ids), ("entry_type", "in", ("accrual", "reversal"))])
        )
        accrued = defaultdict(float)
        batches = defaultdict(list)
        for row in rows:
            accrued[row.move_id.id, row.card_id.id] += row.points
            if row.entry_type == "accrual":
                batches[row.move_id.id, row.card_id.id].append(row.id)
        entries = []
        for plan in plans:
            move = plan.move_id
            key = (move.id, plan.card_id.id)
            if move.state != "posted":
                target = 0.0
            elif move.move_type == "out_refund":
                target = plan.points
            else:
                gross = abs(move.amount_total_signed)
                net = max(0.0, gross - abs(refunded.get(move, 0.0)))
                if plan.program_id.crm_accrual_moment == "payment":
                    net = min(net, paid.get(move.id, 0.0))
                target = plan.points * net / gross if gross else 0.0
            # points, not money: the ledger's precision, whatever the currency's rounding
            target = float_round(target, precision_digits=POINTS_DIGITS)
            delta = float_round(target - accrued[key], precision_digits=POINTS_DIGITS)
            if float_is_zero(delta, precision_digits=POINTS_DIGITS):
                continue
            reason = reasons.get(move.id, {})
            entry = {
                "card": plan.card_id,
                "points": delta,
                "entry_type": "accrual" if delta > 0 else "reversal",
                "amount": plan.amount * delta / plan.points if plan.points else 0.0,
                "move_id": move.id,
                "credit_note_id": reason.get("credit_note_id"),
                "payment_move_id": payment_move.id if payment_move and delta > 0 else False,
                "description": reason.get("description")
                or (
                    self.env._("Payment of %s", move.name)
                    if payment_move
                    else (
                        self.env._("Invoice %s", move.name)
                        if move.state == "posted"
                        else self.env._("Invoice %s reset", move.name)
                    )
                ),
            }
            if delta < 0:
                entry["prefer_batch_ids"] = batches[key]
            entries.append(entry)
        self.env["crm.loyalty.ledger"]._post(entries)

    def action_crm_loyalty_ledger(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_loyalty.crm_loyalty_ledger_action")
        action["domain"] = ["|", ("move_id", "=", self.id), ("credit_note_id", "=", self.id)]
        return action
