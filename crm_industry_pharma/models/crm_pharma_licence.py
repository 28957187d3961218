from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.crm_core_ext.tools.cron import run_in_batches, run_isolated

EXPIRY_BATCH = 500


class CrmPharmaLicence(models.Model):
    _name = "crm.pharma.licence"
    _description = "Partner Licence"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "partner_id, type_id, date_end desc, id"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id", "type_id"]

    name = fields.Char(string="Number", required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Partner",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
    )
    type_id = fields.Many2one(
        "crm.pharma.licence.type", string="Licence Type", required=True, index=True, tracking=True
    )
    issuer = fields.Char(string="Issued By", tracking=True)
    date_start = fields.Date(string="Valid From", tracking=True)
    date_end = fields.Date(string="Valid Until", tracking=True, index=True, help="Empty: valid without end.")
    scope_ids = fields.Many2many(
        "crm.pharma.scope",
        "crm_pharma_licence_scope_rel",
        "licence_id",
        "scope_id",
        string="Business Scope",
        tracking=True,
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "crm_pharma_licence_attachment_rel",
        "licence_id",
        "attachment_id",
        string="Scanned Copy",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty: the licence counts for every company.",
    )
    active = fields.Boolean(default=True)
    note = fields.Text()
    state = fields.Selection(
        [("future", "Not Yet Valid"), ("valid", "Valid"), ("expiring", "Expiring Soon"), ("expired", "Expired")],
        compute="_compute_state",
        search="_search_state",
    )
    expiry_notified = fields.Boolean(
        copy=False, readonly=True, help="The expiry activity of the current validity end is planned."
    )

    @api.depends("date_start", "date_end", "company_id")
    @api.depends_context("company")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for licence in self:
            days = (licence.company_id or self.env.company).crm_pharma_expiry_days
            if licence.date_start and licence.date_start > today:
                licence.state = "future"
            elif licence.date_end and licence.date_end < today:
                licence.state = "expired"
            elif licence.date_end and licence.date_end <= today + timedelta(days=days):
                licence.state = "expiring"
            else:
                licence.state = "valid"

    def _search_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise ValidationError(_("Licences can be searched by state only with =, !=, in or not in."))
        values = {value} if isinstance(value, str) else set(value or ())
        today = fields.Date.context_today(self)
        soon = today + timedelta(days=self.env.company.crm_pharma_expiry_days)
        by_state = {
            "future": [("date_start", ">", today)],
            "expired": [("date_end", "<", today)],
            "expiring": [
                "|",
                ("date_start", "=", False),
                ("date_start", "<=", today),
                ("date_end", ">=", today),
                ("date_end", "<=", soon),
            ],
            "valid": [
                "|",
                ("date_start", "=", False),
                ("date_start", "<=", today),
                "|",
                ("date_end", "=", False),
                ("date_end", ">", soon),
            ],
        }
        domain = expression.OR([by_state[v] for v in values if v in by_state] or [expression.FALSE_DOMAIN])
        if operator in ("!=", "not in"):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for licence in self:
            if licence.date_start and licence.date_end and licence.date_end < licence.date_start:
                raise ValidationError(
                    _(
                        "Licence %(number)s cannot end (%(end)s) before it starts (%(start)s).",
                        number=licence.name,
                        end=licence.date_end,
                        start=licence.date_start,
                    )
                )

    @api.constrains("partner_id")
    def _check_partner_is_commercial(self):
        for licence in self:
            if licence.partner_id != licence.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Licence %(number)s belongs to the company %(company)s, not to its contact %(contact)s.",
                        number=licence.name,
                        company=licence.partner_id.commercial_partner_id.display_name,
                        contact=licence.partner_id.display_name,
                    )
                )

    @api.depends("name", "type_id")
    def _compute_display_name(self):
        for licence in self:
            licence.display_name = f"{licence.type_id.name} {licence.name}" if licence.type_id else licence.name

    def write(self, vals):
        if "date_end" in vals:
            vals = {**vals, "expiry_notified": False}
        return super().write(vals)

    @api.model
    def _sql_valid(self, alias, date):
        """SQL condition: the licence ``alias`` is active and valid on ``date``."""
        return SQL(
            "(%(a)s.active AND (%(a)s.date_start IS NULL OR %(a)s.date_start <= %(date)s) "
            "AND (%(a)s.date_end IS NULL OR %(a)s.date_end >= %(date)s))",
            a=SQL.identifier(alias),
            date=date,
        )

    # ------------------------------------------------------------------
    # Expiry reminders
    # ------------------------------------------------------------------

    @api.model
    def _cron_expiry_activities(self):
        """Plan one activity per licence that expires within its company's
        reminder period, once per validity end. Licences of no company are
        reminded with the period of the first company with the GSP checks."""
        companies = self.env["res.company"].sudo().search([("crm_pharma_gsp", "=", True)])
        for index, company in enumerate(companies):
            self._expiry_activities_for(company, with_shared=index == 0)

    @api.model
    def _expiry_activities_for(self, company, with_shared=False):
        soon = fields.Date.context_today(self) + timedelta(days=company.crm_pharma_expiry_days)
        domain = [
            ("expiry_notified", "=", False),
            ("date_end", "!=", False),
            ("date_end", "<=", soon),
            ("company_id", "in", [company.id, False] if with_shared else [company.id]),
        ]
        licences = self.sudo().with_company(company)
        failed_ids = []

        def run_batch():
            batch = licences.search([*domain, ("id", "not in", failed_ids)], limit=EXPIRY_BATCH, order="date_end, id")
            done, failed = run_isolated(batch, lambda licence: licence._plan_expiry_activity(), "Licence expiry")
            # a licence that failed is tried again on the next day's run, not in this one
            failed_ids.extend(failed.ids)
            return len(done), licences.search_count([*domain, ("id", "not in", failed_ids)])

        return run_in_batches(self.env, run_batch, f"Licence expiry reminders ({company.name})")

    def _plan_expiry_activity(self):
        self.ensure_one()
        user = self.partner_id.user_id or self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=self.date_end,
            summary=_("Licence %(licence)s expires", licence=self.display_name),
            note=_(
                "The licence %(licence)s of %(partner)s expires on %(date)s. Ask the partner for the renewed "
                "licence and attach its scanned copy.",
                licence=self.display_name,
                partner=self.partner_id.display_name,
                date=self.date_end,
            ),
            user_id=user.id,
        )
        self.expiry_notified = True
