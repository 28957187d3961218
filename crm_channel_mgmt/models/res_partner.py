from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

# Dealer fields only a channel manager (or the system) may set: clearing the
# dealer flag or its level would take a dealer's orders out of the gate.
CHANNEL_FIELDS = {
    "crm_channel_is_dealer",
    "crm_channel_level_id",
    "crm_channel_parent_id",
    "crm_channel_territory_ids",
    "crm_channel_manager_id",
    "crm_channel_portal_inspector",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_channel_is_dealer = fields.Boolean(
        string="Dealer", index="btree_not_null", help="A partner of the sales channel: distributor, dealer or terminal."
    )
    crm_channel_level_id = fields.Many2one("crm.channel.level", string="Channel Level", index="btree_not_null")
    crm_channel_parent_id = fields.Many2one(
        "res.partner",
        string="Supplied By",
        index="btree_not_null",
        domain="[('crm_channel_is_dealer', '=', True), ('id', '!=', id)]",
        help="The dealer (for example the distributor) this dealer buys from.",
    )
    crm_channel_child_ids = fields.One2many("res.partner", "crm_channel_parent_id", string="Supplies")
    crm_channel_territory_ids = fields.Many2many(
        "crm.channel.territory",
        "res_partner_crm_channel_territory_rel",
        "partner_id",
        "territory_id",
        string="Territories",
    )
    crm_channel_manager_id = fields.Many2one(
        "res.users",
        string="Channel Manager",
        index="btree_not_null",
        domain="[('share', '=', False)]",
        help="The employee who looks after this dealer.",
    )
    crm_channel_portal_inspector = fields.Boolean(
        string="Portal Field Inspector",
        help="This contact's portal user records field checks of lots (anti-diversion) in the portal: "
        "an inspector of an audit firm, or a market inspector without a back-office user. "
        "Not for dealers' contacts: their portal users are refused.",
    )
    crm_channel_authorization_ids = fields.One2many("crm.channel.authorization", "partner_id", string="Authorisations")
    crm_channel_authorization_count = fields.Integer(
        compute="_compute_crm_channel_authorization_count", string="Authorisations Count"
    )
    crm_channel_child_count = fields.Integer(compute="_compute_crm_channel_child_count", string="Dealers Supplied")
    crm_rebate_accrual_count = fields.Integer(compute="_compute_crm_rebate_accrual_count", string="Rebates")

    def _compute_crm_channel_authorization_count(self):
        counts = dict(
            self.env["crm.channel.authorization"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.crm_channel_authorization_count = counts.get(partner, 0)

    def _compute_crm_channel_child_count(self):
        counts = dict(
            self._read_group([("crm_channel_parent_id", "in", self.ids)], ["crm_channel_parent_id"], ["__count"])
        )
        for partner in self:
            partner.crm_channel_child_count = counts.get(partner, 0)

    @api.constrains("crm_channel_parent_id")
    def _check_crm_channel_parent_id(self):
        if self._has_cycle("crm_channel_parent_id"):
            raise ValidationError(_("A dealer cannot supply itself, directly or through the dealers it supplies."))
        for partner in self:
            if partner.crm_channel_parent_id and not partner.crm_channel_parent_id.crm_channel_is_dealer:
                raise ValidationError(
                    _(
                        "%(partner)s is supplied by %(parent)s, which is not a dealer.",
                        partner=partner.display_name,
                        parent=partner.crm_channel_parent_id.display_name,
                    )
                )

    def _crm_channel_check_rights(self, vals_list):
        names = set().union(*(CHANNEL_FIELDS.intersection(vals) for vals in vals_list))
        if not names or self.env.su or self.env.user.has_group("crm_channel_mgmt.crm_channel_mgmt_group_manager"):
            return
        if names == {"crm_channel_portal_inspector"}:
            raise AccessError(_("Only a channel manager can make a contact a portal field inspector."))
        raise AccessError(_("Only a channel manager can change a partner's dealer information."))

    @api.model_create_multi
    def create(self, vals_list):
        # Defaults sent in the context count too; a partner created without
        # dealer information (the usual case) passes, without a query.
        defaults = {name: self.env.context.get(f"default_{name}") for name in CHANNEL_FIELDS}
        self._crm_channel_check_rights(
            [
                {name: True for name in CHANNEL_FIELDS if self._crm_channel_sets(name, vals.get(name, defaults[name]))}
                for vals in vals_list
            ]
        )
        return super().create(vals_list)

    def write(self, vals):
        # Only values that change count: the host's merge wizard writes every field.
        changed = {name for name in CHANNEL_FIELDS.intersection(vals) if self._crm_channel_changes(name, vals[name])}
        self._crm_channel_check_rights([dict.fromkeys(changed, True)])
        # a partner that becomes or stops being a dealer, or a contact that moves to another company:
        # the deliveries to it count for another dealer in the stored channel stock
        moved = "crm_channel_is_dealer" in changed or "parent_id" in vals
        before = self.commercial_partner_id if moved else None
        result = super().write(vals)
        if moved:
            dealers = (before | self.commercial_partner_id).filtered("crm_channel_is_dealer")
            if "crm_channel_is_dealer" in changed:
                dealers |= self.commercial_partner_id
            self.env["crm.channel.stock"]._crm_refresh(dealers)
        return result

    def _crm_channel_sets(self, name, value):
        """The value given at creation sets dealer information: a copy (of a
        partner, or of a user with its partner) sends empty values too."""
        field = self._fields[name]
        if field.type == "many2many":
            return bool(value) and bool(field.convert_to_cache(value, self.browse()))
        return bool(value)

    def _crm_channel_changes(self, name, value):
        field = self._fields[name]
        for partner in self:
            new = field.convert_to_cache(value, partner)
            old = field.convert_to_cache(partner[name], partner)
            if field.type == "many2many":
                new, old = set(new), set(old)
            if new != old:
                return True
        return False

    # ------------------------------------------------------------------
    # Dealer portal
    # ------------------------------------------------------------------

    def _crm_channel_catalogue(self, company, date=None):
        """Products this dealer may order from ``company`` on ``date`` (default
        today) for delivery to its own address: saleable products of its
        valid authorisations, by product or by category (sub-categories
        included). One query.

        :return: product.product recordset (of the current environment)
        """
        self.ensure_one()
        dealer = self.commercial_partner_id
        if not dealer.crm_channel_is_dealer:
            return self.env["product.product"]
        authorizations = self.env["crm.channel.authorization"]
        authorizations._flush_for_authorized()
        self.env.cr.execute(
            SQL(
                """
                SELECT pp.id
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN product_category pc ON pc.id = pt.categ_id
                  JOIN res_partner ship ON ship.id = %(dealer)s
                 WHERE pp.active AND pt.active AND pt.sale_ok
                   AND (pt.company_id IS NULL OR pt.company_id = %(company)s)
                   AND %(authorized)s
                 ORDER BY pt.name->>'en_US', pp.id
                """,
                dealer=dealer.id,
                company=company.id,
                authorized=authorizations._sql_authorized(
                    dealer.id, company.id, date or fields.Date.context_today(self)
                ),
            )
        )
        return self.env["product.product"].browse(row[0] for row in self.env.cr.fetchall())

    def _crm_channel_portal_order(self, company, quantities):
        """Place the order of this dealer's contact (a portal user's partner)
        from the dealer's catalogue, as the company's setting says: a
        quotation, or a confirmed order (which meets every confirmation gate).
        Runs as superuser: the caller gives the partner of the logged-in user,
        never one sent by the client.

        :param quantities: {product_id: quantity}
        :return: sale.order
        """
        self.ensure_one()
        catalogue = self._crm_channel_catalogue(company)
        lines = []
        for product_id, quantity in quantities.items():
            if not quantity:
                continue
            if quantity < 0:
                raise UserError(_("Quantities cannot be negative."))
            if product_id not in catalogue.ids:
                raise UserError(_("You are not authorised to order this product; refresh the catalogue."))
            lines.append(Command.create({"product_id": product_id, "product_uom_qty": quantity}))
        if not lines:
            raise UserError(_("Enter a quantity for at least one product."))
        order = (
            self.env["sale.order"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": self.id,
                    "company_id": company.id,
                    "origin": _("Dealer portal"),
                    "order_line": lines,
                }
            )
        )
        if not order.user_id and self.commercial_partner_id.crm_channel_manager_id:
            order.user_id = self.commercial_partner_id.crm_channel_manager_id
        order.message_subscribe(partner_ids=self.ids)
        if company.crm_channel_portal_order_state == "sale":
            order.action_confirm()
        return order

    def action_crm_channel_authorizations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_channel_mgmt.crm_channel_authorization_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_crm_channel_children(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_channel_mgmt.res_partner_action_dealer")
        action["domain"] = [("crm_channel_parent_id", "=", self.id)]
        return action

    def _compute_crm_rebate_accrual_count(self):
        counts = dict(
            self.env["crm.channel.rebate.accrual"]._read_group(
                [("dealer_id", "in", self.ids)], ["dealer_id"], ["__count"]
            )
        )
        for partner in self:
            partner.crm_rebate_accrual_count = counts.get(partner, 0)

    def action_crm_rebate_accruals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_channel_mgmt.crm_channel_rebate_accrual_action")
        action["domain"] = [("dealer_id", "=", self.id)]
        return action
