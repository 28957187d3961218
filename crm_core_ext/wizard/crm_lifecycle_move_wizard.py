from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmLifecycleMoveWizard(models.TransientModel):
    _name = "crm.lifecycle.move.wizard"
    _description = "Move Customers to a Lifecycle Stage"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        default=lambda self: self._default_partner_ids(),
    )
    stage_id = fields.Many2one(
        "crm.lifecycle.stage",
        string="New Stage",
        required=True,
        check_company=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    reason = fields.Text(help="Why the customers move; kept in the lifecycle history.")

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") == "res.partner":
            partners = self.env["res.partner"].browse(self.env.context.get("active_ids") or [])
            return partners.commercial_partner_id.ids
        return []

    def action_apply(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(_("Please give a reason for moving the customers to another lifecycle stage."))
        partners = self.partner_ids.commercial_partner_id
        if not partners:
            raise UserError(_("Please select at least one customer to move."))
        stage = self.stage_id
        if stage.company_id and stage.company_id != self.company_id:
            raise UserError(
                _(
                    "The lifecycle stage %(stage)s cannot be used in company %(company)s.",
                    stage=stage.display_name,
                    company=self.company_id.name,
                )
            )
        # The user must be allowed to change these customers; the move itself
        # (stage columns and history rows) is written by the system.
        partners.check_access("write")
        self.env["res.partner"].sudo()._crm_lifecycle_move(
            self.company_id, [(partner.id, stage.id) for partner in partners], "manual", reason=reason
        )
        return {"type": "ir.actions.act_window_close"}
