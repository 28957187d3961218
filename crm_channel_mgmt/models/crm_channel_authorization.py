from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, create_index


class CrmChannelAuthorization(models.Model):
    _name = "crm.channel.authorization"
    _description = "Dealer Product Authorisation"
    _order = "partner_id, date_from desc, id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('crm_channel_is_dealer', '=', True)]",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        index=True,
        ondelete="cascade",
        check_company=True,
        help="Authorise one product; or leave empty and choose a product category.",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index=True,
        ondelete="cascade",
        help="Authorise every product of this category and of its sub-categories.",
    )
    territory_id = fields.Many2one(
        "crm.channel.territory",
        string="Territory",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        help="Only for orders delivered in this territory (or one of its sub-territories). "
        "Leave empty for any delivery address.",
    )
    date_from = fields.Date(string="Valid From", help="Leave empty for no start date.")
    date_to = fields.Date(string="Valid To", help="Last day of validity; leave empty for no end date.")
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    note = fields.Text()
    channel_level_id = fields.Many2one(related="partner_id.crm_channel_level_id", string="Channel Level", store=True)
    is_valid_today = fields.Boolean(
        string="Valid Today", compute="_compute_is_valid_today", search="_search_is_valid_today"
    )

    def init(self):
        # The confirmation gate and the catalogue look a product's authorisations
        # up by product, dealer and company, and category authorisations (few
        # per dealer) by dealer and company.
        create_index(
            self._cr,
            "crm_channel_authorization_product_partner_index",
            self._table,
            ["product_id", "partner_id", "company_id"],
            where="active AND product_id IS NOT NULL",
        )
        create_index(
            self._cr,
            "crm_channel_authorization_categ_partner_index",
            self._table,
            ["partner_id", "company_id"],
            where="active AND categ_id IS NOT NULL",
        )

    @api.model
    def _sql_authorized(self, dealer, company, date):
        """SQL condition: the dealer (SQL expression ``dealer``) has an
        authorisation in ``company`` (SQL expression) covering product ``pp``
        (whose category is ``pc``) delivered to the partner ``ship`` on
        ``date``: active, valid that day, for the product or for its category
        or a parent category, and without territory or in a territory (or a
        sub-territory of it) matching the address's country, province and
        city. Each branch is an index lookup."""
        valid = SQL(
            """
            a.active
            AND (a.date_from IS NULL OR a.date_from <= %(date)s)
            AND (a.date_to IS NULL OR a.date_to >= %(date)s)
            AND (a.territory_id IS NULL OR EXISTS (
                SELECT 1
                  FROM crm_channel_territory t
                  JOIN crm_channel_territory d ON d.parent_path LIKE t.parent_path || %(any)s
                 WHERE t.id = a.territory_id
                   AND d.active
                   AND (d.country_id IS NOT NULL OR d.state_id IS NOT NULL OR d.city IS NOT NULL)
                   AND (d.country_id IS NULL OR d.country_id = ship.country_id)
                   AND (d.state_id IS NULL OR d.state_id = ship.state_id)
                   AND (d.city IS NULL OR lower(trim(d.city)) = lower(trim(ship.city)))
            ))
            """,
            date=date,
            any="%",
        )
        return SQL(
            """
            (EXISTS (
                SELECT 1
                  FROM crm_channel_authorization a
                 WHERE a.product_id = pp.id
                   AND a.partner_id = %(dealer)s
                   AND a.company_id = %(company)s
                   AND %(valid)s
            ) OR EXISTS (
                SELECT 1
                  FROM crm_channel_authorization a
                  JOIN product_category ac ON ac.id = a.categ_id
                 WHERE a.partner_id = %(dealer)s
                   AND a.company_id = %(company)s
                   AND a.categ_id IS NOT NULL
                   AND pc.parent_path LIKE ac.parent_path || %(any)s
                   AND %(valid)s
            ))
            """,
            dealer=dealer,
            company=company,
            valid=valid,
            any="%",
        )

    def _flush_for_authorized(self):
        self.env["res.partner"].flush_model(
            ["commercial_partner_id", "crm_channel_is_dealer", "country_id", "state_id", "city"]
        )
        self.env["product.product"].flush_model(["product_tmpl_id", "active"])
        self.env["product.template"].flush_model(["categ_id", "sale_ok", "active", "company_id"])
        self.env["product.category"].flush_model(["parent_path"])
        self.flush_model()
        self.env["crm.channel.territory"].flush_model()

    @api.depends("partner_id", "product_id", "categ_id", "territory_id")
    def _compute_display_name(self):
        for auth in self:
            what = auth.product_id.display_name or auth.categ_id.display_name or ""
            name = f"{auth.partner_id.display_name or ''}: {what}"
            if auth.territory_id:
                name = f"{name} ({auth.territory_id.display_name})"
            auth.display_name = name

    @api.depends_context("tz")
    @api.depends("date_from", "date_to")
    def _compute_is_valid_today(self):
        today = fields.Date.context_today(self)
        for auth in self:
            auth.is_valid_today = (not auth.date_from or auth.date_from <= today) and (
                not auth.date_to or auth.date_to >= today
            )

    def _search_is_valid_today(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(
                _("Unsupported search on validity: %(operator)s %(value)s", operator=operator, value=value)
            )
        today = fields.Date.context_today(self)
        domain = [
            "&",
            "|",
            ("date_from", "=", False),
            ("date_from", "<=", today),
            "|",
            ("date_to", "=", False),
            ("date_to", ">=", today),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    @api.constrains("partner_id", "product_id", "categ_id")
    def _check_product_or_category(self):
        for auth in self:
            if bool(auth.product_id) == bool(auth.categ_id):
                raise ValidationError(
                    _(
                        "An authorisation of %(dealer)s names either a product or a product category, not both "
                        "and not neither.",
                        dealer=auth.partner_id.display_name,
                    )
                )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for auth in self:
            if auth.date_from and auth.date_to and auth.date_to < auth.date_from:
                raise ValidationError(
                    _(
                        "The authorisation of %(dealer)s for %(what)s ends (%(date_to)s) before it starts "
                        "(%(date_from)s).",
                        dealer=auth.partner_id.display_name,
                        what=auth.product_id.display_name or auth.categ_id.display_name,
                        date_to=auth.date_to,
                        date_from=auth.date_from,
                    )
                )

    @api.constrains("partner_id")
    def _check_partner_is_dealer(self):
        for auth in self:
            if not auth.partner_id.crm_channel_is_dealer:
                raise ValidationError(
                    _("%(partner)s is not a dealer: flag it as a dealer first.", partner=auth.partner_id.display_name)
                )

    @api.constrains(
        "partner_id", "product_id", "categ_id", "territory_id", "date_from", "date_to", "company_id", "active"
    )
    def _check_overlap(self):
        """Two active authorisations of one dealer for the same product (or
        category) and territory may not cover the same day. One query."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id, b.id
                  FROM crm_channel_authorization a
                  JOIN crm_channel_authorization b
                    ON b.id != a.id
                   AND b.active
                   AND b.partner_id = a.partner_id
                   AND b.company_id = a.company_id
                   AND b.product_id IS NOT DISTINCT FROM a.product_id
                   AND b.categ_id IS NOT DISTINCT FROM a.categ_id
                   AND b.territory_id IS NOT DISTINCT FROM a.territory_id
                   AND COALESCE(b.date_from, '-infinity'::date) <= COALESCE(a.date_to, 'infinity'::date)
                   AND COALESCE(a.date_from, '-infinity'::date) <= COALESCE(b.date_to, 'infinity'::date)
                 WHERE a.id IN %s AND a.active
                 LIMIT 1
                """,
                tuple(self.ids),
            )
        )
        row = self.env.cr.fetchone()
        if row:
            auth, other = self.browse(row[0]), self.browse(row[1])
            raise ValidationError(
                _(
                    "%(dealer)s already has an authorisation for %(what)s that overlaps these dates "
                    "(%(other)s, %(date_from)s to %(date_to)s): change its dates instead of adding another one.",
                    dealer=auth.partner_id.display_name,
                    what=auth.product_id.display_name or auth.categ_id.display_name,
                    other=other.display_name,
                    date_from=other.date_from or "-",
                    date_to=other.date_to or "-",
                )
            )
