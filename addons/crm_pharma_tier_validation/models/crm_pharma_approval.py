from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

QUALITY_MANAGER = "crm_industry_pharma.crm_industry_pharma_group_quality_manager"
# what the approval itself writes, as superuser, while its tiers are under review
SIGN_OFF_FIELDS = [
    "state",
    "first_approver_id",
    "date_first_approved",
    "approver_id",
    "date_approved",
    "reject_reason",
]


class CrmPharmaApproval(models.Model):
    """The first-business approval reviewed in tiers.

    When at least one tier definition applies to an approval (its model,
    company and domain), submitting it requests the tiers' reviews, and the
    host's Approve and Reject buttons validate or reject the caller's tier.
    The approval moves on when its tiers do: ``second`` once a tier is
    validated and others are still open, ``approved`` (and the partner's or
    product's approved flag set as the host does) once every tier is
    validated, ``rejected`` when one is rejected. An approval that no tier
    definition matches keeps the host's fixed flow.

    Every change to the reviews is made here, as superuser, after checking
    the caller: reviews of approvals cannot be created, changed or deleted
    through ``tier.review`` by anyone else (models/tier_review.py).
    """

    _name = "crm.pharma.approval"
    _inherit = ["crm.pharma.approval", "tier.validation"]

    _state_from = ["submitted", "second"]
    _state_to = ["approved"]
    _tier_validation_manual_config = True

    crm_pharma_can_sign_off = fields.Boolean(
        string="Can Sign Off",
        compute="_compute_crm_pharma_can_sign_off",
        help="The current user may approve or reject this approval now: as the reviewer of its next tier, "
        "or as a quality manager when no tier applies.",
    )

    @api.depends_context("uid")
    @api.depends("state", "review_ids.status")
    def _compute_crm_pharma_can_sign_off(self):
        quality_manager = self.env.user.has_group(QUALITY_MANAGER)
        for approval in self:
            if approval.state not in self._state_from:
                approval.crm_pharma_can_sign_off = False
            elif approval._crm_pharma_is_tiered():
                approval.crm_pharma_can_sign_off = bool(approval._get_sequences_to_approve(self.env.user))
            else:
                approval.crm_pharma_can_sign_off = quality_manager

    # ------------------------------------------------------------------
    # who reviews
    # ------------------------------------------------------------------

    def _crm_pharma_is_tiered(self):
        self.ensure_one()
        return bool(self.review_ids) or (self.state in self._state_from and self.need_validation)

    def _crm_pharma_validated_by(self, user):
        self.ensure_one()
        return self.review_ids.filtered(lambda r: r.status == "approved" and r.done_by == user)

    def _get_sequences_to_approve(self, user):
        """One tier per person and approval: whoever validated a tier of this
        approval cannot validate another of its tiers (the second approval of
        GSP is another person's), and a reviewer of several open tiers
        validates the first of them only."""
        sequences = super()._get_sequences_to_approve(user)
        if not sequences or self._crm_pharma_validated_by(user):
            return []
        return [min(sequences)]

    @api.model
    def _get_under_validation_exceptions(self):
        exceptions = super()._get_under_validation_exceptions()
        if self.env.su:
            exceptions = exceptions + SIGN_OFF_FIELDS
        return exceptions

    def _crm_pharma_check_reviewer(self):
        """Raise unless the current user can review the approval's next tier now."""
        self.ensure_one()
        if self.state not in self._state_from:
            raise UserError(self.env._("%(approval)s is not waiting for an approval.", approval=self.name))
        if self.validation_status == "rejected":
            raise UserError(self.env._("%(approval)s was rejected by a reviewer.", approval=self.name))
        user = self.env.user
        if self._get_sequences_to_approve(user):
            return
        if self._crm_pharma_validated_by(user):
            raise UserError(
                self.env._(
                    "%(approval)s needs a second approver: %(user)s already signed it off.",
                    approval=self.name,
                    user=user.name,
                )
            )
        if user in self.reviewer_ids:
            raise UserError(
                self.env._(
                    "%(approval)s waits for an earlier review first: %(review)s.",
                    approval=self.name,
                    review=", ".join(
                        self.review_ids.filtered(lambda r: r.status in ("waiting", "pending"))
                        .sorted("sequence")[:1]
                        .mapped("name")
                    ),
                )
            )
        raise AccessError(
            self.env._(
                "You are not a reviewer of the next tier of %(approval)s (%(review)s).",
                approval=self.name,
                review=", ".join(
                    self.review_ids.filtered(lambda r: r.status in ("waiting", "pending"))
                    .sorted("sequence")[:1]
                    .mapped("todo_by")
                ),
            )
        )

    # ------------------------------------------------------------------
    # the host's buttons hand over to the tiers
    # ------------------------------------------------------------------

    def action_submit(self):
        res = super().action_submit()
        self.filtered(lambda a: a.state in self._state_from and a.need_validation).request_validation()
        return res

    def action_approve(self):
        tiered = self.filtered(lambda a: a._crm_pharma_is_tiered())
        if self - tiered:
            super(CrmPharmaApproval, self - tiered).action_approve()
        for approval in tiered:
            if not approval.review_ids:
                approval.request_validation()
            approval._crm_pharma_check_reviewer()
            action = approval.validate_tier()
            if isinstance(action, dict):  # a tier that asks for a comment opens OCA's comment wizard
                return action
        return True

    def action_reject(self, reason=None):
        tiered = self.filtered(lambda a: a._crm_pharma_is_tiered())
        if self - tiered:
            super(CrmPharmaApproval, self - tiered).action_reject(reason)
        for approval in tiered:
            if not approval.review_ids:
                approval.request_validation()
            approval._crm_pharma_check_reviewer()
            reviews = approval.review_ids.filtered(
                lambda r, approval=approval: r.sequence in approval._get_sequences_to_approve(self.env.user)
            )
            if not reason and approval.has_comment:
                return approval._add_comment("reject", reviews)
            if reason:
                reviews.sudo().write({"comment": reason})
            approval._rejected_tier(reviews)
            approval._update_counter({"review_deleted": True})
        return True

    # ------------------------------------------------------------------
    # base_tier_validation's hooks, run as superuser after the checks
    # ------------------------------------------------------------------

    def request_validation(self):
        self.check_access("write")
        for approval in self:
            if approval.state not in self._state_from:
                raise UserError(self.env._("%(approval)s is reviewed once it is submitted.", approval=approval.name))
        # skip_check_state_condition is a client's context key: it must not open a draft to review
        approvals = self.sudo().with_context(skip_check_state_condition=False)
        reviews = super(CrmPharmaApproval, approvals).request_validation()
        # need_validation has no dependencies: its cached value is stale once reviews exist
        self.invalidate_recordset(["need_validation"])
        # the first tier becomes pending now, not only when a reviewer opens it
        # (OCA does it when the requester is a reviewer)
        reviews._compute_can_review()
        return reviews

    def restart_validation(self):
        if not self.env.user.has_group(QUALITY_MANAGER):
            raise AccessError(
                self.env._("Only a quality manager can restart the reviews of a first-business approval.")
            )
        self.check_access("write")
        res = super(CrmPharmaApproval, self.sudo()).restart_validation()
        self.invalidate_recordset(["need_validation"])
        self.filtered(lambda a: a.state == "second").sudo().write(
            {"state": "submitted", "first_approver_id": False, "date_first_approved": False}
        )
        for approval in self.filtered(lambda a: a.state == "submitted"):
            approval.message_post(body=self.env._("The reviews were restarted."))
        return res

    def _validate_tier(self, tiers=False):
        self.ensure_one()
        self._crm_pharma_check_reviewer()
        # the caller's next tier only, whatever a client passed (OCA's comment wizard takes them from its context)
        allowed = self._get_sequences_to_approve(self.env.user)
        tiers = self.review_ids.filtered(lambda r: r.sequence in allowed)
        res = super(CrmPharmaApproval, self.sudo())._validate_tier(tiers.sudo())
        self._crm_pharma_follow_tiers()
        return res

    def _rejected_tier(self, tiers=False):
        self.ensure_one()
        self._crm_pharma_check_reviewer()
        allowed = self._get_sequences_to_approve(self.env.user)
        tiers = self.review_ids.filtered(lambda r: r.sequence in allowed)
        res = super(CrmPharmaApproval, self.sudo())._rejected_tier(tiers.sudo())
        self._crm_pharma_follow_tiers()
        return res

    @api.model
    def _update_counter(self, review_counter):
        # recomputes the reviews' status (a write on tier.review)
        return super(CrmPharmaApproval, self.sudo())._update_counter(review_counter)

    def unlink(self):
        self.sudo().review_ids.unlink()
        self.invalidate_recordset(["review_ids"])
        return super().unlink()

    def _crm_pharma_follow_tiers(self):
        """Move the approval as its tiers moved; set the subject's approved flag
        exactly as the host's fixed flow does."""
        self.ensure_one()
        self.invalidate_recordset(["need_validation"])
        approval = self.sudo()
        reviews = approval.review_ids.sorted("sequence")
        done = reviews.filtered(lambda r: r.status == "approved")
        first = done[:1]
        now = fields.Datetime.now()
        if approval.validation_status == "validated":
            approval.write(
                {
                    "state": "approved",
                    "first_approver_id": first.done_by.id,
                    "date_first_approved": first.reviewed_date or now,
                    "approver_id": self.env.uid,
                    "date_approved": now,
                }
            )
            approval._subject().write({"crm_pharma_approved": True, "crm_pharma_approval_id": approval.id})
            approval.message_post(body=self.env._("Approved: every review is validated."))
        elif approval.validation_status == "rejected":
            rejected = reviews.filtered(lambda r: r.status == "rejected")[:1]
            approval.write({"state": "rejected", "reject_reason": rejected.comment or False})
            approval.message_post(body=self.env._("Rejected by %(user)s.", user=self.env.user.name))
        elif first and approval.state == "submitted":
            approval.write(
                {"state": "second", "first_approver_id": first.done_by.id, "date_first_approved": first.reviewed_date}
            )
            approval.message_post(
                body=self.env._(
                    "Signed off by %(user)s; waiting for the next review: %(review)s.",
                    user=self.env.user.name,
                    review=approval.next_review or "",
                )
            )
