import logging
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, float_round

from odoo.addons.crm_core_ext.tools.cron import run_isolated

_logger = logging.getLogger(__name__)

POINTS_DIGITS = 2


class CrmLoyaltyLedger(models.Model):
    """One row per change of a loyalty card's points.

    Positive rows of type accrual or adjustment are *batches*: they keep in
    ``remaining`` what is left of them and expire on ``expiry_date``. Negative
    rows consume batches, oldest first, and say which in
    ``crm.loyalty.ledger.consumption``. The card's ``points`` always equals the
    sum of its rows' ``points``: every change of a ledger card goes through
    :meth:`_post` or the set-based expiry :meth:`_expire_batches`.
    """

    _name = "crm.loyalty.ledger"
    _description = "Loyalty Points Ledger"
    _order = "date desc, id desc"
    _check_company_auto = True

    card_id = fields.Many2one(
        "loyalty.card", string="Loyalty Card", required=True, readonly=True, ondelete="cascade", index=True
    )
    program_id = fields.Many2one("loyalty.program", string="Program", required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    entry_type = fields.Selection(
        [
            ("accrual", "Earned"),
            ("redemption", "Redeemed"),
            ("expiry", "Expired"),
            ("reversal", "Reversed"),
            ("adjustment", "Adjustment"),
        ],
        string="Type",
        required=True,
        readonly=True,
    )
    points = fields.Float(
        readonly=True, digits=(16, POINTS_DIGITS), help="Points added (positive) or taken (negative)."
    )
    remaining = fields.Float(
        readonly=True,
        digits=(16, POINTS_DIGITS),
        help="For a batch of earned points: what is left of it, neither used nor expired.",
    )
    expiry_date = fields.Date(readonly=True, help="The batch's remaining points expire after this day.")
    expiry_notified = fields.Boolean(readonly=True, copy=False)
    amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="The money that earned these points (counts for tiers qualified by spend).",
    )
    description = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", string="Recorded by", readonly=True, default=lambda self: self.env.user)
    sale_order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True, index="btree_not_null")
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True, index="btree_not_null")
    credit_note_id = fields.Many2one("account.move", string="Credit Note", readonly=True, index="btree_not_null")
    payment_move_id = fields.Many2one("account.move", string="Payment", readonly=True)
    picking_id = fields.Many2one("stock.picking", string="Return", readonly=True, index="btree_not_null")
    expired_on = fields.Date(readonly=True, help="The day the expiry job closed this batch.")
    expired_points = fields.Float(
        readonly=True, digits=(16, POINTS_DIGITS), help="Points of this batch that expired unused."
    )
    consumption_ids = fields.One2many(
        "crm.loyalty.ledger.consumption", "entry_id", string="Taken From Batches", readonly=True
    )
    batch_consumption_ids = fields.One2many(
        "crm.loyalty.ledger.consumption", "batch_id", string="Used By", readonly=True
    )

    def init(self):
        # The expiry job and the FIFO consumption read only open batches.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS crm_loyalty_ledger_open_batch_idx
                ON crm_loyalty_ledger (expiry_date, card_id) WHERE remaining > 0
            """
        )
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS crm_loyalty_ledger_card_open_idx
                ON crm_loyalty_ledger (card_id, date, id) WHERE remaining > 0
            """
        )

    @api.depends("entry_type", "points", "card_id")
    def _compute_display_name(self):
        types = dict(self._fields["entry_type"]._description_selection(self.env))
        for entry in self:
            entry.display_name = f"{types.get(entry.entry_type, '')} {entry.points:+g} ({entry.card_id.code or ''})"

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        # No exception, whoever asks: the rows of a deleted card go with it
        # through the database's cascade, which does not come here.
        raise UserError(_("Ledger entries cannot be deleted; post an adjustment instead."))

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------

    @api.model
    def _lock_cards(self, cards):
        """Lock the cards' rows for the rest of the transaction and return
        their current points read from the database (not the cache)."""
        self.env["loyalty.card"].flush_model(["points"])
        self.env.cr.execute(
            "SELECT id, COALESCE(points, 0) FROM loyalty_card WHERE id IN %s ORDER BY id FOR UPDATE",
            [tuple(cards.ids)],
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _post(self, entries, history=True):
        """Post point changes to the ledger and to the cards, atomically.

        ``entries`` is a list of dicts with:

        - ``card``: the ``loyalty.card``;
        - ``points`` (signed) or ``target`` (the balance wanted after it);
        - ``entry_type``: accrual, redemption, reversal or adjustment;
        - optionally ``description``, ``amount``, ``expiry_date``, ``date``,
          ``sale_order_id``, ``move_id``, ``payment_move_id``, ``picking_id``;
        - ``prefer_batch_ids``: batches a negative change takes from first
          (the accrual that a reversal undoes);
        - ``restore_entry_ids``: for a positive reversal, the redemptions whose
          batches get their points back.

        The cards are locked first (``SELECT ... FOR UPDATE``), so that two
        transactions redeeming on one card are serialised and cannot overdraw
        it. Redemptions and negative adjustments beyond the balance raise;
        reversals follow the program's reversal policy.
        """
        entries = [entry for entry in entries if entry.get("card")]
        if not entries:
            return self.browse()
        ledger = self.sudo()
        cards = ledger.env["loyalty.card"].browse(sorted({entry["card"].id for entry in entries}))
        balance = ledger._lock_cards(cards)
        needs_batches = any("target" in entry or entry["points"] < 0 for entry in entries)
        if needs_batches:
            # points already due to expire are not spent: expire them first
            if ledger._expire_batches(card_ids=cards.ids):
                balance = ledger._lock_cards(cards)
        batches = (
            ledger._open_batches(cards)
            if needs_batches or any(entry.get("restore_entry_ids") for entry in entries)
            else {}
        )
        today = fields.Date.context_today(self)
        old_balance = dict(balance)
        vals_list, consumption_list, batch_updates = [], [], {}
        for entry in entries:
            prepared = ledger._prepare_entry(entry, balance, batches, batch_updates, today)
            if prepared:
                vals_list.append(prepared[0])
                consumption_list.append(prepared[1])
        if not vals_list:
            return self.browse()
        rows = ledger.create(vals_list)
        consumption_vals = [
            {"entry_id": row.id, "batch_id": batch_id, "points": points}
            for row, consumed in zip(rows, consumption_list, strict=True)
            for batch_id, points in consumed
        ]
        if consumption_vals:
            ledger.env["crm.loyalty.ledger.consumption"].create(consumption_vals)
        if batch_updates:
            self.env.cr.execute(
                """
                UPDATE crm_loyalty_ledger l SET remaining = v.remaining
                  FROM (SELECT unnest(%s::int[]) AS id, unnest(%s::numeric[]) AS remaining) v
                 WHERE l.id = v.id
                """,
                [list(batch_updates), list(batch_updates.values())],
            )
            ledger.browse(list(batch_updates)).invalidate_recordset(["remaining"])
        changed = {card_id: points for card_id, points in balance.items() if points != old_balance[card_id]}
        if changed:
            self.env.cr.execute(
                """
                UPDATE loyalty_card c SET points = v.points, write_date = now() AT TIME ZONE 'UTC', write_uid = %s
                  FROM (SELECT unnest(%s::int[]) AS id, unnest(%s::numeric[]) AS points) v
                 WHERE c.id = v.id
                """,
                [self.env.uid, list(changed), list(changed.values())],
            )
            cards.invalidate_recordset(["points"])
        if history:
            ledger._create_history(rows)
        changed_cards = cards.filtered(lambda c: c.id in changed)
        if changed_cards and not self.env.context.get("loyalty_no_mail"):
            changed_cards._send_points_reach_communication(
                {card: {"old": old_balance[card.id], "new": balance[card.id]} for card in changed_cards}
            )
        earned_cards = rows.filtered(lambda r: r.points > 0 and r.entry_type in ("accrual", "adjustment")).card_id
        if earned_cards:
            ledger.env["crm.loyalty.tier"]._review_cards(earned_cards, downgrade=False)
        return rows

    @api.model
    def _prepare_entry(self, entry, balance, batches, batch_updates, today):
        """Values of the ledger row for one entry of :meth:`_post`, and the
        batches it takes from or gives back to; updates ``balance`` and the
        batches in memory. None when the entry changes nothing."""
        card = entry["card"]
        program = card.program_id
        points = entry["points"] if "points" in entry else entry["target"] - balance[card.id]
        points = float_round(points, precision_digits=POINTS_DIGITS)
        if float_is_zero(points, precision_digits=POINTS_DIGITS):
            return None
        entry_type = entry.get("entry_type") or "adjustment"
        date = entry.get("date") or today
        consumed = []
        remaining = 0.0
        if points > 0 and entry.get("restore_entry_ids"):
            remaining = self._restore_batches(entry["restore_entry_ids"], points, batches, batch_updates, consumed)
        elif points > 0:
            remaining = max(0.0, points - max(0.0, -balance[card.id]))
        else:
            available = max(0.0, balance[card.id])
            if float_compare(-points, available, precision_digits=POINTS_DIGITS) > 0:
                policy = program.crm_reversal_policy if entry_type == "reversal" else "block"
                if policy == "block":
                    raise UserError(
                        _(
                            "Loyalty card %(card)s of %(partner)s has %(balance)s points; "
                            "%(points)s points cannot be taken from it.",
                            card=card.code,
                            partner=card.partner_id.display_name or "-",
                            balance=balance[card.id],
                            points=-points,
                        )
                    )
                if policy == "cap":
                    points = -available
                    if float_is_zero(points, precision_digits=POINTS_DIGITS):
                        return None
            self._consume(card, -points, entry.get("prefer_batch_ids") or [], batches, batch_updates, consumed)
        balance[card.id] = float_round(balance[card.id] + points, precision_digits=POINTS_DIGITS)
        vals = {
            "card_id": card.id,
            "program_id": program.id,
            "partner_id": card.partner_id.id,
            "company_id": card.company_id.id,
            "currency_id": (card.company_id or self.env.company).currency_id.id,
            "date": date,
            "entry_type": entry_type,
            "points": points,
            "remaining": remaining,
            "amount": entry.get("amount", 0.0),
            "description": entry.get("description"),
            "sale_order_id": entry.get("sale_order_id"),
            "move_id": entry.get("move_id"),
            "credit_note_id": entry.get("credit_note_id"),
            "payment_move_id": entry.get("payment_move_id"),
            "picking_id": entry.get("picking_id"),
        }
        if remaining:
            vals["expiry_date"] = entry.get("expiry_date") or program._crm_loyalty_expiry_date(date)
        return vals, consumed

    @api.model
    def _open_batches(self, cards):
        """{card_id: [[batch_id, remaining], ...]} oldest first, locked."""
        self.flush_model(["remaining", "card_id", "date"])
        self.env.cr.execute(
            """
            SELECT id, card_id, remaining FROM crm_loyalty_ledger
             WHERE card_id IN %s AND remaining > 0
             ORDER BY date, id
               FOR UPDATE
            """,
            [tuple(cards.ids)],
        )
        batches = defaultdict(list)
        for batch_id, card_id, remaining in self.env.cr.fetchall():
            batches[card_id].append([batch_id, remaining])
        return batches

    @api.model
    def _consume(self, card, points, prefer_ids, batches, batch_updates, consumed):
        """Take ``points`` from the card's open batches: the preferred ones
        first, then the oldest. What cannot be covered (a balance allowed to go
        negative) is simply not linked to any batch."""
        card_batches = batches.get(card.id, [])
        prefer = set(prefer_ids)
        ordered = [b for b in card_batches if b[0] in prefer] + [b for b in card_batches if b[0] not in prefer]
        for batch in ordered:
            if float_is_zero(points, precision_digits=POINTS_DIGITS):
                break
            take = min(batch[1], points)
            if float_is_zero(take, precision_digits=POINTS_DIGITS):
                continue
            batch[1] = float_round(batch[1] - take, precision_digits=POINTS_DIGITS)
            points = float_round(points - take, precision_digits=POINTS_DIGITS)
            batch_updates[batch[0]] = batch[1]
            consumed.append((batch[0], -take))

    @api.model
    def _restore_batches(self, entry_ids, points, batches, batch_updates, consumed):
        """Give ``points`` back to the batches the given redemptions took
        them from (latest consumption first); return what could not be given
        back to a batch (it becomes a batch of its own)."""
        consumptions = self.env["crm.loyalty.ledger.consumption"].search(
            [("entry_id", "in", list(entry_ids))], order="id desc"
        )
        net = defaultdict(float)
        for consumption in consumptions:
            net[consumption.batch_id] += -consumption.points
        remaining_by_id = {b[0]: b for card_batches in batches.values() for b in card_batches}
        for batch, taken in net.items():
            if float_is_zero(points, precision_digits=POINTS_DIGITS):
                break
            give = min(taken, points)
            if give <= 0:
                continue
            current = remaining_by_id.get(batch.id)
            if current is None:
                current = [batch.id, batch.remaining]
                remaining_by_id[batch.id] = current
                batches.setdefault(batch.card_id.id, []).append(current)
            current[1] = float_round(current[1] + give, precision_digits=POINTS_DIGITS)
            batch_updates[batch.id] = current[1]
            points = float_round(points - give, precision_digits=POINTS_DIGITS)
            consumed.append((batch.id, give))
        return points

    @api.model
    def _create_history(self, rows):
        """Mirror ledger rows in the host's card history (shown on the card and
        the portal)."""
        types = dict(self._fields["entry_type"]._description_selection(self.env))
        history_vals = []
        for row in rows:
            origin = row.credit_note_id or row.move_id or row.picking_id or row.sale_order_id
            history_vals.append(
                {
                    "card_id": row.card_id.id,
                    "description": row.description or types[row.entry_type],
                    "issued": max(row.points, 0.0),
                    "used": max(-row.points, 0.0),
                    "order_model": origin._name if origin else False,
                    "order_id": origin.id if origin else False,
                }
            )
        self.env["loyalty.history"].sudo().create(history_vals)

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------

    @api.model
    def _expire_batches(self, date=None, card_ids=None):
        """Expire every open batch whose expiry date is before ``date``
        (today by default), set-based: the cards are locked, then one statement
        inserts one expiry row per card, closes the batches, updates the cards
        and writes the card history. Returns the number of expired batches."""
        date = date or fields.Date.context_today(self)
        self.flush_model()
        self.env["loyalty.card"].flush_model(["points"])
        card_filter = "AND card_id = ANY(%(cards)s)" if card_ids is not None else ""
        params = {
            "date": date,
            "cards": list(card_ids or []),
            "uid": self.env.uid,
            "description": _("Points expired"),
        }
        # lock the cards first, in id order, like _post does: no deadlock
        self.env.cr.execute(
            f"""
            SELECT id FROM loyalty_card
             WHERE id IN (SELECT card_id FROM crm_loyalty_ledger
                           WHERE remaining > 0 AND expiry_date < %(date)s {card_filter})
             ORDER BY id FOR UPDATE
            """,  # noqa: S608
            params,
        )
        if not self.env.cr.rowcount:
            return 0
        # No row lock on the batches: every change of a batch holds its card's
        # lock (taken above). One expiry row per card (not per batch) and few
        # indexes keep a large run to a handful of sequential passes.
        self.env.cr.execute(
            f"""
            WITH due AS (
                SELECT id, card_id, program_id, partner_id, company_id, currency_id, remaining
                  FROM crm_loyalty_ledger
                 WHERE remaining > 0 AND expiry_date < %(date)s {card_filter}
            ), per_card AS (
                SELECT card_id, MIN(program_id) AS program_id, MIN(partner_id) AS partner_id,
                       MIN(company_id) AS company_id, MIN(currency_id) AS currency_id,
                       SUM(remaining) AS total, COUNT(*) AS batches
                  FROM due GROUP BY card_id
            ), expired AS (
                INSERT INTO crm_loyalty_ledger (
                    card_id, program_id, partner_id, company_id, currency_id, date, entry_type,
                    points, remaining, amount, description, user_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT card_id, program_id, partner_id, company_id, currency_id, %(date)s, 'expiry',
                       -total, 0, 0, %(description)s, %(uid)s,
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM per_card
            ), closed AS (
                UPDATE crm_loyalty_ledger l
                   SET expired_points = due.remaining, remaining = 0, expired_on = %(date)s
                  FROM due
                 WHERE l.id = due.id
            ), cards AS (
                UPDATE loyalty_card c
                   SET points = COALESCE(c.points, 0) - per_card.total,
                       write_date = now() AT TIME ZONE 'UTC', write_uid = %(uid)s
                  FROM per_card WHERE c.id = per_card.card_id
            ), history AS (
                INSERT INTO loyalty_history (card_id, description, issued, used,
                                             create_uid, create_date, write_uid, write_date)
                SELECT card_id, %(description)s, 0, total,
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM per_card
            )
            SELECT COALESCE(SUM(batches), 0) FROM per_card
            """,  # noqa: S608
            params,
        )
        count = int(self.env.cr.fetchone()[0])
        self.env["loyalty.card"].invalidate_model(["points"])
        self.invalidate_model(["remaining", "expired_points", "expired_on"])
        self.env["loyalty.history"].invalidate_model()
        return count

    @api.model
    def _cron_expire_points(self):
        """Daily: expire what is due, then warn customers of what expires soon."""
        expired = self._expire_batches()
        self.env["ir.cron"]._notify_progress(done=expired, remaining=0)
        self._notify_expiring()

    @api.model
    def _notify_expiring(self):
        """E-mail each customer once per batch that expires within the
        program's notice period. A program whose template is not one of
        loyalty cards is skipped with a warning, its batches stay to be
        announced once the template is fixed."""
        today = fields.Date.context_today(self)
        self.env.cr.execute(
            """
            SELECT l.id, l.card_id, l.program_id
              FROM crm_loyalty_ledger l
              JOIN loyalty_program p ON p.id = l.program_id
             WHERE l.remaining > 0 AND NOT COALESCE(l.expiry_notified, false)
               AND p.crm_expiry_notice_days > 0
               AND l.expiry_date >= %(today)s
               AND l.expiry_date <= %(today)s + p.crm_expiry_notice_days
            """,
            {"today": today},
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return 0
        row_ids, card_ids = defaultdict(list), defaultdict(set)
        for row_id, card_id, program_id in rows:
            row_ids[program_id].append(row_id)
            card_ids[program_id].add(card_id)
        # a system job: every company's cards, the template rendered as superuser
        programs = self.env["loyalty.program"].sudo().browse(sorted(row_ids))
        default_template = self.env.ref("crm_loyalty.mail_template_loyalty_points_expiring", raise_if_not_found=False)
        warned = 0

        def notify(program):
            nonlocal warned
            template = program.crm_expiry_mail_template_id or default_template
            if template and template.model != "loyalty.card":
                _logger.warning(
                    "Loyalty program %s (id %s): its expiry warning template %s (id %s) is a template of %s, "
                    "not of loyalty.card; no warning sent",
                    program.name,
                    program.id,
                    template.name,
                    template.id,
                    template.model,
                )
                return
            cards = self.env["loyalty.card"].sudo().browse(sorted(card_ids[program.id])).filtered("partner_id.email")
            if template and cards:
                template.sudo().send_mail_batch(cards.ids, email_layout_xmlid="mail.mail_notification_light")
            self.env.cr.execute(
                "UPDATE crm_loyalty_ledger SET expiry_notified = true WHERE id = ANY(%s)", [row_ids[program.id]]
            )
            warned += len(cards)

        # one program's broken template or mail stops neither the others nor
        # the expiry; its batches stay to be announced on the next run
        run_isolated(programs, notify, "Loyalty points expiry warnings")
        self.invalidate_model(["expiry_notified"])
        return warned
