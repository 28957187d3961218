from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, float_round

from .crm_loyalty_ledger import POINTS_DIGITS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    crm_loyalty_ledger_ids = fields.One2many(
        "crm.loyalty.ledger", "sale_order_id", string="Loyalty Ledger", readonly=True
    )

    def _get_point_changes(self):
        # Ledger cards get their points from _crm_loyalty_post_confirmation
        # and _crm_loyalty_reverse_orders, with the order as source.
        changes = super()._get_point_changes()
        return {coupon: points for coupon, points in changes.items() if not coupon.program_id._crm_loyalty_is_ledger()}

    def _crm_loyalty_reward_flow(self):
        """The orders in sale_loyalty's own computation of rewards: the orders
        themselves in the context (records, which no RPC call can put there)
        let it change the reward lines of confirmed orders (see
        sale.order.line._crm_loyalty_reward_change_allowed)."""
        return self.with_context(crm_loyalty_reward_flow=self)

    def _update_programs_and_rewards(self):
        return super(SaleOrder, self._crm_loyalty_reward_flow())._update_programs_and_rewards()

    def _apply_program_reward(self, reward, coupon, **kwargs):
        return super(SaleOrder, self._crm_loyalty_reward_flow())._apply_program_reward(reward, coupon, **kwargs)

    def _program_check_compute_points(self, programs):
        result = super()._program_check_compute_points(programs)
        ledger_programs = programs.filtered(lambda program: program._crm_loyalty_is_ledger())
        if not ledger_programs:
            return result
        points = ledger_programs._crm_loyalty_compute_points([self._crm_loyalty_document()])
        cards = self.env["loyalty.card"].search(
            [("partner_id", "=", self.partner_id.id), ("program_id", "in", ledger_programs.ids)]
        )
        for program in ledger_programs:
            status = result.get(program, {})
            if "points" not in status:
                continue
            if program.crm_accrual_moment != "confirm":
                # earned later, from the invoices
                status["points"] = [0.0]
                continue
            card = cards.filtered(lambda c, program=program: c.program_id == program)[:1]
            multiplier = card.crm_tier_id.multiplier or 1.0
            status["points"] = [points[program.id, 0] * multiplier]
        return result

    def _crm_loyalty_document(self):
        """The order as a document for the rules (see
        loyalty.program._crm_loyalty_compute_points)."""
        self.ensure_one()
        # as the host counts them: reward lines of other programs lower the
        # amount (what the customer pays), combo products carry their items'
        # prices, lines without effect on thresholds (delivery) do not count
        lines = (self.order_line - self._get_no_effect_on_threshold_lines()).filtered(
            lambda line: not line.display_type and line.product_id and not line.combo_item_id
        )
        return {
            "partner": self.partner_id,
            "company": self.company_id,
            "currency": self.currency_id,
            "date": fields.Date.context_today(self, self.date_order)
            if self.date_order
            else fields.Date.context_today(self),
            "code_rules": self.code_enabled_rule_ids,
            "lines": [
                {
                    "product": line.product_id,
                    "qty": 0.0 if line.reward_id else line.product_uom_qty,
                    "untaxed": self._get_order_line_price(line, "price_subtotal"),
                    "total": self._get_order_line_price(line, "price_total"),
                    "reward": line.reward_id,
                }
                for line in lines
            ],
        }

    def action_confirm(self):
        to_post = self.filtered(lambda order: order.state != "sale")
        res = super().action_confirm()
        to_post.filtered(lambda order: order.state == "sale")._crm_loyalty_post_confirmation()
        return res

    def _action_cancel(self):
        confirmed = self.filtered(lambda order: order.state == "sale")
        res = super()._action_cancel()
        confirmed._crm_loyalty_reverse_orders()
        return res

    def _crm_loyalty_post_confirmation(self):
        """Points earned (programs that earn at confirmation) and used by the
        confirmed orders, into the ledger. The host wrote the card history."""
        self._crm_loyalty_check_reward_cards()
        entries = []
        for order in self:
            description = _("Order %s", order.name)
            amount = order.currency_id._convert(
                order.amount_untaxed, order.company_id.currency_id, order.company_id, fields.Date.context_today(self)
            )
            for coupon_point in order.coupon_point_ids:
                card = coupon_point.coupon_id
                if card.program_id._crm_loyalty_is_ledger() and coupon_point.points:
                    entries.append(
                        {
                            "card": card,
                            "points": coupon_point.points,
                            "entry_type": "accrual",
                            "amount": amount,
                            "sale_order_id": order.id,
                            "description": description,
                        }
                    )
            costs = defaultdict(float)
            # reward lines only, as the host counts them (_get_point_changes)
            for line in order.order_line:
                if (
                    line.reward_id
                    and line.coupon_id
                    and line.points_cost
                    and line.coupon_id.program_id._crm_loyalty_is_ledger()
                ):
                    costs[line.coupon_id] += line.points_cost
            for card, cost in costs.items():
                entries.append(
                    {
                        "card": card,
                        "points": -cost,
                        "entry_type": "redemption",
                        "sale_order_id": order.id,
                        "description": description,
                    }
                )
        self.env["crm.loyalty.ledger"]._post(entries, history=False)

    def _crm_loyalty_check_reward_cards(self):
        """An order spends only its own customer's points: a ledger card of
        someone else (applied to the quotation by hand) is refused."""
        for order in self:
            customer = order.partner_id.commercial_partner_id
            for line in order.order_line:
                card = line.coupon_id
                if (
                    line.reward_id
                    and card.program_id._crm_loyalty_is_ledger()
                    and card.partner_id.commercial_partner_id != customer
                ):
                    raise UserError(
                        _(
                            "Order %(order)s spends the points of loyalty card %(card)s, which belongs to "
                            "%(owner)s, not to the order's customer %(customer)s.",
                            order=order.name,
                            card=card.code,
                            owner=card.partner_id.display_name or "-",
                            customer=customer.display_name,
                        )
                    )

    def _crm_loyalty_reverse_orders(self):
        """Cancelled orders: give back the points they used, take back what
        they earned (from their own batches first)."""
        if not self:
            return
        rows = (
            self.env["crm.loyalty.ledger"]
            .sudo()
            .search([("sale_order_id", "in", self.ids), ("move_id", "=", False)], order="id")
        )
        entries = []
        for (order, card), order_rows in rows.grouped(lambda r: (r.sale_order_id, r.card_id)).items():
            description = _("Order %s cancelled", order.name)
            redemptions = order_rows.filtered(lambda r: r.entry_type == "redemption")
            used = -sum(
                order_rows.filtered(
                    lambda r: r.entry_type == "redemption" or (r.entry_type == "reversal" and r.points > 0)
                ).mapped("points")
            )
            if used > 0:
                entries.append(
                    {
                        "card": card,
                        "points": used,
                        "entry_type": "reversal",
                        "restore_entry_ids": redemptions.ids,
                        "sale_order_id": order.id,
                        "description": description,
                    }
                )
            earned_rows = order_rows.filtered(
                lambda r: r.entry_type == "accrual" or (r.entry_type == "reversal" and r.points < 0)
            )
            earned = sum(earned_rows.mapped("points"))
            if earned > 0:
                entries.append(
                    {
                        "card": card,
                        "points": -earned,
                        "entry_type": "reversal",
                        "amount": -sum(earned_rows.mapped("amount")),
                        "prefer_batch_ids": earned_rows.filtered(lambda r: r.entry_type == "accrual").ids,
                        "sale_order_id": order.id,
                        "description": description,
                    }
                )
        self.env["crm.loyalty.ledger"]._post(entries, history=False)

    def _crm_loyalty_removed_share(self):
        """{order id: share (0 to 1) of the order's value that its customer
        no longer keeps or pays}. Per line, the larger of what came back
        (returns, net of goods delivered again: a return of a return, an
        exchange) and what was credited (posted credit notes, net of what was
        invoiced beyond the line's value), so that a return and its credit
        note count once."""
        result = {}
        for order in self:
            lines = (order.order_line - order._get_no_effect_on_threshold_lines()).filtered(
                lambda line: not line.display_type and not line.reward_id and not line.is_downpayment
            )
            value = removed = 0.0
            for line in lines:
                line_value = line.price_total
                if line_value <= 0 or line.product_uom_qty <= 0:
                    continue
                value += line_value
                outgoing, incoming = line._get_outgoing_incoming_moves()
                delivered = sum(
                    move.product_uom._compute_quantity(move.quantity, line.product_uom)
                    for move in outgoing
                    if move.state == "done"
                )
                came_back = sum(
                    move.product_uom._compute_quantity(move.quantity, line.product_uom)
                    for move in incoming
                    if move.state == "done"
                )
                returned = min(line.product_uom_qty, max(0.0, came_back - max(0.0, delivered - line.product_uom_qty)))
                invoiced = refunded = 0.0
                for aml in line.invoice_lines:
                    move = aml.move_id
                    if move.state != "posted" or move.move_type not in ("out_invoice", "out_refund"):
                        continue
                    amount = aml.price_total
                    if move.currency_id != order.currency_id:
                        amount = move.currency_id._convert(
                            amount, order.currency_id, order.company_id, move.invoice_date or move.date
                        )
                    if move.move_type == "out_invoice":
                        invoiced += amount
                    else:
                        refunded += amount
                credited = max(0.0, refunded - max(0.0, invoiced - line_value))
                removed += min(line_value, max(returned * line_value / line.product_uom_qty, credited))
            result[order.id] = min(1.0, removed / value) if value else 0.0
        return result

    def _crm_loyalty_sync_refunds(self, reasons):
        """Bring what confirmed orders earned at confirmation in line with
        what their customers keep and pay (see _crm_loyalty_removed_share):
        the difference with the ledger is posted as a reversal, taken from
        the order's own batches first, or, when goods go out again or a
        credit note is reset, given back to the batches it was taken from.
        ``reasons``: {order id: the ``picking_id`` or ``credit_note_id`` and
        the ``description`` of the change}."""
        orders = self.filtered(lambda order: order.state == "sale")
        if not orders:
            return
        rows = (
            self.env["crm.loyalty.ledger"]
            .sudo()
            .search(
                [
                    ("sale_order_id", "in", orders.ids),
                    ("move_id", "=", False),
                    ("entry_type", "in", ("accrual", "reversal")),
                    ("program_id.crm_accrual_moment", "=", "confirm"),
                ],
                order="id",
            )
        )
        earned, earned_amount, batch_ids = defaultdict(float), defaultdict(float), defaultdict(list)
        adjusted, adjustment_ids = defaultdict(float), defaultdict(list)
        for row in rows:
            key = (row.sale_order_id, row.card_id)
            if row.picking_id or row.credit_note_id:
                # what returns and credit notes took back (or gave back)
                adjusted[key] += row.points
                adjustment_ids[key].append(row.id)
            elif row.entry_type == "accrual" or row.points < 0:
                # what the order earned, less a cancellation
                earned[key] += row.points
                earned_amount[key] += row.amount
                if row.entry_type == "accrual":
                    batch_ids[key].append(row.id)
        if not earned:
            return
        shares = self.browse({order.id for order, __ in earned})._crm_loyalty_removed_share()
        entries = []
        for (order, card), points in earned.items():
            key = (order, card)
            if points <= 0:
                continue
            target = float_round(-points * shares[order.id], precision_digits=POINTS_DIGITS)
            delta = float_round(target - adjusted[key], precision_digits=POINTS_DIGITS)
            if float_is_zero(delta, precision_digits=POINTS_DIGITS):
                continue
            reason = reasons.get(order.id, {})
            entry = {
                "card": card,
                "points": delta,
                "entry_type": "accrual" if delta > 0 else "reversal",
                "amount": earned_amount[key] * delta / points,
                "sale_order_id": order.id,
                "picking_id": reason.get("picking_id"),
                "credit_note_id": reason.get("credit_note_id"),
                "description": reason.get("description") or _("Order %s", order.name),
            }
            if delta < 0:
                entry["prefer_batch_ids"] = batch_ids[key]
            else:
                entry["restore_entry_ids"] = adjustment_ids[key]
            entries.append(entry)
        self.env["crm.loyalty.ledger"]._post(entries)

    def action_crm_loyalty_ledger(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_loyalty.crm_loyalty_ledger_action")
        action["domain"] = [("sale_order_id", "=", self.id)]
        return action
