from odoo import api, fields, models

# who reads the diversion cases (crm_channel_mgmt's ACL)
CASE_READERS = "crm_channel_mgmt.crm_channel_mgmt_group_inspector"


class CrmServiceRequest(models.Model):
    _inherit = "crm.service.request"

    crm_diversion_count = fields.Integer(
        string="Diversion Cases",
        compute="_compute_crm_diversion_count",
        groups=CASE_READERS,
        help="Diversion cases opened because this request's lot was delivered to a dealer for other territories.",
    )

    def _compute_crm_diversion_count(self):
        # as the user: the cases of the companies they work in
        counts = dict(
            self.env["crm.channel.diversion"]._read_group(
                [("source_model", "=", self._name), ("source_res_id", "in", self.ids)],
                ["source_res_id"],
                ["__count"],
            )
        )
        for request in self:
            request.crm_diversion_count = counts.get(request.id, 0)

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        requests._crm_check_diversion()
        return requests

    def write(self, vals):
        res = super().write(vals)
        if {"lot_id", "partner_id"} & vals.keys():
            self._crm_check_diversion()
        return res

    def _crm_check_diversion(self):
        """Open the diversion cases of the requests' lots, one call for the
        batch: the lot was found at the request's customer, on the day the
        request was made, by whoever made it. The request is the finding: one
        case per request and lot, however often it is saved."""
        requests = self.sudo().filtered("lot_id")
        if not requests:
            return
        findings = [
            {
                "source": "service",
                "lot": request.lot_id,
                "record": request,
                "company": request.company_id,
                "partner": request.partner_id,
                "date": fields.Date.context_today(request, request.create_date),
                "user": request.create_uid,
            }
            for request in requests
        ]
        self.env["crm.channel.diversion"].sudo()._crm_open_cases(findings)

    def action_view_crm_diversions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_channel_mgmt.crm_channel_diversion_action")
        action["domain"] = [("source_model", "=", self._name), ("source_res_id", "=", self.id)]
        action["context"] = {}
        return action
