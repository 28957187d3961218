"""Service plans on installed-base assets, and the work orders they create.

A plan may point to an asset of the installed base (crm.service.asset): the
customer, serial number and product then follow the asset. Each due date of a
plan creates a service request and, when the plan says so, a work order (the
host's repair.order, linked to the request as the service desk's dispatch
links them). The occurrence row of the due date holds the work order, so that
a due date has at most one, whoever creates it: the daily job or a user.
"""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crm_service_request import INTERNAL

WORK_ORDER_MODES = [
    ("request", "Service Request"),
    ("request_repair", "Service Request and Work Order"),
]


class CrmServicePlan(models.Model):
    _inherit = "crm.service.plan"  # pylint: disable=consider-merging-classes-inherited

    asset_id = fields.Many2one(
        "crm.service.asset",
        string="Asset",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        ondelete="restrict",
        domain="[('partner_id', '=?', partner_id), ('state', '=', 'in_service')]",
        help="The installed-base asset maintained by this plan: its customer, serial number and product.",
    )
    work_order_mode = fields.Selection(
        WORK_ORDER_MODES,
        string="Each Maintenance Creates",
        required=True,
        default="request",
        tracking=True,
        help="With a work order, each due date also creates a work order (repair order) for the asset, "
        "linked to the maintenance request.",
    )
    repair_count = fields.Integer(compute="_compute_repair_count", string="Work Orders")

    def _compute_repair_count(self):
        counts = dict(
            self.env["crm.service.plan.occurrence"]._read_group(
                [("plan_id", "in", self.ids), ("repair_id", "!=", False)], ["plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.repair_count = counts.get(plan, 0)

    @api.onchange("asset_id")
    def _onchange_asset_id(self):
        if self.asset_id:
            asset = self.asset_id.sudo()
            self.partner_id = asset.partner_id
            self.lot_id = asset.lot_id
            self.product_id = asset.product_id

    @api.model
    def _crm_asset_vals(self, vals):
        """``vals`` completed with the customer, serial and product of its asset, where not given:
        a plan created or moved to an asset over RPC or by an import gets them as from the form."""
        if not vals.get("asset_id"):
            return vals
        asset = self.env["crm.service.asset"].browse(vals["asset_id"]).sudo()
        completed = {"partner_id": asset.partner_id.id, "lot_id": asset.lot_id.id, "product_id": asset.product_id.id}
        return {**completed, **vals}

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._crm_asset_vals(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._crm_asset_vals(vals))

    @api.constrains("asset_id", "partner_id", "lot_id", "product_id")
    def _check_asset(self):
        for plan in self.filtered("asset_id"):
            asset = plan.asset_id.sudo()  # service managers need no warehouse rights to read the serial
            if asset.partner_id != plan.partner_id:
                raise ValidationError(
                    _(
                        "Service plan %(plan)s: asset %(asset)s is installed at %(owner)s, not at %(customer)s.",
                        plan=plan.display_name,
                        asset=asset.display_name,
                        owner=asset.partner_id.display_name,
                        customer=plan.partner_id.display_name,
                    )
                )
            if asset.lot_id != plan.lot_id or (plan.product_id and plan.product_id != asset.product_id):
                raise ValidationError(
                    _(
                        "Service plan %(plan)s: asset %(asset)s is serial number %(lot)s of %(product)s; "
                        "the plan's serial number and product must be the asset's.",
                        plan=plan.display_name,
                        asset=asset.display_name,
                        lot=asset.lot_id.display_name,
                        product=asset.product_id.display_name,
                    )
                )

    def _generate_requests(self, today, force=False):
        requests = super()._generate_requests(today, force=force)
        requests.filtered(lambda r: r.service_plan_id.work_order_mode == "request_repair")._crm_plan_work_orders()
        return requests

    def action_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service_desk.repair_order_action_service")
        action["domain"] = [("service_request_id.service_plan_id", "=", self.id)]
        action["context"] = {"create": False}
        return action


class CrmServicePlanOccurrence(models.Model):
    _inherit = "crm.service.plan.occurrence"

    repair_id = fields.Many2one(
        "repair.order", string="Work Order", index="btree_not_null", ondelete="set null", readonly=True
    )


class CrmServiceAsset(models.Model):
    _inherit = "crm.service.asset"

    plan_ids = fields.One2many("crm.service.plan", "asset_id", string="Service Plans")
    plan_count = fields.Integer(compute="_compute_plan_count", string="Service Plan Count")

    def _compute_plan_count(self):
        counts = dict(
            self.env["crm.service.plan"]._read_group([("asset_id", "in", self.ids)], ["asset_id"], ["__count"])
        )
        for asset in self:
            asset.plan_count = counts.get(asset, 0)

    def action_view_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service_desk.crm_service_plan_action")
        action["domain"] = [("asset_id", "=", self.id)]
        action["context"] = {
            "default_asset_id": self.id,
            "default_partner_id": self.partner_id.id,
            "default_lot_id": self.lot_id.id,
            "default_product_id": self.product_id.id,
            "default_company_id": self.company_id.id,
            "default_name": _("Maintenance of %(asset)s", asset=self.display_name),
        }
        return action


class CrmServiceRequest(models.Model):
    _inherit = "crm.service.request"  # pylint: disable=consider-merging-classes-inherited

    service_plan_repair_id = fields.Many2one(
        "repair.order",
        string="Maintenance Work Order",
        compute="_compute_service_plan_repair_id",
        groups=INTERNAL,
        help="The work order created for the maintenance due date of this request.",
    )

    def _compute_service_plan_repair_id(self):
        occurrences = (
            self.env["crm.service.plan.occurrence"]
            .sudo()
            .search([("request_id", "in", self.filtered("service_plan_id").ids), ("repair_id", "!=", False)])
        )
        repair_by_request = {occurrence.request_id.id: occurrence.repair_id.id for occurrence in occurrences}
        for request in self:
            request.service_plan_repair_id = repair_by_request.get(request.id, False)

    def _crm_plan_work_order_vals(self, occurrence):
        self.ensure_one()
        plan = self.service_plan_id
        asset = plan.asset_id or self.asset_id
        lot = asset.lot_id or self.lot_id
        due = occurrence.due_date
        return {
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "product_id": (asset.product_id or lot.product_id or self.product_id).id,
            "lot_id": lot.id,
            "service_request_id": self.id,
            "service_asset_id": asset.id,
            "technician_id": self.user_id.id,
            "schedule_date": fields.Datetime.to_datetime(due).replace(hour=1) if due else fields.Datetime.now(),
            "internal_notes": plan.description or False,
        }

    def _crm_plan_work_orders(self):
        """Create the work order of the due dates of the plan requests ``self`` that have none yet.

        The occurrence rows are locked first, so that the job and a user (or two users) cannot both
        create one for the same due date. Work orders are created in one batch, as the current user
        (the job runs as superuser; a user needs the right to create repair orders).

        :return: the work orders of the requests of ``self``, created or found
        """
        requests = self.filtered("service_plan_id")
        if not requests:
            return self.env["repair.order"]
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT id FROM crm_service_plan_occurrence
                WHERE request_id = ANY(%s) ORDER BY id FOR UPDATE""",
            [requests.ids],
        )
        Occurrence = self.env["crm.service.plan.occurrence"].sudo()
        occurrences = Occurrence.browse([row[0] for row in self.env.cr.fetchall()])
        occurrences.invalidate_recordset(["repair_id"])
        todo = occurrences.filtered(lambda o: not o.repair_id)
        for occurrence in todo:
            if occurrence.request_id.state in ("closed", "cancelled"):
                raise UserError(
                    _(
                        "Request %(request)s is closed: no work order can be dispatched.",
                        request=occurrence.request_id.display_name,
                    )
                )
        repairs = self.env["repair.order"].create(
            [occurrence.request_id._crm_plan_work_order_vals(occurrence) for occurrence in todo]
        )
        for occurrence, repair in zip(todo, repairs, strict=True):
            occurrence.repair_id = repair
        return occurrences.repair_id

    def action_create_plan_work_order(self):
        """Create (or open) the work order of this maintenance request's due date."""
        self.ensure_one()
        if not self.service_plan_id:
            raise UserError(_("Request %(request)s was not created by a service plan.", request=self.display_name))
        repair = self._crm_plan_work_orders()
        if not repair:
            raise UserError(
                _("Request %(request)s has no maintenance due date of its plan.", request=self.display_name)
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "repair.order",
            "res_id": repair.id,
            "views": [[self.env.ref("repair.view_repair_order_form").id, "form"]],
            "target": "current",
        }
