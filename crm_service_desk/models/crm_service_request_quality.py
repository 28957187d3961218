import re

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from .crm_service_request import DONE_STATES, INTERNAL

COMPLAINT_CATEGORIES = [
    ("product_quality", "Product Quality"),
    ("service_attitude", "Service Attitude"),
    ("response_time", "Response Time"),
    ("delivery", "Delivery"),
    ("billing", "Billing"),
    ("other", "Other"),
]
SEVERITIES = [("minor", "Minor"), ("major", "Major"), ("critical", "Critical")]
SUGGESTION_LIMIT = 5
# A defect is suggested when its symptom and keywords share at least this
# many terms (Chinese character bigrams, or words) with the request.
SUGGESTION_MIN_SHARED = 2

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]{2,}")


def text_terms(text):
    """The terms of ``text`` compared by the defect suggestions.

    Chinese is written without spaces: each run of Chinese characters gives
    its character bigrams (a single character stands for itself); other
    scripts give their lower-case words of two characters or more.
    """
    text = (text or "").lower()
    terms = set()
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            terms.add(run)
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    terms.update(_WORD.findall(_CJK_RUN.sub(" ", text)))
    return terms


class CrmServiceRequest(models.Model):
    _inherit = "crm.service.request"  # pylint: disable=consider-merging-classes-inherited

    # Complaints (投诉处理)
    complaint_department_id = fields.Many2one(
        "crm.service.department",
        string="Responsible Department",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        groups=INTERNAL,
    )
    complaint_category = fields.Selection(COMPLAINT_CATEGORIES, tracking=True, groups=INTERNAL)
    complaint_severity = fields.Selection(SEVERITIES, string="Severity", tracking=True, groups=INTERNAL)
    root_cause = fields.Text(
        tracking=True,
        groups=INTERNAL,
        help="Why it happened (原因分析). Required before a complaint is resolved or closed.",
    )
    capa_action_ids = fields.One2many(
        "crm.service.capa.action", "request_id", string="Corrective / Preventive Actions", groups=INTERNAL
    )
    capa_open_count = fields.Integer(string="Open Actions", compute="_compute_capa_open_count", groups=INTERNAL)
    # Defect knowledge base (产品缺陷库)
    defect_suggestion_ids = fields.Many2many(
        "crm.service.defect",
        string="Suggested Solutions",
        compute="_compute_defect_suggestion_ids",
        groups="crm_service_desk.crm_service_desk_group_user",
    )
    defect_ids = fields.One2many(
        "crm.service.defect", "source_request_id", string="Knowledge Base Entries", groups=INTERNAL
    )

    @api.depends("capa_action_ids.state")
    def _compute_capa_open_count(self):
        data = self.env["crm.service.capa.action"]._read_group(
            [("request_id", "in", self._origin.ids), ("state", "=", "open")], ["request_id"], ["__count"]
        )
        counts = {request.id: count for request, count in data}
        for request in self:
            request.capa_open_count = counts.get(request._origin.id, 0)

    @api.depends("name", "description", "product_id", "company_id")
    def _compute_defect_suggestion_ids(self):
        """The best matching entries of the defect knowledge base, at most five.

        Candidates are the active entries of the request's company (or shared)
        for its product, or for its product's category or a parent category;
        one search per batch. They are ranked by the share of their symptom,
        name and keyword terms found in the request's subject and description,
        then by how often their solution was applied.
        """
        Defect = self.env["crm.service.defect"]
        with_product = self.filtered("product_id")
        (self - with_product).defect_suggestion_ids = False
        if not with_product:
            return
        categories = with_product.product_id.categ_id
        category_ids = {int(cid) for path in categories.mapped("parent_path") for cid in path.split("/") if cid}
        candidates = Defect.search(
            [
                ("company_id", "in", [False, *with_product.company_id.ids]),
                "|",
                ("product_id", "in", with_product.product_id.ids),
                "&",
                ("product_id", "=", False),
                ("categ_id", "in", list(category_ids)),
            ]
        )
        candidate_terms = [(defect, text_terms(defect.match_text)) for defect in candidates]
        for request in with_product:
            terms = text_terms(f"{request.name or ''} {html2plaintext(request.description or '')}")
            request_categs = set(map(int, filter(None, (request.product_id.categ_id.parent_path or "").split("/"))))
            scored = []
            for defect, defect_terms in candidate_terms:
                if defect.company_id and defect.company_id != request.company_id:
                    continue
                if defect.product_id:
                    if defect.product_id != request.product_id:
                        continue
                elif defect.categ_id.id not in request_categs:
                    continue
                shared = len(terms & defect_terms)
                if shared >= SUGGESTION_MIN_SHARED:
                    scored.append((shared / len(defect_terms), defect.use_count, defect.id))
            scored.sort(reverse=True)
            request.defect_suggestion_ids = Defect.browse(
                [defect_id for _s, _u, defect_id in scored[:SUGGESTION_LIMIT]]
            )

    # ------------------------------------------------------------------ CRUD
    def write(self, vals):
        if {"state", "request_type", "root_cause"} & vals.keys():
            self._check_complaint_closable(vals)
        return super().write(vals)

    def _check_complaint_closable(self, vals):
        """A complaint is resolved or closed only with a root cause and no open action."""
        for request in self:
            state = vals.get("state", request.state)
            request_type = vals.get("request_type", request.request_type)
            if request_type != "complaint" or state not in DONE_STATES:
                continue
            root_cause = vals["root_cause"] if "root_cause" in vals else request.root_cause
            if not (root_cause or "").strip():
                raise UserError(
                    _(
                        "Complaint %(request)s cannot be resolved or closed without a root cause: "
                        "fill in the root cause analysis first.",
                        request=request.display_name,
                    )
                )
            if request.capa_open_count:
                raise UserError(
                    _(
                        "Complaint %(request)s still has %(count)s open corrective or preventive action(s): "
                        "finish or cancel them before resolving or closing it.",
                        request=request.display_name,
                        count=request.capa_open_count,
                    )
                )

    # ------------------------------------------------------------------ actions
    def action_view_capa_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service_desk.crm_service_capa_action_action")
        action["domain"] = [("request_id", "=", self.id)]
        action["context"] = {"default_request_id": self.id, "search_default_filter_open": 1}
        return action

    def action_add_to_knowledge_base(self):
        """Open a new defect knowledge base entry prefilled from this resolved or closed request."""
        self.ensure_one()
        if self.state not in DONE_STATES:
            raise UserError(
                _(
                    "Request %(request)s is not resolved or closed yet: only a solved problem "
                    "can go to the knowledge base.",
                    request=self.display_name,
                )
            )
        if not self.product_id:
            raise UserError(
                _(
                    "Request %(request)s has no product: set it before adding it to the knowledge base.",
                    request=self.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Add to Knowledge Base"),
            "res_model": "crm.service.defect",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_name": self.name,
                "default_product_id": self.product_id.id,
                "default_categ_id": self.product_id.categ_id.id,
                "default_symptom": html2plaintext(self.description or "") or self.name,
                "default_cause": self.root_cause or False,
                "default_source_request_id": self.id,
                "default_company_id": self.company_id.id,
            },
        }

    def _post_defect_solution(self, defect):
        """Post ``defect``'s solution in the chatter of these requests."""
        body = Markup("<p><strong>%s</strong></p>") % _(
            "Solution from the knowledge base: %(defect)s", defect=defect.name
        )
        if defect.cause:
            body += Markup("<p>%s %s</p>") % (_("Cause:"), defect.cause)
        body += Markup("<div>%s</div>") % defect.solution
        for request in self:
            request.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
