from odoo import _, api, fields, models
from odoo.exceptions import AccessError

# Set by the value model's computation only (``crm.value.model._recompute``,
# in SQL); nobody sets them by hand.
VALUE_FIELDS = {"crm_value_level_id", "crm_value_score", "crm_value_date"}


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Company-dependent: each company's value model sets its own level. The
    # recompute writes them in bulk with SQL (jsonb per company id).
    crm_value_level_id = fields.Many2one(
        "crm.value.level",
        string="Value Level",
        company_dependent=True,
        readonly=True,
        copy=False,
        check_company=True,
        help="Customer value level computed by the company's value model.",
    )
    crm_value_score = fields.Float(
        string="Value Score",
        company_dependent=True,
        readonly=True,
        copy=False,
        digits=(16, 2),
        aggregator="avg",
        help="Customer value score (0-100) from recency, frequency and monetary value.",
    )
    crm_value_date = fields.Date(
        string="Value Computed On",
        company_dependent=True,
        readonly=True,
        copy=False,
    )
    crm_value_history_count = fields.Integer(
        string="Value History",
        compute="_compute_crm_value_history_count",
        groups="crm_core_ext.crm_core_ext_group_user",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # empty values (defaults, blank import columns) change nothing
            self._check_crm_value_write({fname: value for fname, value in vals.items() if value})
        return super().create(vals_list)

    def write(self, vals):
        if VALUE_FIELDS & vals.keys() and self._crm_is_merge_write():
            # the partner kept by a merge keeps its own level until the next computation
            vals = {fname: value for fname, value in vals.items() if fname not in VALUE_FIELDS}
        self._check_crm_value_write(vals)
        return super().write(vals)

    @api.model
    def _check_crm_value_write(self, vals):
        if self.env.su or not VALUE_FIELDS & vals.keys():
            return
        raise AccessError(
            _(
                "The value level, score and date of a customer are set by the computation of the company's value "
                "model only (nightly, or its Recompute button); they cannot be changed by hand."
            )
        )

    def _compute_crm_value_history_count(self):
        data = self.env["crm.value.history"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "in", self.env.companies.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in data}
        for partner in self:
            partner.crm_value_history_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_view_crm_value_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_core_ext.crm_value_history_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        action["name"] = _("Value History of %s", self.commercial_partner_id.display_name)
        return action
