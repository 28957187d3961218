from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.crm_core_ext.tools.cron import run_isolated


class CrmLoyaltyTier(models.Model):
    """A membership level of a loyalty program (for example silver, gold,
    platinum): reached when the points earned, or the amount spent, over the
    program's rolling window reach the threshold; it multiplies the points
    earned afterwards."""

    _name = "crm.loyalty.tier"
    _description = "Loyalty Tier"
    _order = "program_id, threshold, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    program_id = fields.Many2one("loyalty.program", string="Program", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="program_id.company_id", store=True, string="Company")
    threshold = fields.Float(
        required=True, help="Points earned or amount spent (as the program says) in the window to reach this tier."
    )
    multiplier = fields.Float(default=1.0, required=True, help="Points earned are multiplied by this factor.")
    color = fields.Integer()
    card_count = fields.Integer(compute="_compute_card_count", string="Members")

    _sql_constraints = [
        ("program_threshold_uniq", "UNIQUE(program_id, threshold)", "Two tiers of a program cannot share a threshold."),
    ]

    def _compute_card_count(self):
        counts = dict(
            self.env["loyalty.card"]._read_group([("crm_tier_id", "in", self.ids)], ["crm_tier_id"], ["__count"])
        )
        for tier in self:
            tier.card_count = counts.get(tier, 0)

    @api.constrains("threshold", "multiplier")
    def _check_values(self):
        for tier in self:
            if tier.threshold < 0:
                raise ValidationError(_("Tier %(tier)s: the threshold cannot be negative.", tier=tier.name))
            if tier.multiplier <= 0:
                raise ValidationError(_("Tier %(tier)s: the points multiplier must be positive.", tier=tier.name))

    @api.model
    def _review_cards(self, cards=None, programs=None, downgrade=True, date=None):
        """Put cards in the tier they qualify for today. Upgrades always;
        downgrades only when ``downgrade`` (the periodic review). One query per
        program reads the qualifying values; changes are written in bulk with a
        history row each. Returns the history rows created."""
        date = date or fields.Date.context_today(self)
        if cards is not None:
            programs = cards.program_id
        if programs is None:
            programs = self.env["loyalty.program"].search([("crm_tier_ids", "!=", False), ("crm_ledger", "=", True)])
        programs = programs.filtered(lambda program: program.crm_tier_ids and program._crm_loyalty_is_ledger())
        self.env["loyalty.card"].flush_model(["crm_tier_id", "program_id", "active"])
        self.env["crm.loyalty.ledger"].flush_model()
        history_vals = []
        updates = {}
        for program in programs:
            tiers = program.crm_tier_ids.sorted("threshold")
            since = date - relativedelta(months=program.crm_tier_window_months or 12)
            value_column = "l.points" if program.crm_tier_basis == "points" else "l.amount"
            card_filter = "AND c.id = ANY(%(cards)s)" if cards is not None else ""
            self.env.cr.execute(
                f"""
                SELECT c.id, c.crm_tier_id, COALESCE(SUM({value_column}), 0)
                  FROM loyalty_card c
                  LEFT JOIN crm_loyalty_ledger l
                    ON l.card_id = c.id AND l.date > %(since)s AND l.date <= %(date)s
                   AND (l.entry_type = 'accrual' OR (l.entry_type = 'reversal' AND l.points < 0))
                 WHERE c.program_id = %(program)s AND c.active {card_filter}
                 GROUP BY c.id
                """,  # noqa: S608
                {"since": since, "date": date, "program": program.id, "cards": cards.ids if cards is not None else []},
            )
            by_id = {tier.id: tier for tier in tiers}
            for card_id, current_id, value in self.env.cr.fetchall():
                target = self.browse()
                for tier in tiers:
                    if value >= tier.threshold:
                        target = tier
                current = by_id.get(current_id, self.browse())
                if target == current:
                    continue
                going_up = (target.threshold if target else -1) > (current.threshold if current else -1)
                if not going_up and not downgrade:
                    continue
                updates[card_id] = target.id or None
                history_vals.append(
                    {
                        "card_id": card_id,
                        "date": date,
                        "old_tier_id": current.id,
                        "new_tier_id": target.id,
                        "direction": "upgrade" if going_up else "downgrade",
                        "qualification": value,
                    }
                )
        if not updates:
            return self.env["crm.loyalty.tier.history"]
        self.env.cr.execute(
            """
            UPDATE loyalty_card c SET crm_tier_id = v.tier_id, crm_tier_date = %s
              FROM (SELECT unnest(%s::int[]) AS id, unnest(%s::int[]) AS tier_id) v
             WHERE c.id = v.id
            """,
            [date, list(updates), list(updates.values())],
        )
        self.env["loyalty.card"].browse(list(updates)).invalidate_recordset(["crm_tier_id", "crm_tier_date"])
        return self.env["crm.loyalty.tier.history"].sudo().create(history_vals)

    @api.model
    def _cron_review_tiers(self):
        """Periodic review: upgrades and downgrades of every card with tiers,
        program by program: one program that fails is rolled back alone and
        reviewed again on the next run."""
        programs = self.env["loyalty.program"].search([("crm_tier_ids", "!=", False), ("crm_ledger", "=", True)])
        changes = 0

        def review(program):
            nonlocal changes
            changes += len(self._review_cards(programs=program))

        run_isolated(programs, review, "Loyalty tier review")
        self.env["ir.cron"]._notify_progress(done=changes, remaining=0)
