from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# Order of the automatic stages along the customer's life; events only move
# a customer forward along the pre-sale part (prospect -> target -> intent).
LIFECYCLE_CODES = [
    ("prospect", "Prospect"),
    ("target", "Target"),
    ("intent", "Intent"),
    ("first_deal", "First Deal"),
    ("repeat", "Repeat"),
    ("loyal", "Loyal"),
    ("dormant", "Dormant"),
    ("lost", "Lost"),
]


class CrmLifecycleStage(models.Model):
    _name = "crm.lifecycle.stage"
    _description = "Customer Lifecycle Stage"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(string="Stage", required=True, translate=True)
    code = fields.Selection(
        LIFECYCLE_CODES,
        string="Event Code",
        index=True,
        help="The automatic event that moves customers into this stage. Stages without a code "
        "are only reached by a manual move.",
    )
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded", help="Folded when customers are grouped by stage.")
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        help="Leave empty to use the stage in every company. A company-specific stage with "
        "the same event code replaces the shared one in that company.",
    )

    @api.constrains("code", "company_id", "active")
    def _check_code_unique(self):
        stages = self.filtered(lambda s: s.code and s.active)
        if not stages:
            return
        groups = self.sudo()._read_group(
            [("code", "in", stages.mapped("code")), ("active", "=", True)],
            ["code", "company_id"],
            ["__count"],
        )
        for code, company, count in groups:
            if count > 1:
                raise ValidationError(
                    _(
                        "Only one active lifecycle stage may use the event code '%(code)s' for %(scope)s.",
                        code=dict(LIFECYCLE_CODES)[code],
                        scope=company.name or _("all companies"),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = (
            self.env["crm.lifecycle.history"]
            .sudo()
            .search_count(["|", ("stage_from_id", "in", self.ids), ("stage_to_id", "in", self.ids)], limit=1)
        )
        if used:
            raise UserError(
                _("A lifecycle stage that appears in the lifecycle history cannot be deleted; archive it instead.")
            )

    @api.model
    def _get_stages_by_code(self, companies):
        """Return ``{company_id: {code: stage}}`` for ``companies`` with one query.

        A company-specific stage overrides the shared stage (no company) of the
        same code for that company.
        """
        stages = (
            self.sudo()
            .with_context(active_test=True)
            .search_fetch(
                [("code", "!=", False), ("company_id", "in", [False, *companies.ids])],
                ["code", "company_id"],
                order="sequence, id",
            )
        )
        shared = {}
        specific = {company.id: {} for company in companies}
        for stage in stages:
            if not stage.company_id:
                shared.setdefault(stage.code, stage)
            else:
                specific[stage.company_id.id].setdefault(stage.code, stage)
        return {company.id: {**shared, **specific[company.id]} for company in companies}

    @api.model
    def _get_stage_by_code(self, company):
        """Return ``{code: stage}`` valid in ``company`` (one query)."""
        company = company or self.env.company
        return self._get_stages_by_code(company)[company.id]
