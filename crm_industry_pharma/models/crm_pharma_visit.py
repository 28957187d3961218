"""Visits (拜访) of a medical representative to a doctor: when, the drugs
discussed, the samples given, the doctor's feedback and the next step."""

import pytz

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from .crm_pharma_medrep_mixin import MEDREP_MANAGER_GROUP


class CrmPharmaVisit(models.Model):
    _name = "crm.pharma.visit"
    _description = "Doctor Visit"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.pharma.medrep.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    representative_id = fields.Many2one(required=True)
    doctor_id = fields.Many2one(
        "crm.pharma.doctor", string="Doctor", required=True, index=True, tracking=True, check_company=True
    )
    hospital_id = fields.Many2one(related="doctor_id.hospital_id", store=True, index=True)
    department_id = fields.Many2one(related="doctor_id.department_id", store=True)
    class_id = fields.Many2one(related="doctor_id.class_id", store=True, string="Doctor Class")
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    duration = fields.Float(default=0.5, help="In hours.")
    visit_date = fields.Date(
        compute="_compute_visit_date",
        store=True,
        string="Day",
        help="The visit's day in the representative's time zone: what the plan counts.",
    )
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        required=True,
        default="planned",
        tracking=True,
        index=True,
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Products Discussed",
        check_company=True,
        domain="[('crm_pharma_scope_id', '!=', False)]",
    )
    sample_line_ids = fields.One2many("crm.pharma.visit.sample", "visit_id", string="Samples Given")
    feedback = fields.Text(help="What the doctor said about the drugs, their patients' experience, objections.")
    next_step = fields.Char()

    def init(self):
        # the plan's and the compliance report's count of a doctor's visits by a representative in a month
        tools.create_index(
            self.env.cr,
            "crm_pharma_visit_doctor_rep_day_idx",
            self._table,
            ["doctor_id", "representative_id", "visit_date"],
            where="state != 'cancelled'",
        )

    @api.depends("doctor_id.name", "visit_date")
    def _compute_name(self):
        for visit in self:
            visit.name = f"{visit.doctor_id.name or ''} {visit.visit_date or ''}".strip()

    @api.depends("date", "representative_id.tz")
    def _compute_visit_date(self):
        for visit in self:
            if not visit.date:
                visit.visit_date = False
                continue
            tz = pytz.timezone(visit.representative_id.tz or self.env.user.tz or "UTC")
            visit.visit_date = pytz.utc.localize(visit.date).astimezone(tz).date()

    @api.constrains("state", "date")
    def _check_done_not_in_future(self):
        now = fields.Datetime.now()
        for visit in self:
            if visit.state == "done" and visit.date > now:
                raise ValidationError(
                    self.env._(
                        "Visit to %(doctor)s on %(date)s: a visit in the future cannot be done yet.",
                        doctor=visit.doctor_id.name,
                        date=visit.visit_date,
                    )
                )

    @api.constrains("doctor_id", "representative_id")
    def _check_doctor_representative(self):
        for visit in self:
            doctor_rep = visit.doctor_id.sudo().representative_id
            if doctor_rep != visit.representative_id and not visit.representative_id.has_group(MEDREP_MANAGER_GROUP):
                raise ValidationError(
                    self.env._(
                        "%(rep)s cannot visit %(doctor)s: the doctor is looked after by %(owner)s.",
                        rep=visit.representative_id.name,
                        doctor=visit.doctor_id.name,
                        owner=doctor_rep.name or self.env._("nobody"),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if self._is_medrep_manager():
            return
        for visit in self:
            if visit.state == "done":
                raise UserError(
                    self.env._(
                        "Visit %(visit)s is done and counts in the visit plan: only a medical affairs manager can "
                        "delete it.",
                        visit=visit.name,
                    )
                )

    def action_done(self):
        for visit in self:
            if visit.state != "planned":
                raise UserError(
                    self.env._("Visit %(visit)s is not planned: it cannot be marked done.", visit=visit.name)
                )
        self.write({"state": "done"})
        return True

    def action_cancel(self):
        for visit in self:
            if visit.state == "done":
                raise UserError(self.env._("Visit %(visit)s is done: it cannot be cancelled.", visit=visit.name))
        self.write({"state": "cancelled"})
        return True

    def action_reset(self):
        self.filtered(lambda v: v.state == "cancelled").write({"state": "planned"})
        return True


class CrmPharmaVisitSample(models.Model):
    _name = "crm.pharma.visit.sample"
    _description = "Sample Given at a Visit"
    _order = "visit_id, id"
    _check_company_auto = True

    visit_id = fields.Many2one("crm.pharma.visit", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="visit_id.company_id", store=True, index=True)
    representative_id = fields.Many2one(related="visit_id.representative_id", store=True, index=True)
    visit_date = fields.Date(related="visit_id.visit_date", store=True, string="Day")
    doctor_id = fields.Many2one(related="visit_id.doctor_id", store=True)
    product_id = fields.Many2one("product.product", string="Product", required=True, check_company=True)
    lot_id = fields.Many2one("stock.lot", string="Lot", check_company=True, domain="[('product_id', '=', product_id)]")
    quantity = fields.Float(required=True, default=1.0, digits="Product Unit of Measure")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")

    @api.constrains("quantity", "lot_id", "product_id")
    def _check_sample(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s: the quantity of the sample %(product)s must be positive.",
                        visit=line.visit_id.name,
                        product=line.product_id.display_name,
                    )
                )
            if line.lot_id and line.lot_id.product_id != line.product_id:
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s: lot %(lot)s is not a lot of %(product)s.",
                        visit=line.visit_id.name,
                        lot=line.lot_id.name,
                        product=line.product_id.display_name,
                    )
                )
