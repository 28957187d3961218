from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmCareEventType(models.Model):
    """Kind of dated event on a contact (birthday, company anniversary, ...)
    and what the daily care job does for it."""

    _name = "crm.care.event.type"
    _description = "Customer Care Event Type"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        help="Leave empty to use the type in every company.",
    )
    recurring = fields.Boolean(
        string="Yearly",
        default=True,
        help="Default for new events of this type: the event comes back every year "
        "(a 29 February falls on 28 February in other years).",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity Type",
        required=True,
        ondelete="restrict",
        default=lambda self: self.env.ref("crm_core_ext.mail_activity_type_crm_care", raise_if_not_found=False),
        help="Type of the activity created for the responsible salesperson before each event.",
    )
    send_mail = fields.Boolean(
        string="Send E-mail",
        help="When the care activity is created, also send the e-mail template to the contact "
        "(when the contact has an e-mail address).",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'res.partner')]",
        ondelete="restrict",
        help="Template rendered on the contact, for example a birthday greeting.",
    )
    description = fields.Text(translate=True)

    @api.constrains("send_mail", "mail_template_id")
    def _check_mail_template(self):
        for event_type in self:
            if event_type.send_mail and not event_type.mail_template_id:
                raise ValidationError(
                    _("Care event type %s sends an e-mail: choose its e-mail template.", event_type.name)
                )
            if event_type.mail_template_id and event_type.mail_template_id.model != "res.partner":
                raise ValidationError(
                    _(
                        "The e-mail template of care event type %(type)s must be a template on contacts, "
                        "not on %(model)s.",
                        type=event_type.name,
                        model=event_type.mail_template_id.model,
                    )
                )
