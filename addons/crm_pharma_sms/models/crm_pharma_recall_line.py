from odoo import fields, models


class CrmPharmaRecallLine(models.Model):
    _inherit = "crm.pharma.recall.line"

    notified_by_sms = fields.Boolean(string="SMS Sent", readonly=True)

    def _notify_customer(self):
        """Besides the e-mail, an SMS to the customer's mobile (or phone),
        queued in the host's SMS queue for the company's gateway."""
        res = super()._notify_customer()
        template = self.env.ref("crm_pharma_sms.sms_template_recall_notice")
        for line in self:
            partner = line.partner_id
            if not (partner.mobile or partner.phone):
                continue
            line.with_company(line.company_id)._message_sms_with_template(
                template=template, partner_ids=partner.ids, put_in_queue=True
            )
            line.sudo().notified_by_sms = True
        return res
