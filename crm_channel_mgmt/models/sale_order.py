from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def write(self, vals):
        if vals.get("state") == "sale":
            # Every confirmation writes the state (action_confirm through
            # _prepare_confirmation_values, an order created confirmed through
            # crm_core_ext's create, any RPC call or import writing it): the
            # dealer authorisation gate runs here, on the lines being confirmed.
            confirming = self.filtered(lambda o: o.state in ("draft", "sent") and o.company_id.crm_channel_gate)
            if confirming:
                others = {key: value for key, value in vals.items() if key not in ("state", "date_order")}
                if others:
                    super().write(others)
                    vals = {key: value for key, value in vals.items() if key not in others}
                confirming._crm_channel_check_authorization()
        return super().write(vals)

    def _crm_channel_unauthorized_lines(self, date=None, lines=None):
        """Lines of ``self`` (only ``lines`` when given) whose product the
        order's dealer is not authorised for on ``date`` (default: today) for
        the order's delivery address. One query whatever the number of lines
        and authorisations.

        :return: list of (order_id, product_id, dealer_id)
        """
        if not self:
            return []
        date = date or fields.Date.context_today(self)
        self.env["sale.order"].flush_model(["partner_id", "partner_shipping_id", "company_id"])
        self.env["sale.order.line"].flush_model()
        authorizations = self.env["crm.channel.authorization"]
        authorizations._flush_for_authorized()
        self.env.cr.execute(
            SQL(
                """
                SELECT so.id, pp.id, cp.id
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                  JOIN res_partner ship ON ship.id = COALESCE(so.partner_shipping_id, so.partner_id)
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN product_category pc ON pc.id = pt.categ_id
                 WHERE sol.order_id IN %(orders)s
                   AND %(lines)s
                   AND sol.display_type IS NULL
                   AND %(sold)s
                   AND cp.crm_channel_is_dealer
                   AND NOT %(authorized)s
                 ORDER BY so.id, sol.sequence, sol.id
                """,
                orders=tuple(self.ids),
                lines=SQL("sol.id IN %s", tuple(lines.ids)) if lines is not None else SQL("TRUE"),
                sold=self._crm_channel_sold_line_sql(),
                authorized=authorizations._sql_authorized(SQL("cp.id"), SQL("so.company_id"), date),
            )
        )
        return self.env.cr.fetchall()

    def _crm_channel_sold_line_sql(self):
        """SQL condition on ``sol``: the line sells its product. Down payments,
        re-invoiced expenses, and, when their modules are installed, shipping
        lines and loyalty rewards are not the dealer's assortment."""
        fields_ = self.env["sale.order.line"]._fields
        conditions = [SQL("sol.is_downpayment IS NOT TRUE"), SQL("sol.is_expense IS NOT TRUE")]
        if "is_delivery" in fields_:
            conditions.append(SQL("sol.is_delivery IS NOT TRUE"))
        if "reward_id" in fields_:
            conditions.append(SQL("sol.reward_id IS NULL"))
        return SQL(" AND ").join(conditions)

    def _crm_channel_check_authorization(self, lines=None):
        """Refuse to confirm orders of dealers with products they are not
        authorised for (only ``lines`` when given)."""
        rows = self._crm_channel_unauthorized_lines(lines=lines)
        if not rows:
            return
        by_order = {}
        for order_id, product_id, dealer_id in rows:
            entry = by_order.setdefault(order_id, (dealer_id, []))
            if product_id not in entry[1]:
                entry[1].append(product_id)
        messages = []
        for order_id, (dealer_id, product_ids) in by_order.items():
            order = self.browse(order_id)
            messages.append(
                _(
                    "%(dealer)s is not authorised to order %(products)s (order %(order)s, delivery to %(address)s, "
                    "on %(date)s). Ask a channel manager to authorise the dealer, or remove these lines.",
                    dealer=self.env["res.partner"].browse(dealer_id).display_name,
                    products=", ".join(self.env["product.product"].browse(product_ids).mapped("display_name")),
                    order=order.name,
                    address=order.partner_shipping_id.display_name or order.partner_id.display_name,
                    date=format_date(self.env, fields.Date.context_today(self)),
                )
            )
        raise UserError("\n".join(messages))
