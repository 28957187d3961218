from odoo import fields, models

from .crm_service_request import PRIORITIES, REQUEST_TYPES


class CrmServiceRoutingRule(models.Model):
    """Sends a new request to a queue (and optionally a member) when it matches.

    The rules of the request's company are tried in sequence; the first whose
    every filled condition matches wins. Empty conditions match everything.
    """

    _name = "crm.service.routing.rule"
    _description = "Service Routing Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    request_type = fields.Selection(REQUEST_TYPES, string="Type")
    product_categ_id = fields.Many2one(
        "product.category", string="Product Category", help="Matches this category and its subcategories."
    )
    state_ids = fields.Many2many("res.country.state", string="Regions", help="Provinces of the customer's address.")
    priority = fields.Selection(PRIORITIES)
    value_level_ids = fields.Many2many(
        "crm.value.level",
        string="Customer Value Levels",
        check_company=True,
        help="Levels of the customer value pyramid (crm_core_ext) in the request's company.",
    )
    queue_id = fields.Many2one("crm.service.queue", string="Queue", required=True, check_company=True)
    user_id = fields.Many2one(
        "res.users",
        string="Assign To",
        check_company=True,
        domain="[('share', '=', False)]",
        help="Give matching requests directly to this agent instead of the queue's assignment method.",
    )

    def _match(self, facts):
        """Whether this rule accepts a request described by ``facts``.

        ``facts`` is a dict with request_type, priority, categ_path (the
        product category's parent_path or ''), state_id and level_id.
        """
        self.ensure_one()
        if self.request_type and self.request_type != facts["request_type"]:
            return False
        if self.priority and self.priority != facts["priority"]:
            return False
        if self.product_categ_id and not facts["categ_path"].startswith(self.product_categ_id.parent_path):
            return False
        if self.state_ids and facts["state_id"] not in self.state_ids.ids:
            return False
        if self.value_level_ids and facts["level_id"] not in self.value_level_ids.ids:
            return False
        return True
