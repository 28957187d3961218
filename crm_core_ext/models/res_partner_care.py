from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Contact flags (主联系人, 促销对象, 关怀对象, 催款对象): mass mailings, activity
    # rules and the care job select contacts through them.
    crm_main_contact = fields.Boolean(
        string="Main Contact",
        copy=False,
        help="The main contact of its company. Setting it on a contact removes it from the "
        "company's other contacts.",
    )
    crm_promotion_target = fields.Boolean(
        string="Promotion Target",
        help="Receives promotions: filter on it when selecting recipients of mailings.",
    )
    crm_care_target = fields.Boolean(
        string="Care Target",
        help="Birthdays and other dated events of this contact create care activities "
        "(and greetings when the event type sends one).",
    )
    crm_collection_contact = fields.Boolean(
        string="Collection Contact",
        help="Contact for payment reminders and collection of overdue invoices.",
    )
    crm_care_event_ids = fields.One2many(
        "crm.care.event",
        "partner_id",
        string="Care Events",
        groups="crm_core_ext.crm_core_ext_group_user",
    )
    crm_care_event_count = fields.Integer(
        string="Care Event Count",
        compute="_compute_crm_care_event_count",
        groups="crm_core_ext.crm_core_ext_group_user",
    )

    @api.depends("crm_care_event_ids")
    def _compute_crm_care_event_count(self):
        counts = dict(
            self.env["crm.care.event"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.crm_care_event_count = counts.get(partner._origin, 0)

    @api.constrains("crm_main_contact", "parent_id")
    def _check_crm_main_contact(self):
        for partner in self:
            if partner.crm_main_contact and not partner.parent_id:
                raise ValidationError(
                    _(
                        "%s has no parent company: only a contact of a company can be its main contact.",
                        partner.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD: one main contact per company, the last one set wins
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        parent_ids = [vals["parent_id"] for vals in vals_list if vals.get("crm_main_contact") and vals.get("parent_id")]
        if parent_ids:
            companies = [self.browse(parent_id).commercial_partner_id for parent_id in parent_ids]
            self._crm_check_one_main_contact(
                [company.id for company in companies],
                [vals.get("name") or "" for vals in vals_list if vals.get("crm_main_contact")],
            )
            self._crm_unset_main_contacts(self.browse({company.id for company in companies}))
        return super().create(vals_list)

    def write(self, vals):
        if "parent_id" in vals and not vals.get("crm_main_contact"):
            # a main contact moved to another company (or to none) is not its main contact any more
            moving = self.filtered(lambda p: p.crm_main_contact and p.parent_id.id != vals["parent_id"])
            if moving:
                super(ResPartner, moving).write({"crm_main_contact": False})
        if vals.get("crm_main_contact"):
            if "parent_id" in vals:
                companies = self.browse(vals["parent_id"]).commercial_partner_id
                company_ids = companies.ids * len(self)
            else:
                companies = self.parent_id.commercial_partner_id
                company_ids = [partner.parent_id.commercial_partner_id.id for partner in self if partner.parent_id]
            self._crm_check_one_main_contact(company_ids, self.mapped("display_name"))
            self._crm_unset_main_contacts(companies, keep=self)
        return super().write(vals)

    @api.model
    def _crm_check_one_main_contact(self, company_ids, names):
        """Refuse to make several contacts of one company its main contact at once."""
        if len(company_ids) != len(set(company_ids)):
            raise ValidationError(_("Only one contact per company can be the main contact: %s.", ", ".join(names)))

    @api.model
    def _crm_unset_main_contacts(self, companies, keep=None):
        """Remove the main contact flag of the current main contacts of ``companies``."""
        if not companies:
            return
        others = (
            self.with_context(active_test=False)
            .sudo()
            .search([("commercial_partner_id", "in", companies.ids), ("crm_main_contact", "=", True)])
        )
        if keep:
            others -= keep
        if others:
            super(ResPartner, others).write({"crm_main_contact": False})
