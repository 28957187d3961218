from odoo import _, fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


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


class ChannelSellthroughPortal(ChannelPortal):
    """Dealers upload their sell-through reports in the portal and see their errors."""

    def _crm_sellthrough_values(self, partner, **kwargs):
        values = self._prepare_portal_layout_values()
        # read as the portal user: record rules show only the dealer's own reports
        reports = request.env["crm.channel.sellthrough"].search([("company_id", "=", request.env.company.id)], limit=50)
        values.update(
            {
                "page_name": "crm_channel_sellthrough",
                "reports": reports,
                "problems": [],
                "error": None,
                "done": None,
                "form": {},
            }
        )
        values.update(kwargs)
        return values

    @http.route(["/my/channel/sellthrough"], type="http", auth="user", website=True)
    def portal_my_channel_sellthrough(self, **kw):
        partner = self._crm_channel_dealer_partner()
        if not partner:
            return request.redirect("/my")
        return request.render("crm_channel_mgmt.portal_my_channel_sellthrough", self._crm_sellthrough_values(partner))

    @http.route(["/my/channel/sellthrough/template"], type="http", auth="user", website=True)
    def portal_my_channel_sellthrough_template(self, **kw):
        if not self._crm_channel_dealer_partner():
            return request.redirect("/my")
        content = request.env["crm.channel.sellthrough.import"].sudo()._crm_template_content()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("Content-Disposition", http.content_disposition("dealer_sellthrough_template.xlsx")),
            ],
        )

    @http.route(["/my/channel/sellthrough/upload"], type="http", auth="user", website=True, methods=["POST"])
    def portal_my_channel_sellthrough_upload(self, report_file=None, date_from=None, date_to=None, replace=None, **kw):
        partner = self._crm_channel_dealer_partner()
        if not partner:
            return request.redirect("/my")
        form = {"date_from": date_from or "", "date_to": date_to or "", "replace": bool(replace)}
        try:
            start, end = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        except ValueError:
            start = end = None
        if not start or not end:
            error = _("Enter the first and last day of the period.")
        elif not report_file or not report_file.filename:
            error = _("Choose the spreadsheet to upload.")
        else:
            error = None
        if error:
            return request.render(
                "crm_channel_mgmt.portal_my_channel_sellthrough",
                self._crm_sellthrough_values(partner, error=error, form=form),
            )
        try:
            with request.env.cr.savepoint():
                report, problems = (
                    request.env["crm.channel.sellthrough.portal"]
                    .sudo()
                    ._crm_portal_upload(
                        partner,
                        request.env.company,
                        report_file.read(),
                        report_file.filename,
                        start,
                        end,
                        bool(replace),
                    )
                )
        except (UserError, ValidationError, AccessError) as exc:
            report, problems, error = None, [], exc.args[0]
        return request.render(
            "crm_channel_mgmt.portal_my_channel_sellthrough",
            self._crm_sellthrough_values(
                partner, error=error, problems=problems, done=report and report.sudo(), form=form
            ),
        )


class ChannelInspectorPortal(ChannelSellthroughPortal):
    """Portal field inspectors (an audit firm's staff, market inspectors
    without a back-office user) record field checks of lots from a phone."""

    _crm_checks_per_page = 30

    def _crm_channel_inspector_user(self):
        """The logged-in user when it is a portal user whose own contact is
        flagged as a portal field inspector and is no dealer's, else None."""
        user = request.env.user
        if not user._is_portal():
            return None
        partner = user.partner_id.sudo()
        if not partner.crm_channel_portal_inspector or partner.commercial_partner_id.crm_channel_is_dealer:
            return None
        return user

    def _crm_channel_checks_domain(self, user):
        # portal users have no access to the checks (their case is the back
        # office's): read with sudo, the user's own checks only
        return [("user_id", "=", user.id), ("company_id", "=", request.env.company.id)]

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["crm_channel_portal_inspector"] = bool(self._crm_channel_inspector_user())
        return values

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crm_channel_check_count" in counters:
            user = self._crm_channel_inspector_user()
            values["crm_channel_check_count"] = (
                request.env["crm.channel.diversion.check"].sudo().search_count(self._crm_channel_checks_domain(user))
                if user
                else 0
            )
        return values

    def _crm_channel_check_form_values(self, **kwargs):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "crm_channel_check_new",
                "states": request.env["res.country.state"]
                .sudo()
                .search([("country_id", "=", request.env.ref("base.cn").id)]),
                "form": {"date": fields.Date.context_today(request.env.user).isoformat()},
                "error": None,
                "done": None,
            }
        )
        values.update(kwargs)
        return values

    @http.route(["/my/channel/checks", "/my/channel/checks/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_channel_checks(self, page=1, **kw):
        user = self._crm_channel_inspector_user()
        if not user:
            return request.redirect("/my")
        Check = request.env["crm.channel.diversion.check"].sudo()
        domain = self._crm_channel_checks_domain(user)
        pager = portal_pager(
            url="/my/channel/checks",
            total=Check.search_count(domain),
            page=page,
            step=self._crm_checks_per_page,
        )
        checks = Check.search(domain, limit=self._crm_checks_per_page, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "crm_channel_checks", "checks": checks, "pager": pager})
        return request.render("crm_channel_mgmt.portal_my_channel_checks", values)

    @http.route(["/my/channel/checks/new"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_my_channel_check_new(self, **post):
        user = self._crm_channel_inspector_user()
        if not user:
            return request.redirect("/my")
        if request.httprequest.method != "POST":
            return request.render("crm_channel_mgmt.portal_my_channel_check_new", self._crm_channel_check_form_values())
        photo = post.get("photo")
        form = {
            name: post.get(name) or "" for name in ("lot", "product_code", "date", "state_id", "city", "place", "note")
        }
        values = dict(form, photo=photo.read() if photo and photo.filename else None)
        try:
            with request.env.cr.savepoint():
                check = (
                    request.env["crm.channel.diversion.check"]
                    .sudo()
                    ._crm_portal_record(user, request.env.company, values)
                )
        except (UserError, ValidationError, AccessError) as error:
            return request.render(
                "crm_channel_mgmt.portal_my_channel_check_new",
                self._crm_channel_check_form_values(error=error.args[0], form=form),
            )
        # the result only: the authorised dealer and the case are the back office's
        return request.render(
            "crm_channel_mgmt.portal_my_channel_check_new",
            self._crm_channel_check_form_values(done={"lot": check.lot_id.name, "result": check.result}),
        )
