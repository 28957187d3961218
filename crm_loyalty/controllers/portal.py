from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class LoyaltyPortal(CustomerPortal):
    """The customer's own loyalty statement. The cards are read with sudo,
    but only those of the logged-in user's commercial partner and its
    contacts: a customer never sees another customer's points."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "loyalty_card_count" in counters:
            partner = request.env.user.partner_id
            values["loyalty_card_count"] = len(partner._crm_loyalty_statement_cards())
        return values

    @http.route(["/my/loyalty"], type="http", auth="user", website=True)
    def portal_my_loyalty(self, **kw):
        partner = request.env.user.partner_id
        values = self._prepare_portal_layout_values()
        values.update({"statement": partner._crm_loyalty_statement(), "page_name": "loyalty"})
        return request.render("crm_loyalty.portal_my_loyalty", values)

    @http.route(["/my/loyalty/statement.pdf"], type="http", auth="user", website=True)
    def portal_my_loyalty_pdf(self, **kw):
        partner = request.env.user.partner_id.commercial_partner_id
        pdf, __ = (
            request.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf("crm_loyalty.action_report_loyalty_statement", [partner.id])
        )
        headers = [
            ("Content-Type", "application/pdf"),
            ("Content-Length", len(pdf)),
            ("Content-Disposition", 'inline; filename="loyalty-statement.pdf"'),
        ]
        return request.make_response(pdf, headers=headers)
