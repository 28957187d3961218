from odoo import fields, models
from odoo.tools import SQL


class MailActivity(models.Model):
    _inherit = "mail.activity"

    crm_care_rule_id = fields.Many2one(
        "crm.care.rule",
        string="Care Rule",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The customer care rule that created this activity.",
    )

    def init(self):
        res = super().init()
        # At most one open activity per care rule and record: the care job
        # inserts with ON CONFLICT DO NOTHING, so that two runs at once (two
        # cron workers, a manual run during the cron) cannot both create one.
        self.env.cr.execute(
            SQL(
                """
            CREATE UNIQUE INDEX IF NOT EXISTS mail_activity_crm_care_rule_open_uniq
                ON mail_activity (crm_care_rule_id, res_id)
             WHERE crm_care_rule_id IS NOT NULL AND active
            """
            )
        )
        return res
