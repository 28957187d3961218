from odoo import api, models
from odoo.exceptions import AccessError

APPROVAL = "crm.pharma.approval"


class TierReview(models.Model):
    """base_tier_validation lets every internal user create, write and delete
    reviews (its ACL); the reviews of first-business approvals are the record
    of who approved a drug trader's customer, supplier or drug, so only the
    approval's own methods (as superuser, after checking the caller) change
    them; a reviewer may still write the comment of their own review."""

    _inherit = "tier.review"

    def _crm_pharma_refuse(self):
        raise AccessError(
            self.env._("The reviews of a first-business approval change through the approval's buttons only.")
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("model") == APPROVAL for vals in vals_list):
            self._crm_pharma_refuse()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and vals.get("model") == APPROVAL:
            self._crm_pharma_refuse()
        if not self.env.su:
            reviews = self.filtered(lambda r: r.model == APPROVAL)
            own = reviews.filtered(lambda r: self.env.user in r.reviewer_ids and r.status in ("waiting", "pending"))
            if reviews and (set(vals) != {"comment"} or reviews != own):
                self._crm_pharma_refuse()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_crm_pharma_approval(self):
        if not self.env.su and self.filtered(lambda r: r.model == APPROVAL):
            self._crm_pharma_refuse()
