from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmChannelTerritory(models.Model):
    _name = "crm.channel.territory"
    _description = "Sales Territory"
    _parent_store = True
    _parent_name = "parent_id"
    _rec_name = "complete_name"
    _order = "complete_name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(compute="_compute_complete_name", recursive=True, store=True)
    parent_id = fields.Many2one(
        "crm.channel.territory",
        string="Parent Territory",
        index=True,
        ondelete="restrict",
        check_company=True,
        help="A territory contains its sub-territories: an authorisation for 华东 covers 上海 and 江苏.",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.channel.territory", "parent_id", string="Sub-territories")
    country_id = fields.Many2one("res.country", string="Country")
    state_id = fields.Many2one(
        "res.country.state", string="State / Province", domain="[('country_id', '=?', country_id)]"
    )
    city = fields.Char(help="City name as written on the addresses of this territory (exact match, case-insensitive).")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", index=True, help="Leave empty to share the territory between companies."
    )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for territory in self:
            if territory.parent_id:
                territory.complete_name = f"{territory.parent_id.complete_name} / {territory.name}"
            else:
                territory.complete_name = territory.name

    @api.onchange("state_id")
    def _onchange_state_id(self):
        if self.state_id:
            self.country_id = self.state_id.country_id

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(_("A territory cannot contain itself, directly or through its sub-territories."))

    def write(self, vals):
        # The parent store is updated before constraints run: refuse a cycle first, with a clear message.
        if vals.get("parent_id") and self.ids:
            parent = self.browse(vals["parent_id"])
            if parent in self.search([("id", "child_of", self.ids)]):
                raise ValidationError(_("A territory cannot contain itself, directly or through its sub-territories."))
        return super().write(vals)

    @api.constrains("country_id", "state_id")
    def _check_state_country(self):
        for territory in self:
            if territory.state_id and territory.country_id and territory.state_id.country_id != territory.country_id:
                raise ValidationError(
                    _(
                        "The province %(state)s of territory %(territory)s is not in %(country)s.",
                        state=territory.state_id.name,
                        territory=territory.name,
                        country=territory.country_id.name,
                    )
                )
