from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

QUALITY_MANAGER = "crm_industry_pharma.crm_industry_pharma_group_quality_manager"

CHECKLISTS = {
    "customer": [
        "营业执照",
        "药品经营许可证或医疗机构执业许可证",
        "GSP证书",
        "法定代表人授权委托书及被委托人身份证复印件",
        "质量保证协议",
    ],
    "supplier": [
        "营业执照",
        "药品生产许可证或药品经营许可证",
        "GMP/GSP证书",
        "法定代表人授权委托书及被委托人身份证复印件",
        "质量保证协议",
        "开户许可证及发票样式",
    ],
    "product": [
        "药品注册证书或批准文号批件",
        "药品质量标准",
        "药品检验报告书",
        "药品包装、标签、说明书实样",
    ],
}


class CrmPharmaApproval(models.Model):
    _name = "crm.pharma.approval"
    _description = "First-Business Approval"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    kind = fields.Selection(
        [("customer", "Customer"), ("supplier", "Supplier"), ("product", "Product")],
        required=True,
        default="customer",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Partner",
        index="btree_not_null",
        tracking=True,
        domain="[('is_company', '=', True)]",
        check_company=True,
    )
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", index="btree_not_null", tracking=True, check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("second", "Second Approval"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    document_ids = fields.One2many("crm.pharma.approval.document", "approval_id", string="Documents", copy=True)
    requested_by = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True, copy=False)
    first_approver_id = fields.Many2one("res.users", string="Quality Manager", readonly=True, copy=False)
    date_first_approved = fields.Datetime(string="Signed Off On", readonly=True, copy=False)
    approver_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False, tracking=True)
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    reject_reason = fields.Text(readonly=True, copy=False)
    note = fields.Text()

    @api.depends("kind", "partner_id", "product_tmpl_id")
    def _compute_name(self):
        for approval in self:
            subject = approval.product_tmpl_id if approval.kind == "product" else approval.partner_id
            approval.name = _("首营: %(subject)s", subject=subject.display_name or "")

    @api.constrains("kind", "partner_id", "product_tmpl_id")
    def _check_subject(self):
        for approval in self:
            if approval.kind == "product" and (not approval.product_tmpl_id or approval.partner_id):
                raise ValidationError(_("A product's first-business approval names the product and no partner."))
            if approval.kind != "product" and (not approval.partner_id or approval.product_tmpl_id):
                raise ValidationError(_("A partner's first-business approval names the partner and no product."))
            if approval.partner_id and approval.partner_id != approval.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "The first-business approval is given to the company %(company)s, not to its contact "
                        "%(contact)s.",
                        company=approval.partner_id.commercial_partner_id.display_name,
                        contact=approval.partner_id.display_name,
                    )
                )

    @api.onchange("kind")
    def _onchange_kind(self):
        if self.state == "draft" and not self.document_ids.filtered("received"):
            self.document_ids = [fields.Command.clear()] + self._checklist_commands(self.kind)

    @api.model
    def _checklist_commands(self, kind):
        return [
            fields.Command.create({"name": name, "sequence": index})
            for index, name in enumerate(CHECKLISTS[kind or "customer"])
        ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("document_ids"):
                vals["document_ids"] = self._checklist_commands(vals.get("kind"))
        return super().create(vals_list)

    def write(self, vals):
        if {"state", "approver_id", "first_approver_id"}.intersection(vals) and not self.env.su:
            raise AccessError(_("First-business approvals change state through their buttons only."))
        if {"kind", "partner_id", "product_tmpl_id"}.intersection(vals) and self.filtered(lambda a: a.state != "draft"):
            raise UserError(_("Only a draft first-business approval can change what it approves."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if self.filtered(lambda a: a.state == "approved"):
            raise UserError(_("An approved first-business approval is kept as the record of the approval."))

    @api.model
    def _open_for(self, partner=None, product=None):
        """The form of the open approval of ``partner`` or ``product``, or of a new one."""
        if partner:
            domain = [("partner_id", "=", partner.id)]
            kind = "supplier" if partner.supplier_rank and not partner.customer_rank else "customer"
            context = {"default_partner_id": partner.id, "default_kind": kind}
        else:
            domain = [("product_tmpl_id", "=", product.id)]
            context = {"default_product_tmpl_id": product.id, "default_kind": "product"}
        approval = self.search([*domain, ("state", "not in", ("rejected",))], limit=1)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "res_id": approval.id,
            "context": context,
        }

    def _subject(self):
        self.ensure_one()
        return self.product_tmpl_id if self.kind == "product" else self.partner_id

    def action_submit(self):
        for approval in self:
            if approval.state != "draft":
                raise UserError(_("%(approval)s is not a draft.", approval=approval.name))
            missing = approval.document_ids.filtered(lambda d: d.required and not d.received)
            if missing:
                raise UserError(
                    _(
                        "%(approval)s cannot be submitted: these documents are not received yet: %(documents)s.",
                        approval=approval.name,
                        documents=", ".join(missing.mapped("name")),
                    )
                )
            approval.sudo().state = "submitted"
            approval.message_post(body=_("Submitted for approval."))

    def _check_quality_manager(self):
        if not self.env.user.has_group(QUALITY_MANAGER):
            raise AccessError(_("Only a quality manager can approve or reject a first-business approval."))

    def action_approve(self):
        self._check_quality_manager()
        now = fields.Datetime.now()
        for approval in self:
            if approval.state == "submitted" and approval.company_id.crm_pharma_second_approval:
                approval.sudo().write(
                    {"state": "second", "first_approver_id": self.env.uid, "date_first_approved": now}
                )
                approval.message_post(body=_("Signed off by the quality manager; waiting for the second approval."))
                continue
            if approval.state == "second" and approval.first_approver_id == self.env.user:
                raise UserError(
                    _(
                        "%(approval)s needs a second approver: %(user)s already signed it off.",
                        approval=approval.name,
                        user=self.env.user.name,
                    )
                )
            if approval.state not in ("submitted", "second"):
                raise UserError(_("%(approval)s is not waiting for an approval.", approval=approval.name))
            vals = {"state": "approved", "approver_id": self.env.uid, "date_approved": now}
            if approval.state == "submitted":
                vals.update(first_approver_id=self.env.uid, date_first_approved=now)
            approval.sudo().write(vals)
            approval._subject().sudo().write({"crm_pharma_approved": True, "crm_pharma_approval_id": approval.id})
            approval.message_post(body=_("Approved."))

    def action_reject(self, reason=None):
        self._check_quality_manager()
        for approval in self:
            if approval.state not in ("submitted", "second"):
                raise UserError(_("%(approval)s is not waiting for an approval.", approval=approval.name))
            approval.sudo().write({"state": "rejected", "reject_reason": reason or False})
            approval.message_post(body=_("Rejected."))

    def action_draft(self):
        for approval in self:
            if approval.state != "rejected":
                raise UserError(_("Only a rejected first-business approval goes back to draft."))
            approval.sudo().write({"state": "draft", "reject_reason": False})


class CrmPharmaApprovalDocument(models.Model):
    _name = "crm.pharma.approval.document"
    _description = "First-Business Approval Document"
    _order = "sequence, id"

    approval_id = fields.Many2one("crm.pharma.approval", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="approval_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Document", required=True)
    required = fields.Boolean(default=True)
    received = fields.Boolean()
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "crm_pharma_approval_document_attachment_rel",
        "document_id",
        "attachment_id",
        string="Copies",
    )
    note = fields.Char()

    def _check_open(self):
        closed = self.approval_id.filtered(lambda a: a.state == "approved")
        if closed and not self.env.su:
            raise UserError(
                _(
                    "The documents of %(approval)s are the record of an approval given: they cannot change.",
                    approval=closed[0].name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        documents = super().create(vals_list)
        documents._check_open()
        return documents

    def write(self, vals):
        self._check_open()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        self._check_open()
