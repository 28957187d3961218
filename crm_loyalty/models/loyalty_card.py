from odoo import api, fields, models
from odoo.exceptions import AccessError

CARD_GUARDED_FIELDS = ("partner_id", "program_id", "crm_tier_id", "crm_tier_date")


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    crm_ledger = fields.Boolean(related="program_id.crm_ledger", string="Program Keeps a Ledger")
    crm_ledger_ids = fields.One2many("crm.loyalty.ledger", "card_id", string="Points Ledger", readonly=True)
    crm_tier_id = fields.Many2one("crm.loyalty.tier", string="Tier", readonly=True, index="btree_not_null", copy=False)
    crm_tier_date = fields.Date(string="Tier Since", readonly=True, copy=False)
    crm_tier_history_ids = fields.One2many("crm.loyalty.tier.history", "card_id", string="Tier History", readonly=True)
    crm_next_expiry_date = fields.Date(string="Next Expiry", compute="_compute_crm_next_expiry")
    crm_next_expiry_points = fields.Float(string="Points Expiring Next", compute="_compute_crm_next_expiry")

    def _compute_crm_next_expiry(self):
        self.crm_next_expiry_date = False
        self.crm_next_expiry_points = 0.0
        if not self.ids:
            return
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (card_id) card_id, expiry_date,
                   SUM(remaining) OVER (PARTITION BY card_id, expiry_date)
              FROM crm_loyalty_ledger
             WHERE card_id = ANY(%s) AND remaining > 0 AND expiry_date IS NOT NULL
             ORDER BY card_id, expiry_date
            """,
            [self.ids],
        )
        for card_id, expiry_date, points in self.env.cr.fetchall():
            card = self.browse(card_id)
            card.crm_next_expiry_date = expiry_date
            card.crm_next_expiry_points = points

    @api.model_create_multi
    def create(self, vals_list):
        programs = self.env["loyalty.program"].browse(
            [vals.get("program_id") or self.env.context.get("active_id") for vals in vals_list]
        )
        opening = []
        for vals, program in zip(vals_list, programs, strict=True):
            points = vals.get("points") or 0.0
            if program.exists() and program._crm_loyalty_is_ledger() and points:
                vals["points"] = 0.0
                opening.append(points)
            else:
                opening.append(0.0)
        cards = super().create(vals_list)
        entries = [
            {"card": card, "points": points, "entry_type": "adjustment", "description": self.env._("Opening balance")}
            for card, points in zip(cards, opening, strict=True)
            if points
        ]
        if entries:
            self.env["crm.loyalty.ledger"]._post(entries)
        return cards

    def write(self, vals):
        self._crm_loyalty_check_card_fields(vals)
        if "points" not in vals:
            return super().write(vals)
        ledger_cards = self.filtered(lambda card: card.program_id._crm_loyalty_is_ledger())
        if not ledger_cards:
            return super().write(vals)
        origin = self.env.context.get("crm_loyalty_origin")
        # A record in the context cannot come from an RPC call (JSON only):
        # it marks a change made by the sales flow itself.
        trusted = isinstance(origin, models.BaseModel)
        if not (self.env.su or trusted or self.env.user.has_group("crm_loyalty.crm_loyalty_group_manager")):
            raise AccessError(
                self.env._(
                    "Only loyalty managers can change the points of loyalty card %(card)s.", card=ledger_cards[0].code
                )
            )
        vals = dict(vals)
        new_points = vals.pop("points")
        others = self - ledger_cards
        if others:
            super(LoyaltyCard, others).write({**vals, "points": new_points})
        if vals:
            super(LoyaltyCard, ledger_cards).write(vals)
        entries = [ledger_cards._crm_loyalty_entry_for_target(card, new_points, origin) for card in ledger_cards]
        # the sales flow keeps the card history itself
        self.env["crm.loyalty.ledger"]._post(entries, history=not trusted)
        return True

    def _crm_loyalty_check_card_fields(self, vals):
        """Who owns a ledger card, in which program and tier, decides where
        its points go and how many it earns: only loyalty managers change it
        (the tier review writes the tier itself). A card of a program without
        ledger keeps the host's rules, unless it would move into a ledger."""
        fnames = [fname for fname in CARD_GUARDED_FIELDS if fname in vals]
        if not fnames or self.env.su or self.env.user.has_group("crm_loyalty.crm_loyalty_group_manager"):
            return
        into_ledger = "program_id" in vals and any(
            program._crm_loyalty_is_ledger() for program in self.env["loyalty.program"].browse(vals["program_id"])
        )
        for card in self:
            if not (into_ledger or card.program_id._crm_loyalty_is_ledger()):
                continue
            for fname in fnames:
                field = self._fields[fname]
                if field.convert_to_cache(vals[fname], card, validate=False) != field.convert_to_cache(
                    card[fname], card, validate=False
                ):
                    raise AccessError(
                        self.env._(
                            "Only loyalty managers can change the customer, program or tier of loyalty card "
                            "%(card)s.",
                            card=card.code,
                        )
                    )

    def _crm_loyalty_clear_points(self):
        """Set the cards' points to zero without a ledger entry: only for the
        opening of a program's ledger, which posts the same points as opening
        batches right after (private: no RPC call reaches it)."""
        return super().write({"points": 0.0})

    @api.model
    def _crm_loyalty_entry_for_target(self, card, target, origin):
        """The ledger entry for a direct change of a card's balance to
        ``target`` (host flows and manual edits)."""
        entry = {
            "card": card,
            "target": target,
            "entry_type": "adjustment",
            "description": self.env._("Balance updated"),
        }
        if isinstance(origin, models.BaseModel) and origin._name == "sale.order" and len(origin) == 1:
            entry.update(sale_order_id=origin.id, description=self.env._("Order %s", origin.name))
            if target < card.points:
                entry["entry_type"] = "redemption"
            else:
                redemptions = (
                    self.env["crm.loyalty.ledger"]
                    .sudo()
                    .search(
                        [
                            ("sale_order_id", "=", origin.id),
                            ("card_id", "=", card.id),
                            ("entry_type", "=", "redemption"),
                        ]
                    )
                )
                entry["entry_type"] = "reversal" if redemptions else "accrual"
                entry["restore_entry_ids"] = redemptions.ids
        return entry

    def _crm_loyalty_expiring_batches(self):
        """Open batches of the card that expire within the program's notice."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        days = self.program_id.crm_expiry_notice_days
        return (
            self.env["crm.loyalty.ledger"]
            .sudo()
            .search(
                [
                    ("card_id", "=", self.id),
                    ("remaining", ">", 0),
                    ("expiry_date", ">=", today),
                    ("expiry_date", "<=", fields.Date.add(today, days=days)),
                ],
                order="expiry_date, id",
            )
        )

    def action_crm_loyalty_ledger(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_loyalty.crm_loyalty_ledger_action")
        action["domain"] = [("card_id", "=", self.id)]
        action["context"] = {"search_default_card_id": self.id}
        return action

    def action_crm_loyalty_adjust(self):
        self.ensure_one()
        return {
            "name": self.env._("Adjust Points"),
            "type": "ir.actions.act_window",
            "res_model": "crm.loyalty.adjust.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.id},
        }

    def action_crm_loyalty_statement(self):
        return self.env.ref("crm_loyalty.action_report_loyalty_statement").report_action(self.partner_id)
