from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class CrmServiceDefect(models.Model):
    """An entry of the product defect knowledge base (产品缺陷库).

    A known symptom of a product (or of every product of a category), its
    cause and the solution that worked. Requests on the same product suggest
    the entries whose symptom shares words with their subject and
    description; applying one posts its solution on the request.
    """

    _name = "crm.service.defect"
    _description = "Product Defect"
    _inherit = ["mail.thread"]
    _order = "use_count desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    product_id = fields.Many2one("product.product", string="Product", index=True, check_company=True, tracking=True)
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index=True,
        tracking=True,
        help="For a defect of every product of the category (and its sub-categories); "
        "ignored when a product is set.",
    )
    symptom = fields.Text(required=True, help="What the customer sees (故障现象).")
    cause = fields.Text(help="Why it happens (故障原因).")
    solution = fields.Html(required=True, help="How to fix it (解决方案).")
    keywords = fields.Char(help="Other words customers use for this problem, e.g. 打不着火, 起动困难.")
    match_text = fields.Text(compute="_compute_match_text", store=True, help="Text compared with the requests.")
    use_count = fields.Integer(string="Times Applied", readonly=True, copy=False, default=0)
    source_request_id = fields.Many2one(
        "crm.service.request", string="Source Request", readonly=True, index="btree_not_null", copy=False
    )

    @api.depends("name", "symptom", "keywords")
    def _compute_match_text(self):
        for defect in self:
            defect.match_text = " ".join(filter(None, [defect.name, defect.symptom, defect.keywords]))

    # "name" is always written on create: the check runs even when neither is given.
    @api.constrains("name", "product_id", "categ_id")
    def _check_product_or_category(self):
        for defect in self:
            if not defect.product_id and not defect.categ_id:
                raise ValidationError(
                    _("Knowledge base entry %(defect)s needs a product or a product category.", defect=defect.name)
                )

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id:
            self.categ_id = self.product_id.categ_id

    def action_apply_solution(self):
        """Apply this solution to the request of the context: post it and count the use."""
        self.ensure_one()
        request = self.env["crm.service.request"].browse(self.env.context.get("crm_service_request_id"))
        if not request.exists():
            raise UserError(_("Open a service request to apply solution %(defect)s to it.", defect=self.name))
        request.check_access("write")
        request._post_defect_solution(self)
        # Counted in the database, so that two agents applying it at once both count.
        self.env.cr.execute("UPDATE crm_service_defect SET use_count = use_count + 1 WHERE id = %s", [self.id])
        self.invalidate_recordset(["use_count"])
        return True
