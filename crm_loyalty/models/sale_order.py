from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import UserError


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

    def action_crm_loyalty_ledger(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_loyalty.crm_loyalty_ledger_action")
        action["domain"] = [("sale_order_id", "=", self.id)]
        return action
