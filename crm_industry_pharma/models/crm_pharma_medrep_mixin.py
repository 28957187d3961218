"""What the medical representatives' records share: the representative who
owns them, who alone (with the medical affairs managers) sees them."""

from odoo import api, fields, models
from odoo.exceptions import AccessError

MEDREP_GROUP = "crm_industry_pharma.crm_industry_pharma_group_medrep"
MEDREP_MANAGER_GROUP = "crm_industry_pharma.crm_industry_pharma_group_medrep_manager"


class CrmPharmaMedrepMixin(models.AbstractModel):
    _name = "crm.pharma.medrep.mixin"
    _description = "Medical Representative's Record"

    representative_id = fields.Many2one(
        "res.users",
        string="Representative",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        check_company=True,
        domain=lambda self: [("groups_id", "in", self.env.ref(MEDREP_GROUP).id)],
    )

    def _is_medrep_manager(self):
        return self.env.su or self.env.user.has_group(MEDREP_MANAGER_GROUP)

    def _check_representative_assignment(self, vals_list):
        """Only medical affairs managers give a record to another
        representative; a representative's records are their own."""
        if self._is_medrep_manager():
            return
        for vals in vals_list:
            if "representative_id" in vals and vals["representative_id"] != self.env.uid:
                raise AccessError(
                    self.env._(
                        "Only a medical affairs manager can assign %(record)s to another representative.",
                        record=self._description,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_representative_assignment(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if "representative_id" in vals and any(rec.representative_id.id != vals["representative_id"] for rec in self):
            self._check_representative_assignment([vals])
        return super().write(vals)
