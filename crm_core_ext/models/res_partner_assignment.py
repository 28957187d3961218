from collections import defaultdict
from datetime import timedelta

import psycopg2.errors
from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.cron import run_in_batches

# Customers named in a notification; the others are counted.
NOTIFY_NAMES = 10
# Who owns a customer and whether it is in the public pool: written by the
# assignment primitives below (claims, assignments, releases, the pool job)
# only, never directly by a user.
OWNER_FIELDS = {"crm_owner_since", "crm_claimed", "crm_pool_since", "crm_pool_company_id"}
# Context values of the trusted writes: the owner writes of the primitives
# (``_crm_write_owner``) and the host's merge copying values onto the partner
# kept (``_crm_merge_target``). Objects, not flags: a client sends JSON, and
# cannot send these values.
_OWNER_WRITE = object()
_MERGE_WRITE = object()


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index="btree_not_null",
        copy=False,
        groups="base.group_user",
        help="Sales team in charge of the customer. It follows the salesperson's team when the salesperson "
        "changes, unless the salesperson is a member of the current team.",
    )
    crm_shared_user_ids = fields.Many2many(
        "res.users",
        "res_partner_crm_shared_user_rel",
        "partner_id",
        "user_id",
        string="Co-owners",
        copy=False,
        groups="base.group_user",
        domain=[("share", "=", False)],
        help="Salespeople who share this customer with its salesperson: they see it, its contacts and "
        "its leads even with 'Own Customers Only'.",
    )
    crm_owner_since = fields.Datetime(
        string="Salesperson Since",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="When the current salesperson got the customer; the public pool counts idle days from here at the "
        "earliest.",
    )
    crm_claimed = fields.Boolean(
        string="Claimed from Pool",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="The current salesperson claimed this customer from the public pool; it counts against the "
        "claim limit until it is assigned, transferred or goes back to the pool.",
    )
    crm_pool_since = fields.Datetime(
        string="In Pool Since",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_user",
    )
    crm_pool_company_id = fields.Many2one(
        "res.company",
        string="Pool Company",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Company whose public pool holds (or last held) the customer.",
    )
    crm_in_pool = fields.Boolean(
        string="In Public Pool",
        compute="_compute_crm_in_pool",
        search="_search_crm_in_pool",
        groups="base.group_user",
    )
    crm_assignment_count = fields.Integer(
        string="Assignments", compute="_compute_crm_assignment_count", groups="base.group_user"
    )

    @api.depends_context("allowed_company_ids")
    @api.depends("crm_pool_since", "crm_pool_company_id")
    def _compute_crm_in_pool(self):
        companies = self.env.companies
        for partner in self:
            partner.crm_in_pool = bool(partner.crm_pool_since) and partner.crm_pool_company_id in companies

    def _search_crm_in_pool(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                _("Unsupported search on the public pool: %(operator)s %(value)s", operator=operator, value=value)
            )
        domain = [("crm_pool_since", "!=", False), ("crm_pool_company_id", "in", self.env.companies.ids)]
        return domain if (operator == "=") == value else ["!", *domain]

    def _compute_crm_assignment_count(self):
        counts = dict(
            self.env["crm.customer.assignment"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.crm_assignment_count = counts.get(partner.commercial_partner_id._origin, 0)

    # ------------------------------------------------------------------
    # CRUD: a salesperson set directly (form, import, RPC) is still a dated,
    # recorded assignment
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        user_ids = {vals["user_id"] for vals in vals_list if vals.get("user_id")}
        users = self.env["res.users"].sudo().browse(user_ids)
        for vals in vals_list:
            if vals.get("user_id"):
                vals.setdefault("crm_owner_since", now)
                if "crm_team_id" not in vals:
                    vals["crm_team_id"] = users.browse(vals["user_id"]).sale_team_id.id
        return super().create(vals_list)

    def write(self, vals):
        if self.env.context.get("crm_owner_write") is _OWNER_WRITE:
            return super().write(vals)
        if self._crm_is_merge_write():
            # the partner kept by a merge keeps its own ownership and pool dates
            vals = {fname: value for fname, value in vals.items() if fname not in OWNER_FIELDS}
        if not self.env.su and OWNER_FIELDS & vals.keys():
            names = sorted(self._fields[fname]._description_string(self.env) for fname in OWNER_FIELDS & vals.keys())
            raise AccessError(
                _(
                    "The public pool and ownership dates of a customer change only through assignments, claims "
                    "and releases: %(fields)s cannot be written directly.",
                    fields=", ".join(names),
                )
            )
        if "user_id" not in vals:
            return super().write(vals)
        user = self.env["res.users"].browse(vals["user_id"] or ())
        changed = self.filtered(lambda partner: partner.user_id != user)
        if not changed:
            return super().write(vals)
        pool = changed._crm_pool_taken_by_write(user)
        if pool:
            # A salesperson setting a salesperson on customers of the public
            # pool claims them: the pool's rules and claim limit apply.
            # claimed first: a refused claim writes nothing
            pool._crm_pool_claim(user)
            others = self - pool
            res = others.write(vals) if others else True
            other_vals = {fname: value for fname, value in vals.items() if fname != "user_id"}
            if other_vals:
                res = pool.write(other_vals) and res
            return res
        previous = {partner.id: partner.user_id for partner in changed}
        res = super(ResPartner, self - changed).write(vals) if self - changed else True
        vals = dict(vals, **self._crm_owner_values(user, "assign"))
        if "crm_team_id" not in vals:
            changed._crm_follow_user_team(user)
        res = super(ResPartner, changed).write(vals) and res
        customers = changed.filtered(lambda partner: partner.partner_share and partner.commercial_partner_id == partner)
        if customers:
            self._crm_assignment_record(
                [(partner, previous[partner.id], user) for partner in customers],
                "assign",
                self.env.context.get("crm_assignment_reason") or _("Salesperson changed on the customer"),
                team=self.env["crm.team"].browse(vals.get("crm_team_id") or ()),
                notify_receivers=False,  # Odoo tells the new salesperson ("You have been assigned to ...")
            )
        return res

    def _crm_pool_taken_by_write(self, user):
        """The partners ``self`` that a write of salesperson ``user`` takes
        from the public pool as a claim: when the writer is not a Customer
        Management administrator (who assigns pool customers) nor the system.

        :raise UserError: when the writer gives pool customers to someone else
        """
        if self.env.su or not user or self.env.user.has_group("crm_core_ext.crm_core_ext_group_manager"):
            return self.browse()
        pool = self.filtered(lambda partner: partner.sudo().crm_pool_since)
        if pool and user != self.env.user:
            raise UserError(
                _(
                    "%(customer)s is in the public pool: salespeople claim pool customers for themselves, only a "
                    "sales administrator can assign them to %(user)s.",
                    customer=pool[0].display_name,
                    user=user.sudo().name,
                )
            )
        return pool

    def _crm_merge_target(self):
        """``self`` (the partner a merge keeps) for the host's merge to write
        the merged values onto: values that only the suite's own jobs and
        primitives set (ownership, pool, value level) are left as they are."""
        return self.with_context(crm_partner_merge=_MERGE_WRITE)

    def _crm_is_merge_write(self):
        return self.env.context.get("crm_partner_merge") is _MERGE_WRITE

    def _crm_write_owner(self, vals):
        """Write the salesperson, team, ownership and pool values ``vals`` of
        the assignment primitives, which check and record the move themselves:
        without the checks and the history row of a direct ``write``."""
        return self.with_context(crm_owner_write=_OWNER_WRITE).write(vals)

    @api.model
    def _crm_owner_values(self, user, kind):
        """Values written with a new salesperson: out of the pool, dated, claimed or not."""
        return {
            "user_id": user.id,
            "crm_owner_since": fields.Datetime.now() if user else False,
            "crm_claimed": kind == "claim",
            "crm_pool_since": False,
        }

    def _crm_follow_user_team(self, user):
        """Give the partners ``self`` the sales team of ``user`` unless ``user``
        is a member of their current team (two writes at most)."""
        team = user.sudo().sale_team_id
        if not team:
            return
        members = user.sudo().crm_team_ids
        moving = self.filtered(lambda partner: partner.crm_team_id not in members)
        if moving:
            super(ResPartner, moving).write({"crm_team_id": team.id})

    # ------------------------------------------------------------------
    # Set-based primitives: a constant number of queries whatever the number
    # of customers (one write per distinct value, one history insert, one
    # notification per person concerned)
    # ------------------------------------------------------------------

    @api.model
    def _crm_customer_domain(self):
        """Customers: commercial entities (companies, persons without a company)
        of outside partners (not internal users), except partners that are
        only vendors."""
        return [
            ("partner_share", "=", True),
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
            "|",
            ("customer_rank", ">", 0),
            ("supplier_rank", "=", 0),
        ]

    def _crm_customers(self):
        """The commercial entities of ``self`` that are customers (not internal users' partners)."""
        return self.commercial_partner_id.filtered("partner_share")

    def _crm_contacts_following(self, previous):
        """Contacts of the commercial partners ``self`` whose salesperson is
        empty or the one their company had before (``previous``: {id: user})."""
        contacts = (
            self.sudo()
            .with_context(active_test=False)
            .search([("commercial_partner_id", "in", self.ids), ("id", "not in", self.ids)])
        )
        return contacts.filtered(
            lambda contact: not contact.user_id or contact.user_id == previous.get(contact.commercial_partner_id.id)
        ).with_env(self.env)

    def _crm_set_owner(self, user, kind, reason, team=None, notify=True):
        """Make ``user`` the salesperson of the customers ``self`` (commercial
        partners) and of their contacts that followed the previous salesperson;
        record one history row per customer that changed hands and notify the
        receiving and the previous salespeople.

        :param kind: 'assign', 'transfer' or 'claim'
        :param team: sales team to set (default: the user's team, unless the
            user is a member of the customer's current team)
        :return: the customers that changed hands
        """
        previous = {partner.id: partner.user_id for partner in self}
        changed = self.filtered(lambda partner: partner.user_id != user or kind == "claim")
        if not changed:
            return changed
        contacts = changed._crm_contacts_following(previous)
        records = (changed | contacts).with_context(tracking_disable=True)
        vals = self._crm_owner_values(user, kind)
        if team:
            vals["crm_team_id"] = team.id
        records._crm_write_owner(vals)
        if not team:
            records._crm_follow_user_team(user)
        self._crm_assignment_record(
            [(partner, previous[partner.id], user) for partner in changed], kind, reason, team=team, notify=notify
        )
        return changed

    def _crm_add_coowners(self, users, reason, notify=True):
        """Add ``users`` as co-owners of the customers ``self``; record and notify."""
        moves = [
            (partner, partner.user_id, user)
            for partner in self
            for user in users
            if user != partner.user_id and user not in partner.crm_shared_user_ids
        ]
        if not moves:
            return []
        by_user = defaultdict(lambda: self.browse())
        for partner, __, user in moves:
            by_user[user] |= partner
        for user, partners in by_user.items():  # one write per user, whatever the number of customers
            partners.with_context(tracking_disable=True).write({"crm_shared_user_ids": [Command.link(user.id)]})
        self._crm_assignment_record(moves, "add", reason, notify=notify)
        return moves

    def _crm_release(self, reason, notify=True):
        """Put the customers ``self`` (and their contacts that followed their
        salesperson) in the public pool of their company (or of the current
        company for customers shared between companies)."""
        previous = {partner.id: partner.user_id for partner in self}
        contacts = self._crm_contacts_following(previous)
        now = fields.Datetime.now()
        by_company = defaultdict(lambda: self.browse())
        for partner in self:
            by_company[partner.company_id or self.env.company] |= partner
        for company, partners in by_company.items():
            partners.with_context(tracking_disable=True)._crm_write_owner(
                {
                    "user_id": False,
                    "crm_owner_since": False,
                    "crm_claimed": False,
                    "crm_pool_since": now,
                    "crm_pool_company_id": company.id,
                    "crm_shared_user_ids": [Command.clear()],
                }
            )
        contacts.with_context(tracking_disable=True)._crm_write_owner({"user_id": False})
        self._crm_assignment_record(
            [(partner, previous[partner.id], self.env["res.users"]) for partner in self],
            "release",
            reason,
            notify=notify,
        )

    @api.model
    def _crm_assignment_record(self, moves, kind, reason, team=None, notify=True, notify_receivers=True):
        """Create the history rows of ``moves`` in one insert and notify.

        :param moves: list of (customer, user_from, user_to)
        """
        if not moves:
            return
        now = fields.Datetime.now()
        self.env["crm.customer.assignment"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": (partner.company_id or self.env.company).id,
                    "type": kind,
                    "user_from_id": user_from.id,
                    "user_to_id": user_to.id,
                    "team_to_id": team.id if team else partner.crm_team_id.id,
                    "reason": reason,
                    "date": now,
                    "assigned_by_id": self.env.uid,
                }
                for partner, user_from, user_to in moves
            ]
        )
        if notify:
            self._crm_assignment_notify(moves, kind, reason, receivers=notify_receivers)

    @api.model
    def _crm_assignment_notify(self, moves, kind, reason, receivers=True):
        """One notification per person concerned (never the one who acts):
        each receiving salesperson, and each previous salesperson who lost
        customers. Delivered to the inbox or by e-mail as each user chose."""
        received = defaultdict(lambda: self.browse())
        lost = defaultdict(lambda: self.browse())
        actor = self.env.user
        for partner, user_from, user_to in moves:
            if receivers and user_to and user_to != actor:
                received[user_to] |= partner
            if user_from and user_from != actor and user_from != user_to and kind != "add":
                lost[user_from] |= partner
        for user, partners in received.items():
            self._crm_notify_user(user, partners, kind, reason, receiving=True)
        for user, partners in lost.items():
            self._crm_notify_user(user, partners, kind, reason, receiving=False)

    @api.model
    def _crm_notify_user(self, user, partners, kind, reason, receiving, extra=None):
        user = user.sudo()
        env_lang = self.with_context(lang=user.lang or self.env.lang).env
        actor = self.env.user
        count = len(partners)
        if receiving:
            subject = {
                "add": env_lang._("%(count)s customers shared with you by %(user)s", count=count, user=actor.name),
                "claim": env_lang._("%(count)s customers claimed from the public pool", count=count),
                "transfer": env_lang._(
                    "%(count)s customers transferred to you by %(user)s", count=count, user=actor.name
                ),
            }.get(kind) or env_lang._("%(count)s customers assigned to you by %(user)s", count=count, user=actor.name)
        elif kind in ("reclaim", "release"):
            subject = env_lang._("%(count)s of your customers went back to the public pool", count=count)
        else:
            subject = env_lang._("%(count)s of your customers were given to another salesperson", count=count)
        names = Markup(", ").join(
            Markup('<a href="/odoo/res.partner/%s">%s</a>') % (partner.id, partner.sudo().display_name)
            for partner in partners[:NOTIFY_NAMES]
        )
        if count > NOTIFY_NAMES:
            names += Markup(" ") + env_lang._("and %s more", count - NOTIFY_NAMES)
        body = Markup("<p>%s</p><p>%s</p>") % (subject, names)
        if extra:
            body += Markup("<p>%s</p>") % extra
        if reason:
            body += Markup("<p>%s</p>") % env_lang._("Reason: %s", reason)
        single = partners if count == 1 else partners.browse()
        self.env["mail.thread"].sudo().message_notify(
            partner_ids=user.partner_id.ids,
            author_id=actor.partner_id.id,
            subject=subject,
            body=body,
            model=single._name if single else False,
            res_id=single.id,
            model_description=env_lang._("Customer Assignment"),
            email_layout_xmlid="mail.mail_notification_light",
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_crm_assignments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_customer_assignment_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

    def action_crm_pool_claim(self):
        """Claim the customers ``self`` from the public pool for the current user."""
        customers = self._crm_pool_claim(self.env.user)
        message = _(
            "%(count)s customers are now yours: %(names)s",
            count=len(customers),
            names=", ".join(customers.mapped("display_name")[:NOTIFY_NAMES]),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_crm_pool_release(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_customer_release_wizard_action")
        action["context"] = {"active_model": "res.partner", "active_ids": self.ids}
        return action

    # ------------------------------------------------------------------
    # Public pool: claim
    # ------------------------------------------------------------------

    def _crm_pool_lock(self):
        """Lock the customers' rows, or say clearly why not.

        ``NOWAIT``: a salesperson claiming the same customer at this moment
        holds the lock, the second one is told at once. A claim committed after
        this transaction started makes the lock fail to serialize: the customer
        is taken.
        """
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM res_partner WHERE id IN %s ORDER BY id FOR UPDATE NOWAIT",
                        tuple(self.ids),
                    ),
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                _(
                    "Another salesperson is claiming %s at this very moment. Reload the public pool.",
                    ", ".join(self.mapped("display_name")),
                )
            ) from None
        except psycopg2.errors.SerializationFailure:
            raise UserError(
                _(
                    "%s was just claimed or changed by someone else. Reload the public pool.",
                    ", ".join(self.mapped("display_name")),
                )
            ) from None
        self.invalidate_recordset(["user_id", "crm_pool_since", "crm_pool_company_id"])

    def _crm_pool_claim(self, user):
        if not user.has_group("crm_core_ext.crm_core_ext_group_user"):
            raise AccessError(_("Only salespeople can claim customers from the public pool."))
        customers = self._crm_customers()
        if not customers:
            raise UserError(_("Select the customers to claim."))
        customers.check_access("write")
        customers = customers.sudo()
        customers._crm_pool_lock()
        for customer in customers:
            if customer.user_id:
                raise UserError(
                    _(
                        "%(customer)s is no longer in the public pool: %(user)s has it.",
                        customer=customer.display_name,
                        user=customer.user_id.name,
                    )
                )
            if not customer.crm_pool_since:
                raise UserError(_("%s is not in the public pool.", customer.display_name))
            if customer.crm_pool_company_id not in user.company_ids:
                raise UserError(
                    _(
                        "%(customer)s is in the public pool of %(company)s, which is not one of your companies.",
                        customer=customer.display_name,
                        company=customer.crm_pool_company_id.name,
                    )
                )
        # Serialise the claims of one salesperson: concurrent claims by the same
        # user fail to serialize and are retried, seeing each other's count.
        self.env.cr.execute(SQL("UPDATE res_users SET write_date = write_date WHERE id = %s", user.id))
        for company in customers.crm_pool_company_id:
            cap = company.crm_pool_claim_cap
            if not cap:
                continue
            wanted = len(customers.filtered(lambda c, company=company: c.crm_pool_company_id == company))
            held = self.sudo().search_count(
                [("user_id", "=", user.id), ("crm_claimed", "=", True), ("crm_pool_company_id", "=", company.id)]
            )
            if held + wanted > cap:
                raise UserError(
                    _(
                        "You hold %(held)s customers claimed from the public pool of %(company)s and the limit is "
                        "%(cap)s: you cannot claim %(wanted)s more.",
                        held=held,
                        company=company.name,
                        cap=cap,
                        wanted=wanted,
                    )
                )
        customers.with_user(user).sudo()._crm_set_owner(user, "claim", _("Claimed from the public pool"))
        return customers

    # ------------------------------------------------------------------
    # Public pool: nightly reclaim, one SQL statement per company and batch
    # ------------------------------------------------------------------

    @api.model
    def _crm_pool_reclaim_company(self, company, limit):
        """Return to the pool, in one statement, at most ``limit`` customers of
        ``company`` idle for its ``crm_pool_days``.

        A customer is the commercial entity (a company, or a person without a
        company) of an outside partner that is not only a vendor; its company
        is its own, or the company of its salesperson when it is shared between
        companies. It is idle when, for ``crm_pool_days`` days, nothing has
        happened on it, on its contacts or on their leads: no activity planned
        or done, no note, message or e-mail written by a user, no quotation or
        order; nor has it been created or given to its salesperson.

        The statement updates the customers (salesperson emptied, pool date
        and company set, co-owners removed), their contacts that followed the
        salesperson, and inserts the history rows.

        :return: (dict {previous salesperson id: customers returned}, idle customers before this batch)
        """
        now = fields.Datetime.now()
        cutoff = now - timedelta(days=company.crm_pool_days)
        rows = self.env.execute_query(
            SQL(
                """
            WITH internal AS (
                SELECT partner_id AS id FROM res_users WHERE share IS NOT TRUE
            ), candidate AS (
                SELECT p.id, p.user_id
                  FROM res_partner p
                  JOIN res_users u ON u.id = p.user_id
                 WHERE p.active
                   AND p.id = p.commercial_partner_id
                   AND p.partner_share
                   AND (COALESCE(p.customer_rank, 0) > 0 OR COALESCE(p.supplier_rank, 0) = 0)
                   AND (p.company_id = %(company)s OR (p.company_id IS NULL AND u.company_id = %(company)s))
                   AND p.create_date < %(cutoff)s
                   AND COALESCE(p.crm_owner_since, p.create_date) < %(cutoff)s
            ), lead AS (
                SELECT l.id, rp.commercial_partner_id AS cp
                  FROM crm_lead l
                  JOIN res_partner rp ON rp.id = l.partner_id
            ), recent AS (
                -- what happened since the cutoff, from the recent side (indexes on
                -- dates), mapped to the commercial partner
                SELECT rp.commercial_partner_id AS cp
                  FROM sale_order so
                  JOIN res_partner rp ON rp.id = so.partner_id
                 WHERE so.date_order >= %(cutoff)s AND so.state != 'cancel'
                UNION
                SELECT rp.commercial_partner_id
                  FROM mail_message msg
                  JOIN res_partner rp ON rp.id = msg.res_id
                 WHERE msg.model = 'res.partner'
                   AND msg.date >= %(cutoff)s
                   AND (msg.mail_activity_type_id IS NOT NULL
                        OR (msg.message_type IN ('comment', 'email') AND msg.author_id IN (SELECT id FROM internal)))
                UNION
                SELECT l.cp
                  FROM mail_message msg
                  JOIN lead l ON l.id = msg.res_id
                 WHERE msg.model = 'crm.lead'
                   AND msg.date >= %(cutoff)s
                   AND (msg.mail_activity_type_id IS NOT NULL
                        OR (msg.message_type IN ('comment', 'email') AND msg.author_id IN (SELECT id FROM internal)))
                UNION
                SELECT rp.commercial_partner_id
                  FROM mail_activity a
                  JOIN res_partner rp ON rp.id = a.res_id
                 WHERE a.res_model = 'res.partner' AND a.create_date >= %(cutoff)s
                UNION
                SELECT l.cp
                  FROM mail_activity a
                  JOIN lead l ON l.id = a.res_id
                 WHERE a.res_model = 'crm.lead' AND a.create_date >= %(cutoff)s
            ), idle AS (
                SELECT c.id, c.user_id, COUNT(*) OVER () AS total
                  FROM candidate c
                 WHERE NOT EXISTS (SELECT 1 FROM recent r WHERE r.cp = c.id)
                 ORDER BY c.id
                 LIMIT %(limit)s
            ), upd AS (
                UPDATE res_partner p
                   SET user_id = NULL, crm_owner_since = NULL, crm_claimed = FALSE,
                       crm_pool_since = %(now)s, crm_pool_company_id = %(company)s,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM idle
                 WHERE p.id = idle.id AND p.user_id = idle.user_id
             RETURNING p.id, idle.user_id AS user_from_id
            ), contacts AS (
                UPDATE res_partner c
                   SET user_id = NULL, write_uid = %(uid)s, write_date = %(now)s
                  FROM upd
                 WHERE c.commercial_partner_id = upd.id AND c.id != upd.id AND c.user_id = upd.user_from_id
             RETURNING c.id
            ), unshared AS (
                DELETE FROM res_partner_crm_shared_user_rel r USING upd WHERE r.partner_id = upd.id
             RETURNING r.partner_id
            ), history AS (
                INSERT INTO crm_customer_assignment (partner_id, company_id, type, user_from_id, reason, date)
                SELECT upd.id, %(company)s, 'reclaim', upd.user_from_id, %(reason)s, %(now)s
                  FROM upd
             RETURNING user_from_id
            )
            SELECT h.user_from_id, COUNT(*),
                   (SELECT MAX(total) FROM idle),
                   (SELECT COUNT(*) FROM contacts),
                   (SELECT COUNT(*) FROM unshared)
              FROM history h
          GROUP BY h.user_from_id
            """,
                company=company.id,
                cutoff=cutoff,
                now=now,
                uid=self.env.uid,
                limit=limit,
                reason=self.with_context(lang=company.partner_id.lang or self.env.lang).env._(
                    "No activity, message or order for %s days", company.crm_pool_days
                ),
            )
        )
        total = rows[0][2] if rows else 0
        return {user_id: count for user_id, count, *__ in rows}, total

    @api.model
    def _crm_pool_reclaim_batch(self, batch_size=100000):
        """Reclaim at most ``batch_size`` idle customers; return (returned, remaining)."""
        self.env.flush_all()
        companies = self.env["res.company"].sudo().search([("crm_pool_days", ">", 0)])
        done = total = 0
        for company in companies:
            if done >= batch_size:
                break
            returned, idle = self._crm_pool_reclaim_company(company, batch_size - done)
            count = sum(returned.values())
            done += count
            total += idle
            if count:
                self.invalidate_model()
                self.env["crm.customer.assignment"].invalidate_model()
                self._crm_pool_notify_reclaimed(company, returned)
        return done, max(total - done, 0)

    @api.model
    def _crm_pool_notify_reclaimed(self, company, returned):
        """One notification per salesperson whose customers went back to the pool."""
        users = self.env["res.users"].sudo().browse(returned)
        for user in users:
            env_lang = self.with_context(lang=user.lang or self.env.lang).env
            subject = env_lang._(
                "%(count)s of your customers went back to the public pool of %(company)s",
                count=returned[user.id],
                company=company.name,
            )
            body = Markup("<p>%s</p>") % env_lang._(
                "Nothing happened on them for %(days)s days: no activity, message or order. Other salespeople "
                "can now claim them from CRM > Customer Management > Assignment & Public Pool > Public Pool.",
                days=company.crm_pool_days,
            )
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=user.partner_id.ids,
                subject=subject,
                body=Markup("<p>%s</p>") % subject + body,
                model_description=env_lang._("Customer Assignment"),
                email_layout_xmlid="mail.mail_notification_light",
            )

    @api.model
    def _cron_crm_pool_reclaim(self, batch_size=100000):
        """Daily: return idle customers to the public pool, in batches.

        Run by the scheduler, one call handles one batch and reports its
        progress (the scheduler commits it and calls again while customers
        remain); called elsewhere, it loops until none is left.
        """
        self = self.sudo()
        return run_in_batches(
            self.env, lambda: self._crm_pool_reclaim_batch(batch_size), "Public pool (customers returned)"
        )
