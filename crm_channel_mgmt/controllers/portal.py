from odoo import _, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class ChannelPortal(CustomerPortal):
    def _crm_channel_dealer_partner(self):
        """The logged-in user's partner when its company is a dealer, else None."""
        partner = request.env.user.partner_id
        if request.env.user._is_public() or not partner.sudo().commercial_partner_id.crm_channel_is_dealer:
            return None
        return partner

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crm_channel_product_count" in counters:
            partner = self._crm_channel_dealer_partner()
            values["crm_channel_product_count"] = (
                len(partner.sudo()._crm_channel_catalogue(request.env.company)) if partner else 0
            )
        return values

    def _crm_channel_page_values(self, partner, **kwargs):
        company = request.env.company
        # Read as the portal user: record rules show only the dealer's own authorisations.
        authorizations = request.env["crm.channel.authorization"].search(
            [("company_id", "=", company.id), ("is_valid_today", "=", True)]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "crm_channel_catalogue",
                "products": partner.sudo()._crm_channel_catalogue(company),
                "authorizations": authorizations.sudo(),
                "quantities": {},
                "error": None,
                **self._crm_channel_account_values(partner, company),
            }
        )
        values.update(kwargs)
        return values

    def _crm_channel_account_values(self, partner, company):
        """The dealer's credit and rebates in ``company``: its own figures only, read with sudo
        for the dealer's commercial partner (a portal user has no access to the models)."""
        dealer = partner.sudo().commercial_partner_id.with_company(company)
        accruals = (
            request.env["crm.channel.rebate.accrual"]
            .sudo()
            .search([("dealer_id", "=", dealer.id), ("company_id", "=", company.id)])
        )
        settlements = (
            request.env["crm.channel.rebate.settlement"]
            .sudo()
            .search(
                [("dealer_id", "=", dealer.id), ("company_id", "=", company.id), ("state", "=", "settled")],
                limit=20,
            )
        )
        return {"credit_dealer": dealer, "rebate_accruals": accruals, "rebate_settlements": settlements}

    @http.route(["/my/channel"], type="http", auth="user", website=True)
    def portal_my_channel_catalogue(self, **kw):
        partner = self._crm_channel_dealer_partner()
        if not partner:
            return request.redirect("/my")
        return request.render("crm_channel_mgmt.portal_my_channel_catalogue", self._crm_channel_page_values(partner))

    @http.route(["/my/channel/order"], type="http", auth="user", website=True, methods=["POST"])
    def portal_my_channel_order(self, **post):
        partner = self._crm_channel_dealer_partner()
        if not partner:
            return request.redirect("/my")
        quantities = {}
        try:
            for key, value in post.items():
                if key.startswith("qty_") and value.strip():
                    quantities[int(key[4:])] = float(value)
        except ValueError:
            return request.render(
                "crm_channel_mgmt.portal_my_channel_catalogue",
                self._crm_channel_page_values(partner, error=_("Quantities must be numbers.")),
            )
        try:
            with request.env.cr.savepoint():
                order = partner.sudo()._crm_channel_portal_order(request.env.company, quantities)
        except (UserError, ValidationError, AccessError) as error:
            return request.render(
                "crm_channel_mgmt.portal_my_channel_catalogue",
                self._crm_channel_page_values(partner, error=error.args[0], quantities=quantities),
            )
        return request.redirect(order.get_portal_url())
