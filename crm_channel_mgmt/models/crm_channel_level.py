from odoo import fields, models


class CrmChannelLevel(models.Model):
    _name = "crm.channel.level"
    _description = "Channel Level"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Levels are listed from the top of the channel (lowest number) down.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", index=True, help="Leave empty to share the level between companies."
    )
    dealer_count = fields.Integer(compute="_compute_dealer_count", string="Dealers")

    def _compute_dealer_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("crm_channel_level_id", "in", self.ids)], ["crm_channel_level_id"], ["__count"]
            )
        )
        for level in self:
            level.dealer_count = counts.get(level, 0)
