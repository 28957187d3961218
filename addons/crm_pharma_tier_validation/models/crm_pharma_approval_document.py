from odoo import models
from odoo.exceptions import UserError


class CrmPharmaApprovalDocument(models.Model):
    _inherit = "crm.pharma.approval.document"

    def _check_open(self):
        """The documents are what the reviewers review: while an approval's
        tiers are under review they are frozen, as the approval's own fields
        are (OCA's write-under-validation rule); restarting the reviews or
        going back to draft after a rejection opens them again."""
        res = super()._check_open()
        reviewed = self.approval_id.filtered(lambda a: a.review_ids and a.state in a._state_from)
        if reviewed and not self.env.su:
            raise UserError(
                self.env._(
                    "The documents of %(approval)s are under review: they cannot change until the reviews "
                    "are restarted or the approval is rejected and back in draft.",
                    approval=reviewed[0].name,
                )
            )
        return res
