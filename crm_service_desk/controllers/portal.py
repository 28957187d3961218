from markupsafe import Markup, escape

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class ServiceDeskPortal(CustomerPortal):
    """The customer's service requests in the portal: list, detail with chatter, submit, rate."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "service_request_count" in counters:
            Request = request.env["crm.service.request"]
            values["service_request_count"] = Request.search_count([]) if Request.has_access("read") else 0
        return values

    @http.route(
        ["/my/service_requests", "/my/service_requests/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_service_requests(self, page=1, filterby="open", **kw):
        Request = request.env["crm.service.request"]
        filters = {
            "open": {"label": _("Open"), "domain": [("state", "not in", ("closed", "cancelled"))]},
            "all": {"label": _("All"), "domain": []},
        }
        filterby = filterby if filterby in filters else "open"
        domain = filters[filterby]["domain"]
        count = Request.search_count(domain)
        pager = portal_pager(
            url="/my/service_requests",
            url_args={"filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        requests_ = Request.search(domain, limit=self._items_per_page, offset=pager["offset"], order="id desc")
        request.session["my_service_requests_history"] = requests_.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "service_requests": requests_,
                "page_name": "service_request",
                "pager": pager,
                "default_url": "/my/service_requests",
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("crm_service_desk.portal_my_service_requests", values)

    @http.route(["/my/service_requests/<int:request_id>"], type="http", auth="public", website=True)
    def portal_my_service_request(self, request_id, access_token=None, **kw):
        try:
            request_sudo = self._document_check_access("crm.service.request", request_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._service_request_page_values(request_sudo, access_token, **kw)
        return request.render("crm_service_desk.portal_my_service_request", values)

    def _service_request_page_values(self, request_sudo, access_token, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "service_request": request_sudo,
                "page_name": "service_request",
                "rating_token": False,
                "rated": request_sudo.rating_ids.filtered("consumed")[:1],
                "message": kw.get("message"),
            }
        )
        if request_sudo.state == "closed" and not values["rated"]:
            values["rating_token"] = request_sudo._get_portal_rating_token()
        return self._get_page_view_values(
            request_sudo, access_token, values, "my_service_requests_history", False, **kw
        )

    @http.route(["/my/service_requests/new"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_new_service_request(self, **post):
        user = request.env.user
        Request = request.env["crm.service.request"]
        # the labels in the customer's language
        request_types = Request._fields["request_type"]._description_selection(request.env)
        priorities = Request._fields["priority"]._description_selection(request.env)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "service_request",
                "request_types": request_types,
                "priorities": priorities,
                "error": {},
                "form": post,
            }
        )
        if request.httprequest.method == "POST":
            error = {}
            name = (post.get("name") or "").strip()
            if not name:
                error["name"] = _("Please give a subject.")
            request_type = post.get("request_type") if post.get("request_type") in dict(request_types) else "repair"
            priority = post.get("priority") if post.get("priority") in dict(priorities) else "1"
            company = user.company_id
            vals = {
                "name": name,
                "request_type": request_type,
                "priority": priority,
                "partner_id": user.partner_id.id,
                "contact_id": user.partner_id.id if user.partner_id.parent_id else False,
                "company_id": company.id,
                "source": "portal",
                "description": Markup("<p>%s</p>")
                % escape(post.get("description") or "").replace("\n", Markup("<br/>")),
            }
            serial = (post.get("serial") or "").strip()
            if serial and not error:
                # only a serial of the customer's company is found: the same answer for another
                # customer's serial as for an unknown one
                lot = Request.sudo()._find_customer_lot(serial, user.partner_id, company)
                if not lot:
                    error["serial"] = Request._serial_not_found_message(serial)
                else:
                    vals.update(lot_id=lot.id, product_id=lot.product_id.id)
            if not error:
                try:
                    with request.env.cr.savepoint():
                        new_request = (
                            request.env["crm.service.request"]
                            .sudo()
                            .with_company(company)
                            .with_context(mail_create_nosubscribe=True)
                            .create(vals)
                        )
                        new_request.message_subscribe(partner_ids=user.partner_id.ids)
                except ValidationError as exc:
                    error["serial"] = exc.args[0]
                else:
                    return request.redirect(f"/my/service_requests/{new_request.id}?message=created")
            values["error"] = error
        return request.render("crm_service_desk.portal_new_service_request", values)

    @http.route(
        ["/my/service_requests/<int:request_id>/rate"], type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_rate_service_request(self, request_id, rate=0, feedback=None, **kw):
        try:
            request_sudo = self._document_check_access("crm.service.request", request_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        rate = int(rate) if str(rate).isdigit() else 0
        if request_sudo.state != "closed" or rate not in (1, 3, 5):
            return request.redirect(f"/my/service_requests/{request_id}")
        token = request_sudo._get_portal_rating_token()
        request_sudo.rating_apply(rate, token=token, feedback=feedback)
        return request.redirect(f"/my/service_requests/{request_id}?message=rated")
