from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import float_compare

from .crm_loyalty_ledger import POINTS_DIGITS

REWARD_FIELDS = ("points_cost", "coupon_id", "reward_id")


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # The host changes the card's points when a reward line of a confirmed
    # order is added, changed or removed; the order in the context (a record,
    # which no RPC call can forge) makes it the source of the ledger entry.
    # On a confirmed order only the order's own reward flow (sale_loyalty's
    # computation, see sale.order._crm_loyalty_reward_flow) and loyalty
    # managers may add or change reward lines that use a ledger card: a
    # points cost or card written by hand would mint or drain points.

    @api.model_create_multi
    def create(self, vals_list):
        self._crm_loyalty_check_new_reward_lines(vals_list)
        order_ids = {vals.get("order_id") for vals in vals_list}
        origin = self.env["sale.order"].browse(order_ids.pop() if len(order_ids) == 1 else [])
        lines = super(SaleOrderLine, self.with_context(crm_loyalty_origin=origin)).create(vals_list)
        return lines.with_env(self.env)

    def write(self, vals):
        if any(fname in vals for fname in REWARD_FIELDS):
            self._crm_loyalty_check_reward_changes(vals)
        if "points_cost" not in vals:
            return super().write(vals)
        origin = self.order_id if len(self.order_id) == 1 else self.order_id.browse()
        return super(SaleOrderLine, self.with_context(crm_loyalty_origin=origin)).write(vals)

    def unlink(self):
        origin = self.order_id if len(self.order_id) == 1 else self.order_id.browse()
        return super(SaleOrderLine, self.with_context(crm_loyalty_origin=origin)).unlink()

    # ------------------------------------------------------------------

    @api.model
    def _crm_loyalty_reward_change_allowed(self, orders):
        if self.env.su or self.env.user.has_group("crm_loyalty.crm_loyalty_group_manager"):
            return True
        flow = self.env.context.get("crm_loyalty_reward_flow")
        return isinstance(flow, models.BaseModel) and flow._name == "sale.order" and orders <= flow

    @api.model
    def _crm_loyalty_refuse_reward_change(self, order, card):
        raise AccessError(
            self.env._(
                "Order %(order)s is confirmed: its reward lines that use the points of loyalty card %(card)s "
                "change only through the order's rewards (the Reward button) or by a loyalty manager.",
                order=order.name,
                card=card.code,
            )
        )

    @api.model
    def _crm_loyalty_check_new_reward_lines(self, vals_list):
        pairs = [
            (vals["order_id"], vals["coupon_id"])
            for vals in vals_list
            if vals.get("order_id") and vals.get("coupon_id")
        ]
        if not pairs:
            return
        orders = self.env["sale.order"].browse([order_id for order_id, __ in pairs])
        cards = self.env["loyalty.card"].browse([card_id for __, card_id in pairs])
        for order, card in zip(orders, cards, strict=True):
            if (
                order.state == "sale"
                and card.program_id._crm_loyalty_is_ledger()
                and not self._crm_loyalty_reward_change_allowed(order)
            ):
                self._crm_loyalty_refuse_reward_change(order, card)

    def _crm_loyalty_check_reward_changes(self, vals):
        lines = self.filtered(lambda line: line.state == "sale")
        if not lines:
            return
        new_card = self.env["loyalty.card"]
        if "coupon_id" in vals:
            new_card = new_card.browse(
                self._fields["coupon_id"].convert_to_cache(vals["coupon_id"], self, validate=False)
            )
        for line in lines:
            cards = (line.coupon_id | new_card).filtered(lambda card: card.program_id._crm_loyalty_is_ledger())
            if not cards or not line._crm_loyalty_reward_fields_change(vals):
                continue
            if not self._crm_loyalty_reward_change_allowed(line.order_id):
                self._crm_loyalty_refuse_reward_change(line.order_id, cards[0])

    def _crm_loyalty_reward_fields_change(self, vals):
        self.ensure_one()
        if "points_cost" in vals and float_compare(
            float(vals["points_cost"] or 0.0), self.points_cost, precision_digits=POINTS_DIGITS
        ):
            return True
        for fname in ("coupon_id", "reward_id"):
            field = self._fields[fname]
            if fname in vals and (field.convert_to_cache(vals[fname], self, validate=False) or False) != self[fname].id:
                return True
        return False
