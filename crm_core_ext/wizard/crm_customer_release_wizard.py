from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmCustomerReleaseWizard(models.TransientModel):
    _name = "crm.customer.release.wizard"
    _description = "Release Customers to the Public Pool"

    partner_ids = fields.Many2many(
        "res.partner",
        "crm_customer_release_wizard_partner_rel",
        string="Customers",
        required=True,
        default=lambda self: self._default_partner_ids(),
    )
    reason = fields.Text(help="Why the customers go back to the public pool; kept in the history.")

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") == "res.partner":
            partners = self.env["res.partner"].browse(self.env.context.get("active_ids") or [])
            return partners._crm_customers().ids
        return []

    def action_release(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(_("Please give the reason for releasing the customers to the public pool."))
        customers = self.partner_ids._crm_customers()
        if not customers:
            raise UserError(_("Select the customers to release."))
        manager = self.env.user.has_group("crm_core_ext.crm_core_ext_group_manager")
        for customer in customers:
            if customer.crm_pool_since:
                raise UserError(_("%s is already in the public pool.", customer.display_name))
            if not manager and customer.user_id != self.env.user:
                raise UserError(
                    _(
                        "You can only release your own customers: %(customer)s belongs to %(user)s.",
                        customer=customer.display_name,
                        user=customer.user_id.name or _("nobody"),
                    )
                )
        customers.check_access("write")
        customers.sudo()._crm_release(reason)
        return {"type": "ir.actions.act_window_close"}
