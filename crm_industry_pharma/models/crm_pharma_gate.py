from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

REQUIRED_TYPES = {
    "customer": "crm_pharma_company_customer_licence_type_rel",
    "supplier": "crm_pharma_company_supplier_licence_type_rel",
}


class CrmPharmaGate(models.AbstractModel):
    """The GSP gate shared by sale orders, deliveries and purchase orders: one
    query finds every problem of the documents being confirmed, whatever the
    number of lines, licences and scopes."""

    _name = "crm.pharma.gate"
    _description = "GSP Gate"

    @api.model
    def _problems(self, lines, kind, date=None):
        """Problems of the lines given by the SQL ``lines``, which selects
        ``doc_id, partner_id, company_id, product_id`` (the partner being the
        commercial partner), for partners of ``kind`` (customer or supplier).
        Only companies with the GSP checks on are checked. Lines of products
        without a business scope category are not regulated: they need no
        licence and no product approval, but their partner needs its approval.

        :return: list of ``(problem, doc_id, partner_id, type_id, licence_id,
            product_id)``; ``problem`` is ``partner`` (not approved),
            ``product`` (not approved), ``missing`` (no licence of a required
            type), ``expired`` (the newest licence of a required type is not
            valid on ``date``) or ``scope`` (no valid licence covers the
            product's business scope)
        """
        date = date or fields.Date.context_today(self)
        for model, fnames in (
            ("crm.pharma.licence", None),
            ("res.partner", ["crm_pharma_approved"]),
            ("product.template", ["crm_pharma_approved", "crm_pharma_scope_id"]),
            ("res.company", ["crm_pharma_gsp"]),
        ):
            self.env[model].flush_model(fnames)
        valid = self.env["crm.pharma.licence"]._sql_valid("lc", date)
        self.env.cr.execute(
            SQL(
                """
                WITH lines AS (%(lines)s),
                gsp AS (
                    SELECT l.doc_id, l.partner_id, l.company_id, l.product_id, pt.crm_pharma_scope_id AS scope_id,
                           pt.crm_pharma_approved AS product_approved
                      FROM lines l
                      JOIN res_company c ON c.id = l.company_id AND c.crm_pharma_gsp
                      JOIN product_product pp ON pp.id = l.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                ),
                docs AS (SELECT DISTINCT doc_id, partner_id, company_id FROM gsp WHERE scope_id IS NOT NULL),
                lic AS (
                    SELECT lc.id, lc.partner_id, lc.company_id, lc.type_id, lc.date_end, %(valid)s AS valid
                      FROM crm_pharma_licence lc
                     WHERE lc.active AND lc.partner_id IN (SELECT partner_id FROM gsp)
                )
                SELECT DISTINCT 'partner', g.doc_id, g.partner_id, NULL::int, NULL::int, NULL::int
                  FROM gsp g
                  JOIN res_partner p ON p.id = g.partner_id
                 WHERE p.crm_pharma_approved IS NOT TRUE
                UNION ALL
                SELECT 'product', g.doc_id, g.partner_id, NULL, NULL, g.product_id
                  FROM gsp g
                 WHERE g.scope_id IS NOT NULL AND g.product_approved IS NOT TRUE
                UNION ALL
                SELECT CASE WHEN newest.id IS NULL THEN 'missing' ELSE 'expired' END,
                       d.doc_id, d.partner_id, req.type_id, newest.id, NULL
                  FROM docs d
                  JOIN %(required)s req ON req.company_id = d.company_id
                  LEFT JOIN LATERAL (
                        SELECT lic.id, lic.valid
                          FROM lic
                         WHERE lic.partner_id = d.partner_id
                           AND lic.type_id = req.type_id
                           AND (lic.company_id IS NULL OR lic.company_id = d.company_id)
                      ORDER BY lic.valid DESC, lic.date_end DESC NULLS FIRST, lic.id DESC
                         LIMIT 1
                  ) newest ON TRUE
                 WHERE newest.id IS NULL OR NOT newest.valid
                UNION ALL
                SELECT 'scope', g.doc_id, g.partner_id, NULL, NULL, g.product_id
                  FROM gsp g
                 WHERE g.scope_id IS NOT NULL
                   AND NOT EXISTS (
                        SELECT 1
                          FROM lic
                          JOIN crm_pharma_licence_scope_rel rel ON rel.licence_id = lic.id
                         WHERE lic.partner_id = g.partner_id
                           AND (lic.company_id IS NULL OR lic.company_id = g.company_id)
                           AND lic.valid
                           AND rel.scope_id = g.scope_id
                   )
                """,
                lines=lines,
                valid=valid,
                required=SQL.identifier(REQUIRED_TYPES[kind]),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _check(self, lines, kind, documents, what, date=None):
        """Raise a UserError listing the problems of ``lines`` (see
        :meth:`_problems`); ``documents`` browses the ``doc_id`` values,
        ``what`` names them in the message (an order, a delivery)."""
        rows = self._problems(lines, kind, date=date)
        if not rows:
            return
        date = date or fields.Date.context_today(self)
        env = self.env
        # names only (the messages go to users who may not read these records); looked up by id in
        # dicts built by iterating each set, so that every record keeps the set's prefetch: one read
        # per model, whatever the number of problems (browse(id) would read them one by one)
        partners, types, licences, products, docs = (
            {record.id: record for record in env[model].sudo().browse(sorted(ids))}
            for model, ids in (
                ("res.partner", {row[2] for row in rows}),
                ("crm.pharma.licence.type", {row[3] for row in rows if row[3]}),
                ("crm.pharma.licence", {row[4] for row in rows if row[4]}),
                ("product.product", {row[5] for row in rows if row[5]}),
                (documents._name, {row[1] for row in rows if row[1]}),
            )
        )
        scope_partner_ids = {row[2] for row in rows if row[0] == "scope"}
        valid_licences = {}
        if scope_partner_ids:
            for licence in (
                env["crm.pharma.licence"]
                .sudo()
                .search(
                    [
                        ("partner_id", "in", list(scope_partner_ids)),
                        ("state", "in", ("valid", "expiring")),
                        ("company_id", "in", [*documents.sudo().company_id.ids, False]),
                    ]
                )
            ):
                valid_licences.setdefault(licence.partner_id.id, []).append(licence.display_name)
        messages = []
        seen = set()
        for problem, doc_id, partner_id, type_id, licence_id, product_id in rows:
            key = (problem, doc_id, partner_id, type_id, product_id)
            if key in seen:
                continue
            seen.add(key)
            doc = docs[doc_id].display_name if doc_id else ""
            partner = partners[partner_id].display_name
            product = products.get(product_id, env["product.product"])
            if problem == "partner":
                messages.append(
                    _(
                        "%(what)s %(doc)s: %(partner)s has not passed the first-business approval (首营审批).",
                        what=what,
                        doc=doc,
                        partner=partner,
                    )
                )
            elif problem == "product":
                messages.append(
                    _(
                        "%(what)s %(doc)s: the product %(product)s has not passed the first-business approval "
                        "(首营审批), so it cannot be traded with %(partner)s.",
                        what=what,
                        doc=doc,
                        product=product.display_name,
                        partner=partner,
                    )
                )
            elif problem == "missing":
                messages.append(
                    _(
                        "%(what)s %(doc)s: %(partner)s has no %(licence_type)s, which the company requires.",
                        what=what,
                        doc=doc,
                        partner=partner,
                        licence_type=types[type_id].display_name,
                    )
                )
            elif problem == "expired":
                licence = licences[licence_id]
                messages.append(
                    _(
                        "%(what)s %(doc)s: the licence %(licence)s of %(partner)s is not valid on %(date)s "
                        "(valid from %(start)s until %(end)s).",
                        what=what,
                        doc=doc,
                        licence=licence.display_name,
                        partner=partner,
                        date=format_date(env, date),
                        start=format_date(env, licence.date_start) if licence.date_start else "-",
                        end=format_date(env, licence.date_end) if licence.date_end else "-",
                    )
                )
            else:
                messages.append(
                    _(
                        "%(what)s %(doc)s: no valid licence of %(partner)s (%(licences)s) covers the business "
                        "scope %(scope)s of %(product)s.",
                        what=what,
                        doc=doc,
                        partner=partner,
                        licences=", ".join(valid_licences.get(partner_id, [])) or _("none"),
                        scope=product.crm_pharma_scope_id.display_name,
                        product=product.display_name,
                    )
                )
        raise UserError("\n".join(messages))
