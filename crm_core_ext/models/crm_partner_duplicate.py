from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CrmPartnerDuplicate(models.Model):
    """A pair of customers that may be the same one, found when a customer was
    created, imported or changed; salespeople merge them or mark them as
    different. The newer customer is ``partner_id``, the older one
    ``duplicate_id`` (pairs are stored once, whichever side found them)."""

    _name = "crm.partner.duplicate"
    _description = "Possible Duplicate Customers"
    _order = "state, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True, readonly=True
    )
    duplicate_id = fields.Many2one(
        "res.partner", string="Possible Duplicate Of", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True, readonly=True)
    match_phone = fields.Boolean(string="Same Phone", readonly=True)
    match_email = fields.Boolean(string="Same E-mail", readonly=True)
    match_name = fields.Boolean(string="Similar Name", readonly=True)
    match_credit_code = fields.Boolean(string="Same Credit Code", readonly=True)
    state = fields.Selection(
        [("open", "To Review"), ("dismissed", "Not a Duplicate")],
        string="Status",
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    partner_phone = fields.Char(related="partner_id.phone", string="Phone")
    partner_email = fields.Char(related="partner_id.email", string="E-mail")
    partner_user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    duplicate_phone = fields.Char(related="duplicate_id.phone", string="Phone of Duplicate")
    duplicate_email = fields.Char(related="duplicate_id.email", string="E-mail of Duplicate")
    duplicate_user_id = fields.Many2one(related="duplicate_id.user_id", string="Salesperson of Duplicate")

    _sql_constraints = [
        ("pair_uniq", "UNIQUE(partner_id, duplicate_id)", "A pair of customers is listed once."),
        ("pair_order", "CHECK(partner_id > duplicate_id)", "The customer of a pair is the newer one."),
    ]

    @api.model
    def _upsert_pairs(self, pairs):
        """Record ``pairs`` of (partner id, candidate id, company id, reasons)
        in one statement; a pair already listed gets the new reasons, and
        stays dismissed if it was."""
        by_pair = {}
        for partner_id, candidate_id, company_id, reasons in pairs:
            key = (max(partner_id, candidate_id), min(partner_id, candidate_id))
            entry = by_pair.setdefault(key, {"company_id": company_id, "reasons": set()})
            entry["reasons"].update(reasons)
        if not by_pair:
            return
        keys = list(by_pair)
        entries = [by_pair[key] for key in keys]
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_partner_duplicate
                       (partner_id, duplicate_id, company_id, match_phone, match_email, match_name,
                        match_credit_code, state, create_uid, create_date, write_uid, write_date)
                SELECT q.partner_id, q.duplicate_id, q.company_id, q.phone, q.email, q.name, q.code, 'open',
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM unnest(%(partners)s::int[], %(duplicates)s::int[], %(companies)s::int[],
                              %(phone)s::bool[], %(email)s::bool[], %(name)s::bool[], %(code)s::bool[])
                       AS q(partner_id, duplicate_id, company_id, phone, email, name, code)
                ON CONFLICT (partner_id, duplicate_id) DO UPDATE
                   SET match_phone = crm_partner_duplicate.match_phone OR EXCLUDED.match_phone,
                       match_email = crm_partner_duplicate.match_email OR EXCLUDED.match_email,
                       match_name = crm_partner_duplicate.match_name OR EXCLUDED.match_name,
                       match_credit_code = crm_partner_duplicate.match_credit_code OR EXCLUDED.match_credit_code,
                       write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                """,
                uid=self.env.uid,
                partners=[key[0] for key in keys],
                duplicates=[key[1] for key in keys],
                companies=[entry["company_id"] for entry in entries],
                phone=["phone" in entry["reasons"] for entry in entries],
                email=["email" in entry["reasons"] for entry in entries],
                name=["name" in entry["reasons"] for entry in entries],
                code=["credit_code" in entry["reasons"] for entry in entries],
            )
        )
        self.invalidate_model()

    @api.model
    def _dismissed_pairs(self, partner_ids):
        """Pairs (as frozensets of two ids) involving ``partner_ids`` that
        were marked as not duplicates."""
        if not partner_ids:
            return set()
        rows = self.sudo()._read_group(
            [
                ("state", "=", "dismissed"),
                "|",
                ("partner_id", "in", partner_ids),
                ("duplicate_id", "in", partner_ids),
            ],
            ["partner_id", "duplicate_id"],
        )
        return {frozenset((partner.id, duplicate.id)) for partner, duplicate in rows}

    def action_merge(self):
        """Open the host's merge wizard on the customers of the selected pairs
        (at most three customers, as the wizard requires)."""
        partners = (self.partner_id | self.duplicate_id).exists()
        if len(partners) > 3:
            raise UserError(_("Select pairs that involve at most three customers: they are merged together."))
        return self.env["res.partner"]._crm_merge_action(partners)

    def action_dismiss(self):
        self.write({"state": "dismissed"})

    def action_reopen(self):
        self.write({"state": "open"})
