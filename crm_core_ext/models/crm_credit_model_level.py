from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmCreditModelLevel(models.Model):
    _name = "crm.credit.model.level"
    _description = "Credit Rating"
    _order = "model_id, min_score desc, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code shown on customers, for example AAA, AA, A, B, C.")
    model_id = fields.Many2one("crm.credit.model", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="model_id.company_id", store=True, index=True)
    min_score = fields.Float(string="Minimum Score", required=True, digits=(5, 1))
    suggested_limit = fields.Float(
        string="Suggested Credit Limit", digits="Account", help="Guidance for credit managers setting limits."
    )
    color = fields.Integer()

    @api.constrains("min_score", "suggested_limit")
    def _check_values(self):
        for level in self:
            if not 0 <= level.min_score <= 100:
                raise ValidationError(_("The minimum score of rating %s must lie between 0 and 100.", level.code))
            if level.suggested_limit < 0:
                raise ValidationError(_("The suggested credit limit of rating %s cannot be negative.", level.code))

    @api.depends("code", "name")
    def _compute_display_name(self):
        for level in self:
            level.display_name = f"{level.code} - {level.name}" if level.code else level.name
