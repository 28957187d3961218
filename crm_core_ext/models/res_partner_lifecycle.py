from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.cron import run_in_batches

# Stages of a customer who has bought; orders never move a customer down
# this scale, the daily schedule does (to dormant, lost, or loyal -> repeat).
ACTIVE_RANK = {"first_deal": 1, "repeat": 2, "loyal": 3}
# Pre-sale stages from which a lead or an opportunity moves a customer on.
LEAD_FROM_CODES = {
    "target": {None, "prospect"},
    "intent": {None, "prospect", "target"},
}
STAGE_FIELDS = ["crm_lifecycle_stage_id", "crm_lifecycle_date"]


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_lifecycle_stage_id = fields.Many2one(
        "crm.lifecycle.stage",
        string="Lifecycle Stage",
        company_dependent=True,
        readonly=True,
        check_company=True,
        ondelete="restrict",
        groups="crm_core_ext.crm_core_ext_group_user",
        help="Where the customer stands in its life with the current company. It moves on leads, "
        "opportunities, confirmed orders and the daily schedule, or by a manual move with a reason.",
    )
    crm_lifecycle_date = fields.Datetime(
        string="Lifecycle Stage Since",
        company_dependent=True,
        readonly=True,
        index=False,  # read with the stage, never searched alone: spare the index on every move
        groups="crm_core_ext.crm_core_ext_group_user",
    )
    crm_lifecycle_history_ids = fields.One2many(
        "crm.lifecycle.history",
        "partner_id",
        string="Lifecycle History",
        readonly=True,
        groups="crm_core_ext.crm_core_ext_group_user",
    )
    crm_lifecycle_history_count = fields.Integer(
        string="Lifecycle Moves",
        compute="_compute_crm_lifecycle_history_count",
        groups="crm_core_ext.crm_core_ext_group_user",
    )

    def _compute_crm_lifecycle_history_count(self):
        counts = dict(
            self.env["crm.lifecycle.history"]._read_group(
                [("partner_id", "in", self.ids), ("company_id", "=", self.env.company.id)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.crm_lifecycle_history_count = counts.get(partner._origin, 0)

    # ------------------------------------------------------------------
    # CRUD: a stage written directly (import, RPC) is still a dated move
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("crm_lifecycle_skip_history") or not any(
            vals.get("crm_lifecycle_stage_id") for vals in vals_list
        ):
            return super().create(vals_list)
        self.check_field_access_rights("write", ["crm_lifecycle_stage_id"])
        stage_ids = []
        for vals in vals_list:
            stage_ids.append(vals.pop("crm_lifecycle_stage_id", False))
            vals.pop("crm_lifecycle_date", None)
        self._crm_lifecycle_check_stages(self.env["crm.lifecycle.stage"].browse({s for s in stage_ids if s}))
        partners = super().create(vals_list)
        partners._crm_lifecycle_move(
            self.env.company,
            [(partner.id, stage_id) for partner, stage_id in zip(partners, stage_ids, strict=True) if stage_id],
            "manual",
            reason=self.env.context.get("crm_lifecycle_reason") or _("Initial stage"),
        )
        return partners

    def write(self, vals):
        if not vals.get("crm_lifecycle_stage_id") or self.env.context.get("crm_lifecycle_skip_history"):
            return super().write(vals)
        vals = dict(vals)
        stage = self.env["crm.lifecycle.stage"].browse(vals.pop("crm_lifecycle_stage_id"))
        vals.pop("crm_lifecycle_date", None)
        self.check_access("write")
        self.check_field_access_rights("write", ["crm_lifecycle_stage_id"])
        self._crm_lifecycle_check_stages(stage)
        res = super().write(vals) if vals else True
        self._crm_lifecycle_move(
            self.env.company,
            [(partner.id, stage.id) for partner in self],
            "manual",
            reason=self.env.context.get("crm_lifecycle_reason") or _("Stage set directly"),
        )
        return res

    def _crm_lifecycle_check_stages(self, stages):
        """Stages must exist and be valid in the current company."""
        company = self.env.company
        for stage in stages.sudo():
            if not stage.exists():
                raise UserError(_("The lifecycle stage %s does not exist.", stage.id))
            if stage.company_id and stage.company_id != company:
                raise UserError(
                    _(
                        "The lifecycle stage %(stage)s cannot be used in company %(company)s.",
                        stage=stage.display_name,
                        company=company.name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_crm_lifecycle_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_lifecycle_history_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_crm_lifecycle_move(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_lifecycle_move_wizard_action")
        action["context"] = {
            "active_model": "res.partner",
            "active_ids": self.ids,
            "default_partner_ids": self.commercial_partner_id.ids,
        }
        return action

    # ------------------------------------------------------------------
    # Moves: one set-based statement per company
    # ------------------------------------------------------------------

    @api.model
    def _crm_lifecycle_move(self, company, moves, trigger, reason=None):
        """Move partners to stages in ``company`` and record the moves.

        :param company: ``res.company`` record the stages apply to
        :param moves: iterable of ``(partner_id, stage_to_id)``; pairs where the
            partner is already in that stage are skipped
        :param trigger: a ``crm.lifecycle.history.trigger`` value
        :param reason: text kept in the history
        :return: list of the ids of the partners that moved

        A single SQL statement locks the partners, reads their current stage,
        writes the new stage and date into the company-dependent columns and
        inserts the history rows, whatever the number of partners.
        """
        moves = list(moves)
        if not moves:
            return []
        self.env["res.partner"].flush_model(STAGE_FIELDS)
        now = fields.Datetime.now()
        now_str = fields.Datetime.to_string(now)
        cid = str(company.id)
        rows = self.env.execute_query(
            SQL(
                """
            WITH m AS (
                SELECT DISTINCT ON (partner_id) partner_id, stage_id
                  FROM unnest(%(partner_ids)s::int[], %(stage_ids)s::int[]) AS m(partner_id, stage_id)
                 ORDER BY partner_id
            ), old AS (
                SELECT p.id,
                       m.stage_id,
                       (p.crm_lifecycle_stage_id ->> %(cid)s)::int AS stage_from_id,
                       (p.crm_lifecycle_date ->> %(cid)s)::timestamp AS date_from
                  FROM res_partner p
                  JOIN m ON m.partner_id = p.id
                 WHERE (p.crm_lifecycle_stage_id ->> %(cid)s)::int IS DISTINCT FROM m.stage_id
                   FOR UPDATE OF p
            ), upd AS (
                UPDATE res_partner p
                   SET crm_lifecycle_stage_id = COALESCE(p.crm_lifecycle_stage_id, '{}'::jsonb)
                                                || jsonb_build_object(%(cid)s, old.stage_id),
                       crm_lifecycle_date = COALESCE(p.crm_lifecycle_date, '{}'::jsonb)
                                            || jsonb_build_object(%(cid)s, %(now)s::text)
                  FROM old
                 WHERE p.id = old.id
             RETURNING p.id
            )
            INSERT INTO crm_lifecycle_history
                   (partner_id, company_id, stage_from_id, stage_to_id, date, user_id, reason,
                    trigger, days_in_previous_stage, create_uid, create_date, write_uid, write_date)
            SELECT old.id, %(company_id)s, old.stage_from_id, old.stage_id, %(now)s, %(uid)s, %(reason)s,
                   %(trigger)s,
                   CASE WHEN old.date_from IS NOT NULL
                        THEN (EXTRACT(EPOCH FROM (%(now)s::timestamp - old.date_from)) / 86400)::int END,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM old
              JOIN upd ON upd.id = old.id
            RETURNING partner_id
            """,
                partner_ids=[partner_id for partner_id, __ in moves],
                stage_ids=[stage_id for __, stage_id in moves],
                cid=cid,
                company_id=company.id,
                now=now_str,
                uid=self.env.uid,
                reason=reason or None,
                trigger=trigger,
            )
        )
        self.env["res.partner"].invalidate_model(
            STAGE_FIELDS + ["crm_lifecycle_history_ids", "crm_lifecycle_history_count"]
        )
        self.env["crm.lifecycle.history"].invalidate_model()
        return [row[0] for row in rows]

    @api.model
    def _crm_lifecycle_current_stages(self, partner_ids):
        """Return ``{partner_id: {company_id (str): stage_id}}`` in one query."""
        self.env["res.partner"].flush_model(["crm_lifecycle_stage_id"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id, crm_lifecycle_stage_id FROM res_partner WHERE id = ANY(%s)",
                list(partner_ids),
            )
        )
        return {pid: (value or {}) for pid, value in rows}

    @api.model
    def _crm_lifecycle_order_stats(self, pairs):
        """Confirmed-order statistics per (company, commercial partner), one query.

        :param pairs: iterable of ``(company_id, commercial_partner_id)``
        :return: ``{(company_id, partner_id): (orders, orders_in_window, last_order_date)}``
            where the window is the company's repeat purchase window
        """
        pairs = list(pairs)
        if not pairs:
            return {}
        companies = self.env["res.company"].browse({company_id for company_id, __ in pairs})
        now = fields.Datetime.now()
        windows = {c.id: now - timedelta(days=c.crm_lifecycle_repeat_days) for c in companies}
        self.env["sale.order"].flush_model(["state", "company_id", "partner_id", "date_order"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """
            WITH k AS (
                SELECT * FROM unnest(%(company_ids)s::int[], %(partner_ids)s::int[], %(starts)s::timestamp[])
                    AS k(company_id, partner_id, window_start)
            )
            SELECT k.company_id, k.partner_id, COUNT(so.id),
                   COUNT(so.id) FILTER (WHERE so.date_order >= k.window_start),
                   MAX(so.date_order)
              FROM k
              JOIN res_partner cp ON cp.commercial_partner_id = k.partner_id
              JOIN sale_order so ON so.partner_id = cp.id AND so.company_id = k.company_id
             WHERE so.state = 'sale'
             GROUP BY k.company_id, k.partner_id
            """,
                company_ids=[company_id for company_id, __ in pairs],
                partner_ids=[partner_id for __, partner_id in pairs],
                starts=[windows[company_id] for company_id, __ in pairs],
            )
        )
        return {(company_id, partner_id): (count, window, last) for company_id, partner_id, count, window, last in rows}

    # ------------------------------------------------------------------
    # Events
    # ------------------------------------------------------------------

    @api.model
    def _crm_lifecycle_on_leads(self, leads):
        """Leads move their customer to 'target', opportunities to 'intent'.

        Only forward from no stage, prospect (and target for opportunities): a
        customer who has already bought is never moved back by a new lead.
        """
        wanted = {}  # (company, partner) -> code
        for lead in leads:
            partner = lead.partner_id.commercial_partner_id
            if not partner:
                continue
            company = lead.company_id or self.env.company
            code = "intent" if lead.type == "opportunity" else "target"
            key = (company.id, partner.id)
            if wanted.get(key) != "intent":
                wanted[key] = code
        if not wanted:
            return
        companies = self.env["res.company"].browse({company_id for company_id, __ in wanted})
        stages = self.env["crm.lifecycle.stage"]._get_stages_by_code(companies)
        current = self._crm_lifecycle_current_stages({partner_id for __, partner_id in wanted})
        code_of = {stage.id: code for company_stages in stages.values() for code, stage in company_stages.items()}
        moves = defaultdict(lambda: defaultdict(list))  # company -> trigger -> [(partner, stage)]
        for (company_id, partner_id), code in wanted.items():
            stage = stages[company_id].get(code)
            current_id = current.get(partner_id, {}).get(str(company_id))
            current_code = code_of.get(current_id) if current_id else None
            if not stage or (current_id and current_code is None):
                continue  # no such stage configured, or a manual-only stage: leave as is
            if current_code in LEAD_FROM_CODES[code]:
                trigger = "opportunity" if code == "intent" else "lead"
                moves[company_id][trigger].append((partner_id, stage.id))
        for company in companies:
            for trigger, company_moves in moves[company.id].items():
                self._crm_lifecycle_move(company, company_moves, trigger)

    @api.model
    def _crm_lifecycle_on_orders(self, orders):
        """Confirmed orders move their commercial partner along first deal -> repeat -> loyal.

        With N confirmed orders in the company, W of them within the repeat window:

        * N == 1: first deal;
        * W >= loyal orders: loyal; W >= 2: repeat;
        * otherwise (the previous order is older than the window): first deal.

        Orders never move a customer down (loyal stays loyal); a dormant or lost
        customer who orders again is at least repeat. Constant number of queries
        whatever the number of orders.
        """
        pairs = {(order.company_id.id, order.partner_id.commercial_partner_id.id) for order in orders}
        if not pairs:
            return
        companies = self.env["res.company"].browse({company_id for company_id, __ in pairs})
        stages = self.env["crm.lifecycle.stage"]._get_stages_by_code(companies)
        stats = self._crm_lifecycle_order_stats(pairs)
        current = self._crm_lifecycle_current_stages({partner_id for __, partner_id in pairs})
        code_of = {stage.id: code for company_stages in stages.values() for code, stage in company_stages.items()}
        moves = defaultdict(list)
        for company_id, partner_id in pairs:
            company = companies.browse(company_id)
            count, count_window, __ = stats.get((company_id, partner_id), (0, 0, None))
            if not count:
                continue
            current_id = current.get(partner_id, {}).get(str(company_id))
            current_code = code_of.get(current_id) if current_id else None
            if count == 1:
                code = "first_deal"
            elif count_window >= company.crm_lifecycle_loyal_orders:
                code = "loyal"
            elif count_window >= 2:
                code = "repeat"
            else:
                code = "first_deal"
            if current_code in ("dormant", "lost"):
                code = code if ACTIVE_RANK[code] >= ACTIVE_RANK["repeat"] else "repeat"
            elif current_code in ACTIVE_RANK and ACTIVE_RANK[current_code] >= ACTIVE_RANK[code]:
                continue
            stage = stages[company_id].get(code)
            if stage and stage.id != current_id:
                moves[company_id].append((partner_id, stage.id))
        for company in companies:
            self._crm_lifecycle_move(company, moves[company.id], "order")

    # ------------------------------------------------------------------
    # Daily schedule
    # ------------------------------------------------------------------

    @api.model
    def _crm_lifecycle_schedule_candidates(self, company, stages, limit):
        """Partners the schedule moves in ``company``, computed in one SQL query.

        Age is counted from the last confirmed order of the commercial partner
        in the company (or from the date it entered its stage, if it has none):

        * first deal / repeat / loyal -> lost after the lost delay, else
          dormant after the dormant delay;
        * dormant -> lost after the lost delay;
        * loyal -> repeat when its orders within the repeat window fall
          below the loyal threshold;
        * a customer without a stage in the company but with confirmed orders
          (orders from before the module was installed, or imported) gets the
          stage its orders give it: lost, dormant, loyal, repeat or first deal.

        :return: (list of (partner_id, stage_to_id), total number of candidates)
        """
        ids = {code: stages[code].id for code in ("first_deal", "repeat", "loyal", "dormant", "lost") if code in stages}
        active_ids = [ids[code] for code in ("first_deal", "repeat", "loyal") if code in ids]
        source_ids = active_ids + ([ids["dormant"]] if "dormant" in ids else [])
        now = fields.Datetime.now()
        rows = self.env.execute_query(
            SQL(
                """
            WITH cur AS (
                SELECT p.id AS partner_id,
                       (p.crm_lifecycle_stage_id ->> %(cid)s)::int AS stage_id,
                       (p.crm_lifecycle_date ->> %(cid)s)::timestamp AS stage_date
                  FROM res_partner p
                 WHERE p.active
                   AND ((p.crm_lifecycle_stage_id ->> %(cid)s) IS NULL
                        OR (p.crm_lifecycle_stage_id ->> %(cid)s)::int = ANY(%(source_ids)s))
            ), ord AS (
                SELECT cp.commercial_partner_id AS partner_id,
                       MAX(so.date_order) AS last_order,
                       COUNT(*) FILTER (WHERE so.date_order >= %(repeat_start)s) AS count_window
                  FROM sale_order so
                  JOIN res_partner cp ON cp.id = so.partner_id
                 WHERE so.state = 'sale'
                   AND so.company_id = %(company_id)s
                 GROUP BY cp.commercial_partner_id
            ), todo AS (
                SELECT cur.partner_id,
                       cur.stage_id,
                       CASE
                           WHEN cur.stage_id IS NULL THEN
                               CASE
                                   WHEN ord.partner_id IS NULL THEN NULL
                                   WHEN ord.last_order < %(lost_start)s THEN %(lost_id)s::int
                                   WHEN ord.last_order < %(dormant_start)s THEN %(dormant_id)s::int
                                   WHEN ord.count_window >= %(loyal_orders)s THEN %(loyal_id)s::int
                                   WHEN ord.count_window >= 2 THEN %(repeat_id)s::int
                                   ELSE %(first_deal_id)s::int
                               END
                           WHEN cur.stage_id = ANY(%(active_ids)s)
                                AND COALESCE(ord.last_order, cur.stage_date) < %(lost_start)s
                                AND %(lost_id)s::int IS NOT NULL THEN %(lost_id)s::int
                           WHEN cur.stage_id = ANY(%(active_ids)s)
                                AND COALESCE(ord.last_order, cur.stage_date) < %(dormant_start)s
                                THEN %(dormant_id)s::int
                           WHEN cur.stage_id = %(dormant_id)s::int
                                AND COALESCE(ord.last_order, cur.stage_date) < %(lost_start)s
                                THEN %(lost_id)s::int
                           WHEN cur.stage_id = %(loyal_id)s::int
                                AND COALESCE(ord.count_window, 0) < %(loyal_orders)s
                                THEN %(repeat_id)s::int
                       END AS stage_to_id
                  FROM cur
                  LEFT JOIN ord ON ord.partner_id = cur.partner_id
            )
            SELECT partner_id, stage_to_id, COUNT(*) OVER ()
              FROM todo
             WHERE stage_to_id IS NOT NULL AND stage_to_id IS DISTINCT FROM stage_id
             ORDER BY partner_id
             LIMIT %(limit)s
            """,
                cid=str(company.id),
                company_id=company.id,
                source_ids=source_ids,
                active_ids=active_ids,
                lost_id=ids.get("lost"),
                dormant_id=ids.get("dormant"),
                loyal_id=ids.get("loyal"),
                repeat_id=ids.get("repeat"),
                first_deal_id=ids.get("first_deal"),
                loyal_orders=company.crm_lifecycle_loyal_orders,
                repeat_start=now - timedelta(days=company.crm_lifecycle_repeat_days),
                dormant_start=now - timedelta(days=company.crm_lifecycle_dormant_days),
                lost_start=now - timedelta(days=company.crm_lifecycle_lost_days),
                limit=limit,
            )
        )
        total = rows[0][2] if rows else 0
        return [(partner_id, stage_to_id) for partner_id, stage_to_id, __ in rows], total

    @api.model
    def _crm_lifecycle_schedule_batch(self, batch_size=5000):
        """Move at most ``batch_size`` partners; return (moved, remaining)."""
        self.env["res.partner"].flush_model(STAGE_FIELDS + ["active", "commercial_partner_id"])
        self.env["sale.order"].flush_model(["state", "company_id", "partner_id", "date_order"])
        companies = self.env["res.company"].sudo().search([])
        stages = self.env["crm.lifecycle.stage"]._get_stages_by_code(companies)
        done = total = 0
        for company in companies:
            moves, company_total = self._crm_lifecycle_schedule_candidates(
                company, stages[company.id], max(batch_size - done, 0) or 1
            )
            total += company_total
            if done >= batch_size:
                continue
            moved = self._crm_lifecycle_move(company, moves, "schedule")
            done += len(moved)
        return done, total - done

    @api.model
    def _cron_crm_lifecycle_update(self, batch_size=5000):
        """Daily: move customers to dormant / lost / repeat (and classify
        customers with orders but no stage yet), in batches.

        Run by the scheduler, one call handles one batch and reports its progress,
        so that each batch is committed by the scheduler and the job is called
        again at once while customers remain. Called elsewhere (tests, a server
        action), it loops until no customer is left to move.
        """
        self = self.sudo()
        return run_in_batches(
            self.env, lambda: self._crm_lifecycle_schedule_batch(batch_size), "Customer lifecycle (customers moved)"
        )
