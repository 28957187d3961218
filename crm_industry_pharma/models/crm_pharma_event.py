"""Academic events (学术活动): department meetings (科室会), conferences and
salons, with a consulting expert as speaker, the doctors who attended, the
drugs presented and what the event cost."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

EVENT_TYPES = [
    ("department_meeting", "Department Meeting"),
    ("conference", "Academic Conference"),
    ("salon", "Salon"),
]
EXPENSE_TYPES = [
    ("venue", "Venue"),
    ("catering", "Catering"),
    ("speaker_fee", "Speaker Fee"),
    ("materials", "Materials"),
    ("travel", "Travel and Lodging"),
    ("other", "Other"),
]


class CrmPharmaEvent(models.Model):
    _name = "crm.pharma.event"
    _description = "Academic Event"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.pharma.medrep.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    representative_id = fields.Many2one(string="Organiser", required=True)
    event_type = fields.Selection(
        EVENT_TYPES, string="Type", required=True, default="department_meeting", tracking=True
    )
    date_start = fields.Datetime(string="Start", required=True, tracking=True)
    date_end = fields.Datetime(string="End")
    hospital_id = fields.Many2one(
        "res.partner",
        string="Institution",
        index=True,
        check_company=True,
        domain="[('crm_pharma_institution_type', '!=', False)]",
    )
    department_id = fields.Many2one(
        "crm.pharma.department", string="Department", check_company=True, domain="[('hospital_id', '=', hospital_id)]"
    )
    venue = fields.Char()
    speaker_id = fields.Many2one(
        "crm.pharma.doctor",
        string="Speaker",
        check_company=True,
        tracking=True,
        domain="[('is_expert', '=', True)]",
        help="A consulting expert.",
    )
    attendee_ids = fields.Many2many("crm.pharma.doctor", string="Attendees", check_company=True)
    attendee_count = fields.Integer(compute="_compute_attendee_count", string="Attendees Count")
    product_ids = fields.Many2many(
        "product.product", string="Products", check_company=True, domain="[('crm_pharma_scope_id', '!=', False)]"
    )
    cost_line_ids = fields.One2many("crm.pharma.event.cost", "event_id", string="Costs")
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost_total = fields.Monetary(compute="_compute_cost_total", store=True, string="Total Cost")
    cost_per_attendee = fields.Monetary(compute="_compute_cost_total", store=True, string="Cost per Attendee")
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("done", "Held"), ("cancelled", "Cancelled")],
        required=True,
        default="draft",
        tracking=True,
        readonly=True,
        index=True,
    )
    description = fields.Html(string="Agenda")

    @api.depends("attendee_ids")
    def _compute_attendee_count(self):
        for event in self:
            event.attendee_count = len(event.attendee_ids)

    @api.depends("cost_line_ids.amount", "attendee_ids")
    def _compute_cost_total(self):
        for event in self:
            event.cost_total = sum(event.cost_line_ids.mapped("amount"))
            attendees = len(event.attendee_ids)
            event.cost_per_attendee = event.cost_total / attendees if attendees else 0.0

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for event in self:
            if event.date_end and event.date_end < event.date_start:
                raise ValidationError(
                    self.env._("Academic event %(event)s cannot end before it starts.", event=event.name)
                )

    @api.constrains("speaker_id")
    def _check_speaker(self):
        for event in self:
            if event.speaker_id and not event.speaker_id.sudo().is_expert:
                raise ValidationError(
                    self.env._(
                        "Academic event %(event)s: the speaker %(speaker)s is not a consulting expert.",
                        event=event.name,
                        speaker=event.speaker_id.sudo().name,
                    )
                )

    def action_confirm(self):
        self._check_state("draft")
        self.write({"state": "confirmed"})
        return True

    def action_done(self):
        self._check_state("confirmed")
        for event in self:
            if not event.attendee_ids:
                raise UserError(self.env._("Academic event %(event)s: record who attended first.", event=event.name))
            if event.date_start > fields.Datetime.now():
                raise UserError(self.env._("Academic event %(event)s has not started yet.", event=event.name))
        self.write({"state": "done"})
        return True

    def action_cancel(self):
        for event in self:
            if event.state == "done":
                raise UserError(
                    self.env._("Academic event %(event)s was held: it cannot be cancelled.", event=event.name)
                )
        self.write({"state": "cancelled"})
        return True

    def action_draft(self):
        self._check_state("cancelled")
        self.write({"state": "draft"})
        return True

    def _check_state(self, state):
        for event in self:
            if event.state != state:
                raise UserError(
                    self.env._(
                        "Academic event %(event)s is %(state)s: this step is not possible.",
                        event=event.name,
                        state=dict(event._fields["state"]._description_selection(self.env))[event.state],
                    )
                )


class CrmPharmaEventCost(models.Model):
    _name = "crm.pharma.event.cost"
    _description = "Academic Event Cost"
    _order = "event_id, id"

    event_id = fields.Many2one("crm.pharma.event", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="event_id.company_id", store=True, index=True)
    representative_id = fields.Many2one(
        related="event_id.representative_id", store=True, index=True, string="Organiser"
    )
    event_type = fields.Selection(related="event_id.event_type", store=True)
    date = fields.Datetime(related="event_id.date_start", store=True, string="Event Date")
    hospital_id = fields.Many2one(related="event_id.hospital_id", store=True, string="Institution")
    expense_type = fields.Selection(EXPENSE_TYPES, required=True, default="other")
    name = fields.Char(string="Description")
    currency_id = fields.Many2one(related="event_id.currency_id")
    amount = fields.Monetary(required=True)

    @api.constrains("amount")
    def _check_amount(self):
        for line in self:
            if line.amount <= 0:
                raise ValidationError(
                    self.env._(
                        "Academic event %(event)s: a cost must be a positive amount, not %(amount)s.",
                        event=line.event_id.name,
                        amount=line.amount,
                    )
                )
