"""Duplicate customers (查重): normalised keys, checks and candidates.

Every partner stores normalised copies of what identifies a customer: phone and
mobile in E.164, the e-mail in lower case, the unified social credit code
(统一社会信用代码, checked against GB 32100-2015) and, for commercial entities,
two name keys: the name without spaces, punctuation and legal suffixes, and the
same in pinyin. Btree indexes answer the exact keys and the pinyin, a pg_trgm
GIN index the similar names, so one check among 500,000 customers reads a few
index pages instead of the table.

``_crm_duplicate_candidates`` is the one entry point for the form, the
create/write checks, imports and the review list. The keys themselves are
computed by the pure-Python functions of ``tools/partner_keys.py``.
"""

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.sql import index_exists

from ..tools.partner_keys import (  # noqa: F401 - names of this module before the split
    CREDIT_CODE_RE,
    crm_clean_credit_code,
    crm_credit_code_check_char,
    crm_credit_code_is_valid,
    crm_credit_code_problem,
    crm_name_key,
    crm_name_pinyin,
    crm_normalize_email,
    crm_normalize_phone,
)

_logger = logging.getLogger(__name__)

DUPLICATE_REASONS = ("credit_code", "phone", "email", "name")
# Fields whose change may make a customer a duplicate of another one.
DUPLICATE_FIELDS = {
    "name",
    "phone",
    "mobile",
    "email",
    "crm_credit_code",
    "country_id",
    "company_id",
    "parent_id",
    "is_company",
}
# Most similar names returned per checked customer.
NAME_CANDIDATES_LIMIT = 20


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_credit_code = fields.Char(
        string="Unified Social Credit Code",
        size=18,
        copy=False,
        tracking=True,
        help="统一社会信用代码: the 18-character code on the business licence (GB 32100-2015). "
        "It is checked when entered, and two customers of the same company cannot share it.",
    )
    crm_phone_normalized = fields.Char(
        string="Normalized Phone",
        compute="_compute_crm_phone_normalized",
        store=True,
        index="btree_not_null",
        help="Phone in E.164 form (+8657188886666), used to find duplicate customers.",
    )
    crm_mobile_normalized = fields.Char(
        string="Normalized Mobile",
        compute="_compute_crm_phone_normalized",
        store=True,
        index="btree_not_null",
        help="Mobile in E.164 form (+8613800138000), used to find duplicate customers.",
    )
    crm_email_normalized = fields.Char(
        string="Normalized E-mail",
        compute="_compute_crm_email_normalized",
        store=True,
        index="btree_not_null",
        help="E-mail address in lower case, used to find duplicate customers.",
    )
    # Name keys only for commercial entities: contact persons are not customers.
    # GIN trigram indexes on both are created in init().
    crm_name_key = fields.Char(
        string="Name Key",
        compute="_compute_crm_name_key",
        store=True,
        help="Name without spaces, punctuation and legal suffixes (有限公司, 科技...), used to find similar names.",
    )
    crm_name_pinyin = fields.Char(
        string="Name in Pinyin",
        compute="_compute_crm_name_key",
        store=True,
        index="btree_not_null",
        help="Pinyin of the name key, so that 北京华为, 北京华威 and Beijing Huawei are found as similar.",
    )
    # Shown on the form only: computed live, as the user types.
    crm_duplicate_ids = fields.Many2many(
        "res.partner",
        string="Possible Duplicates",
        compute="_compute_crm_duplicate_ids",
        help="Existing customers with the same phone, e-mail or credit code, or a similar name.",
    )
    crm_duplicate_count = fields.Integer(string="Possible Duplicates Count", compute="_compute_crm_duplicate_ids")
    crm_duplicate_info = fields.Html(string="Duplicate Details", compute="_compute_crm_duplicate_ids", sanitize=False)

    # ------------------------------------------------------------------
    # Schema: pg_trgm and the indexes the checks rely on
    # ------------------------------------------------------------------

    def _auto_init(self):
        self._crm_ensure_pg_trgm()
        return super()._auto_init()

    def init(self):
        res = super().init()
        cr = self.env.cr
        # Per-company uniqueness of the credit code, also the index of code
        # lookups (leading column). Shared partners (no company) conflict with
        # every company; that case is checked in Python only.
        if not index_exists(cr, "res_partner_crm_credit_code_company_uniq"):
            cr.execute(
                """
                CREATE UNIQUE INDEX res_partner_crm_credit_code_company_uniq
                    ON res_partner (crm_credit_code, COALESCE(company_id, 0))
                 WHERE crm_credit_code IS NOT NULL
                """
            )
        # Without fastupdate: new names go into the index itself, not into a
        # pending list that every search must read in full. An import checks
        # its rows after inserting them, and with thousands of pending rows
        # each name search cost several times more.
        if not index_exists(cr, "res_partner_crm_name_key_trgm_idx"):
            cr.execute(
                """
                CREATE INDEX res_partner_crm_name_key_trgm_idx
                    ON res_partner USING gin (crm_name_key gin_trgm_ops)
                  WITH (fastupdate = off)
                 WHERE crm_name_key IS NOT NULL
                """
            )
        return res

    @api.model
    def _crm_ensure_pg_trgm(self):
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cr.fetchone():
            return
        try:
            with cr.savepoint(flush=False):
                cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as error:
            raise UserError(
                _(
                    "The duplicate check needs the PostgreSQL extension pg_trgm, which could not be created "
                    "(%s). Install the PostgreSQL contrib package and run CREATE EXTENSION pg_trgm in the "
                    "database as a superuser, then install or update the module again.",
                    error,
                )
            ) from error
        _logger.info("Created the PostgreSQL extension pg_trgm for the duplicate check")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("phone", "mobile", "country_id", "company_id")
    def _compute_crm_phone_normalized(self):
        for partner in self:
            country = partner.country_id or partner.company_id.partner_id.country_id
            partner.crm_phone_normalized = self._crm_normalize_phone(partner.phone, country)
            partner.crm_mobile_normalized = self._crm_normalize_phone(partner.mobile, country)

    @api.depends("email")
    def _compute_crm_email_normalized(self):
        for partner in self:
            partner.crm_email_normalized = self._crm_normalize_email(partner.email)

    @api.depends("name", "is_company", "parent_id")
    def _compute_crm_name_key(self):
        for partner in self:
            key = crm_name_key(partner.name) if partner.is_company or not partner.parent_id else ""
            partner.crm_name_key = key or False
            partner.crm_name_pinyin = crm_name_pinyin(key) or False

    @api.depends(
        "name", "phone", "mobile", "email", "crm_credit_code", "country_id", "company_id", "parent_id", "is_company"
    )
    @api.depends_context("company", "uid")
    def _compute_crm_duplicate_ids(self):
        """Candidates of the records on the screen (a form, also while a new
        customer is typed in): one batched search for all of them, without the
        pairs a salesperson marked as not duplicates."""
        partners = self.filtered(lambda partner: partner.is_company or not partner.parent_id)
        empty = {"crm_duplicate_ids": False, "crm_duplicate_count": 0, "crm_duplicate_info": False}
        (self - partners).update(empty)
        if not partners:
            return
        origins = partners.mapped(lambda partner: partner._origin)
        aligned = len(origins) == len(partners)
        vals_list = [partner._crm_duplicate_vals() for partner in partners]
        checker = origins if aligned else self.browse()
        candidates = checker._crm_duplicate_candidates(vals_list)
        dismissed = self.env["crm.partner.duplicate"]._dismissed_pairs(origins.ids) if origins else set()
        labels = dict(self._crm_duplicate_reason_labels())
        for partner, found in zip(partners, candidates, strict=True):
            found = {
                candidate_id: reasons
                for candidate_id, reasons in found.items()
                if frozenset((partner._origin.id, candidate_id)) not in dismissed
            }
            duplicates = self.browse(list(found))
            lines = Markup().join(
                Markup("<li>%s <span class='text-muted'>(%s)</span></li>")
                % (duplicate.display_name, ", ".join(labels[reason] for reason in found[duplicate.id]))
                for duplicate in duplicates
            )
            partner.update(
                {
                    "crm_duplicate_ids": duplicates,
                    "crm_duplicate_count": len(duplicates),
                    "crm_duplicate_info": Markup("<ul class='mb-0'>%s</ul>") % lines if duplicates else False,
                }
            )

    def _crm_duplicate_vals(self):
        """Values of ``self`` as ``_crm_duplicate_candidates`` reads them."""
        self.ensure_one()
        return {
            "name": self.name,
            "phone": self.phone,
            "mobile": self.mobile,
            "email": self.email,
            "crm_credit_code": self.crm_credit_code,
            "country_id": self.country_id,
            "company_id": self.company_id.id,
            "is_company": self.is_company,
            "parent_id": self.parent_id._origin.id,
        }

    @api.model
    def _crm_duplicate_reason_labels(self):
        return [
            ("credit_code", _("credit code")),
            ("phone", _("phone")),
            ("email", _("e-mail")),
            ("name", _("similar name")),
        ]

    # ------------------------------------------------------------------
    # CRUD: refuse invalid and duplicate credit codes, record candidates
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "crm_credit_code" in vals:
                vals["crm_credit_code"] = self._crm_check_credit_code(vals["crm_credit_code"])
        rows = [
            (vals.get("crm_credit_code"), self._crm_vals_company_id(vals), vals.get("name") or _("new customer"))
            for vals in vals_list
        ]
        self._crm_check_credit_code_unique(rows)
        self._crm_check_phone_unique(vals_list)
        partners = super().create(vals_list)
        partners._crm_record_duplicates()
        return partners

    def write(self, vals):
        if "crm_credit_code" in vals:
            vals = dict(vals, crm_credit_code=self._crm_check_credit_code(vals["crm_credit_code"]))
        if self and ("crm_credit_code" in vals or "company_id" in vals):
            rows = [
                (
                    vals["crm_credit_code"] if "crm_credit_code" in vals else partner.crm_credit_code,
                    vals["company_id"] if "company_id" in vals else partner.company_id.id,
                    partner.display_name,
                )
                for partner in self
            ]
            self._crm_check_credit_code_unique(rows)
        if self and {"phone", "mobile"} & vals.keys():
            self._crm_check_phone_unique([{**partner._crm_duplicate_vals(), **vals} for partner in self])
        result = super().write(vals)
        if DUPLICATE_FIELDS & vals.keys():
            self._crm_record_duplicates()
        return result

    @api.model
    def _crm_vals_company_id(self, vals):
        if "company_id" in vals:
            return vals["company_id"] or False
        return self.env.context.get("default_company_id") or False

    def _crm_check_credit_code_unique(self, rows):
        """Refuse a credit code already used in the same company.

        ``rows`` are (code, company id, label) of the records being created
        (``self`` empty) or of ``self`` after the write. Two partners conflict when they
        have the same code and the same company, or when one of them is shared
        (no company). Archived partners count: reactivate them instead. One
        query for all rows, as superuser: the refusal must not depend on what
        the user may read. A unique index backs this check against two
        transactions saving the same code at once.
        """
        wanted = [(index, code, company_id) for index, (code, company_id, _label) in enumerate(rows) if code]
        if not wanted:
            return
        seen = {}
        for index, code, company_id in wanted:
            for other_index, other_company in seen.get(code, []):
                if not company_id or not other_company or company_id == other_company:
                    raise ValidationError(
                        _(
                            "The unified social credit code %(code)s is given to two customers at once "
                            "(%(first)s and %(second)s): a code identifies one customer.",
                            code=code,
                            first=rows[other_index][2],
                            second=rows[index][2],
                        )
                    )
            seen.setdefault(code, []).append((index, company_id))
        self.flush_model(["crm_credit_code", "company_id"])
        indexes, codes, companies = zip(*wanted, strict=True)
        found = self.env.execute_query(
            SQL(
                """
                SELECT q.idx, p.id
                  FROM unnest(%(indexes)s::int[], %(codes)s::varchar[], %(companies)s::int[])
                       AS q(idx, code, company_id)
                  JOIN res_partner p ON p.crm_credit_code = q.code
                 WHERE (q.company_id IS NULL OR p.company_id IS NULL OR p.company_id = q.company_id)
                   AND p.id != ALL(%(own)s::int[])
              ORDER BY q.idx, p.id
                 LIMIT 1
                """,
                indexes=list(indexes),
                codes=list(codes),
                companies=[company_id or None for company_id in companies],
                own=self.ids,
            )
        )
        if found:
            index, partner_id = found[0]
            existing = self.sudo().with_context(active_test=False).browse(partner_id)
            raise ValidationError(
                _(
                    "The unified social credit code %(code)s of %(record)s is already used by the customer "
                    "%(existing)s (ID %(existing_id)s%(archived)s). Open that customer instead of creating a "
                    "duplicate, or merge the two.",
                    code=rows[index][0],
                    record=rows[index][2],
                    existing=existing.display_name,
                    existing_id=existing.id,
                    archived=_(", archived") if not existing.active else "",
                )
            )

    def _crm_check_phone_unique(self, vals_list):
        """With the company option "Block Duplicate Phones", refuse a phone or
        mobile already used by another customer (one batched search)."""
        companies = self.env["res.company"].browse(
            {vals.get("company_id") or self.env.company.id for vals in vals_list}
        )
        if not any(companies.mapped("crm_duplicate_block_phone")):
            return
        phone_vals = [
            {key: vals.get(key) for key in ("phone", "mobile", "country_id", "parent_id", "is_company", "company_id")}
            for vals in vals_list
        ]
        candidates = self.sudo()._crm_duplicate_candidates(phone_vals)
        for index, (vals, found) in enumerate(zip(vals_list, candidates, strict=True)):
            company = self.env["res.company"].browse(vals.get("company_id") or self.env.company.id)
            duplicates = [partner_id for partner_id, reasons in found.items() if "phone" in reasons]
            if company.crm_duplicate_block_phone and duplicates:
                raise ValidationError(
                    _(
                        "The phone number of %(record)s is already used by the customer %(existing)s; "
                        "%(company)s does not allow two customers with the same phone.",
                        record=self[index].display_name if self else vals.get("name") or _("new customer"),
                        existing=self.sudo().browse(duplicates[0]).display_name,
                        company=company.display_name,
                    )
                )

    def _crm_record_duplicates(self):
        """Put the possible duplicates of the commercial partners ``self`` in
        the review list (Customer Management > Possible Duplicates)."""
        partners = self.filtered(lambda partner: partner.active and (partner.is_company or not partner.parent_id))
        if not partners:
            return
        vals_list = [partner._crm_duplicate_vals() for partner in partners]
        candidates = partners.sudo()._crm_duplicate_candidates(vals_list)
        self.env["crm.partner.duplicate"]._upsert_pairs(
            [
                (partner.id, candidate_id, vals["company_id"] or self.env.company.id, reasons)
                for partner, vals, found in zip(partners, vals_list, candidates, strict=True)
                for candidate_id, reasons in found.items()
            ]
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_crm_view_duplicates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("base.action_partner_form")
        action.update(
            {
                "name": _("Possible Duplicates of %s", self.display_name),
                "domain": [("id", "in", self.crm_duplicate_ids.ids)],
                "view_mode": "list,form",
                "views": [(False, "list"), (False, "form")],
                "context": {"create": False},
            }
        )
        return action

    def action_crm_merge_duplicates(self):
        """Open the host's merge wizard with this customer and its candidates
        (the oldest record is proposed as the one to keep)."""
        self.ensure_one()
        return self._crm_merge_action(self | self.crm_duplicate_ids)

    @api.model
    def _crm_merge_action(self, partners):
        return {
            "type": "ir.actions.act_window",
            "name": _("Merge Customers"),
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": partners.ids, "active_id": partners[:1].id},
        }

    # ------------------------------------------------------------------
    # Normalisation API (used by the import wizard too)
    # ------------------------------------------------------------------

    @api.model
    def _crm_normalize_phone(self, number, country=None):
        """E.164 form of ``number`` ('+8613800138000'), or False when it is
        empty, cannot be parsed or is not a valid number. Never raises (see
        ``tools.partner_keys.crm_normalize_phone``). The default region is
        ``country`` (a res.country or an ISO code), else the current company's
        country, else China.
        """
        if not number:
            return False
        if isinstance(country, str):
            region = country.upper()
        else:
            region = (country and country.code) or self.env.company.partner_id.country_id.code or "CN"
        return crm_normalize_phone(number, region)

    @api.model
    def _crm_normalize_email(self, email):
        """Lower-case address of ``email`` (the first one if several), or False."""
        return crm_normalize_email(email)

    @api.model
    def _crm_check_credit_code(self, code):
        """Normalised unified social credit code (NFKC, upper case, no spaces),
        or False when empty.

        :raise ValidationError: when the code has not 18 characters of the
            GB 32100-2015 alphabet or its check character is wrong
        """
        cleaned = crm_clean_credit_code(code)
        if not cleaned:
            return False
        problem = crm_credit_code_problem(cleaned)
        if problem == "format":
            raise ValidationError(
                _(
                    "The unified social credit code %s is not valid: it must have 18 characters, digits and "
                    "capital letters except I, O, S, V and Z, with digits in positions 3 to 8.",
                    cleaned,
                )
            )
        if problem == "check":
            raise ValidationError(
                _(
                    "The unified social credit code %s is not valid: its check character (the last one) does not "
                    "match the other 17. Please copy the code again from the business licence.",
                    cleaned,
                )
            )
        return cleaned

    # ------------------------------------------------------------------
    # Candidates
    # ------------------------------------------------------------------

    @api.model
    def _crm_duplicate_keys(self, vals, company):
        """Normalised keys of one customer described by ``vals``."""
        country = vals.get("country_id")
        if isinstance(country, int):
            country = self.env["res.country"].browse(country)
        country = country or company.partner_id.country_id
        phones = {self._crm_normalize_phone(vals.get(fname), country) for fname in ("phone", "mobile")}
        code = crm_clean_credit_code(vals.get("crm_credit_code"))
        commercial = vals.get("is_company") or not vals.get("parent_id")
        name_key = crm_name_key(vals.get("name")) if commercial else ""
        return {
            "phones": sorted(phone for phone in phones if phone),
            "email": self._crm_normalize_email(vals.get("email")),
            "code": code if crm_credit_code_is_valid(code) else False,
            "name_key": name_key,
            "name_pinyin": crm_name_pinyin(name_key),
            "company_id": vals.get("company_id") or company.id,
            "parent_id": vals.get("parent_id") or False,
        }

    @api.model
    def _crm_name_trigram_cjk(self):
        """Whether pg_trgm makes trigrams of Chinese characters in this
        database (it does when LC_CTYPE is a UTF-8 locale, not with 'C').
        Without them the name key is left out of the search: an empty trigram
        set would make PostgreSQL scan the whole index. Cached on the registry:
        a database's LC_CTYPE does not change."""
        registry = self.env.registry
        if not hasattr(registry, "_crm_name_trigram_cjk"):
            self.env.cr.execute("SELECT show_trgm('北京') <> '{}'")
            registry._crm_name_trigram_cjk = self.env.cr.fetchone()[0]
        return registry._crm_name_trigram_cjk

    def _crm_duplicate_candidates(self, vals_list, company=None):
        """Existing customers that may be the ones described by ``vals_list``.

        Candidates are commercial entities (companies and individual
        customers; a match on a contact person gives its company), active, of
        the row's company (``company_id`` in the vals, else ``company``, else
        the current company) or shared. Matches on phone or mobile (E.164),
        e-mail (lower case), credit code (exact) and name (trigram similarity
        of the name keys at least the company's threshold, or the same pinyin).

        A constant number of queries for the whole list: one per criterion,
        each with arrays of the keys joined to the indexes. When ``self`` has
        one record per vals (``self[i]`` is described by ``vals_list[i]``)
        each row excludes its own record; otherwise the ids of ``self`` are
        excluded from every row. A row never lists its own commercial entity
        (the parent of a contact being created). Without superuser rights,
        only customers the user may read are returned.

        :return: list, in the order of ``vals_list``, of
            ``{partner_id: [reasons]}`` with reasons among 'credit_code',
            'phone', 'email', 'name'
        """
        company = company or self.env.company
        results = [defaultdict(set) for _vals in vals_list]
        if not vals_list:
            return []
        keys = [self._crm_duplicate_keys(vals, company) for vals in vals_list]
        for reason, rows in self._crm_duplicate_matches(keys, company):
            for index, partner_id in rows:
                results[index][partner_id].add(reason)
        self._crm_duplicate_exclude(results, keys)
        return self._crm_duplicate_readable(results)

    def _crm_duplicate_matches(self, keys, company):
        """Yield (reason, [(row index, commercial partner id)]) per criterion."""
        self.flush_model(
            [
                "active",
                "company_id",
                "commercial_partner_id",
                "crm_credit_code",
                "crm_phone_normalized",
                "crm_mobile_normalized",
                "crm_email_normalized",
                "crm_name_key",
                "crm_name_pinyin",
            ]
        )
        queries = self._crm_duplicate_queries(keys, company)
        if not queries:
            return
        # One round trip for every criterion: creating customers one at a
        # time (lead conversion, the form) costs one query here, not four.
        union = SQL(" UNION ALL ").join(
            SQL("SELECT %s AS reason, m.* FROM (%s) AS m", reason, query) for reason, query in queries
        )
        if any(reason == "name" for reason, _query in queries):
            # `%` reads its threshold from this setting (SET LOCAL: until the
            # end of the transaction), sent in the same call as the query. The
            # operator, unlike similarity() >= x, lets PostgreSQL use the GIN
            # indexes.
            threshold = company.crm_duplicate_name_threshold or 0.6
            union = SQL("SET LOCAL pg_trgm.similarity_threshold = %s; %s", threshold, union)
        by_reason = defaultdict(list)
        for reason, index, partner_id in self.env.execute_query(union):
            by_reason[reason].append((index, partner_id))
        yield from by_reason.items()

    def _crm_duplicate_queries(self, keys, company):
        """[(reason, SQL)]: one query per criterion that some row can match."""
        queries = []
        codes = [(i, key["code"], key["company_id"]) for i, key in enumerate(keys) if key["code"]]
        if codes:
            queries.append(("credit_code", self._crm_match_exact_query(codes, SQL("p.crm_credit_code = q.value"))))
        phones = [(i, phone, key["company_id"]) for i, key in enumerate(keys) for phone in key["phones"]]
        if phones:
            condition = SQL("(p.crm_phone_normalized = q.value OR p.crm_mobile_normalized = q.value)")
            queries.append(("phone", self._crm_match_exact_query(phones, condition)))
        emails = [(i, key["email"], key["company_id"]) for i, key in enumerate(keys) if key["email"]]
        if emails:
            queries.append(("email", self._crm_match_exact_query(emails, SQL("p.crm_email_normalized = q.value"))))
        names = [
            (i, key["name_key"], key["name_pinyin"], key["company_id"])
            for i, key in enumerate(keys)
            if key["name_pinyin"]
        ]
        if names:
            queries.append(("name", self._crm_match_names_query(names)))
        return queries

    def _crm_match_exact_query(self, rows, condition):
        indexes, values, companies = zip(*rows, strict=True)
        return SQL(
            """
            SELECT DISTINCT q.idx, p.commercial_partner_id
              FROM unnest(%(indexes)s::int[], %(values)s::varchar[], %(companies)s::int[])
                   AS q(idx, value, company_id)
              JOIN res_partner p ON %(condition)s
             WHERE p.active
               AND (p.company_id IS NULL OR p.company_id = q.company_id)
            """,
            indexes=list(indexes),
            values=list(values),
            companies=list(companies),
            condition=condition,
        )

    def _crm_match_names_query(self, rows):
        indexes, name_keys, pinyins, companies = zip(*rows, strict=True)
        # Trigrams on the name key (GIN), equality on the pinyin (btree): a
        # trigram search on pinyin would read long posting lists (syllables
        # such as "bei", "jin", "ing" are everywhere) and cost ~100 ms among
        # 500,000 customers, while equal pinyin already finds homophones
        # (北京华威) and names typed in latin letters (Beijing Huawei).
        if self._crm_name_trigram_cjk():
            match = SQL("(p.crm_name_key %% q.name_key OR p.crm_name_pinyin = q.pinyin)")
            score = SQL("GREATEST(similarity(p.crm_name_key, q.name_key), (p.crm_name_pinyin = q.pinyin)::int)")
        else:
            match = SQL("p.crm_name_pinyin = q.pinyin")
            score = SQL("p.id")
        return SQL(
            """
            SELECT q.idx, c.id
              FROM unnest(%(indexes)s::int[], %(name_keys)s::varchar[], %(pinyins)s::varchar[],
                          %(companies)s::int[]) AS q(idx, name_key, pinyin, company_id)
             CROSS JOIN LATERAL (
                   SELECT p.id
                     FROM res_partner p
                    WHERE %(match)s
                      AND p.active
                      AND (p.company_id IS NULL OR p.company_id = q.company_id)
                 ORDER BY %(score)s DESC, p.id
                    LIMIT %(limit)s
             ) c
            """,
            indexes=list(indexes),
            name_keys=list(name_keys),
            pinyins=list(pinyins),
            companies=list(companies),
            match=match,
            score=score,
            limit=NAME_CANDIDATES_LIMIT,
        )

    def _crm_duplicate_exclude(self, results, keys):
        """Drop each row's own record and commercial entity (in place)."""
        aligned = len(self) == len(results)
        parent_ids = {key["parent_id"] for key in keys if key["parent_id"]}
        own = self.browse(parent_ids) | self
        commercial = {partner.id: partner.commercial_partner_id.id for partner in own.sudo()}
        for index, (result, key) in enumerate(zip(results, keys, strict=True)):
            excluded = {self[index].id, commercial[self[index].id]} if aligned else set(self.ids)
            if key["parent_id"]:
                excluded.add(commercial[key["parent_id"]])
            for partner_id in excluded & result.keys():
                del result[partner_id]

    def _crm_duplicate_readable(self, results):
        found = set().union(*(result.keys() for result in results))
        if found and not self.env.su:
            found = set(self.search([("id", "in", list(found))]).ids)
        return [
            {
                partner_id: [reason for reason in DUPLICATE_REASONS if reason in reasons]
                for partner_id, reasons in sorted(result.items())
                if partner_id in found
            }
            for result in results
        ]
