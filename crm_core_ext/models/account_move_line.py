from odoo import models
from odoo.tools import SQL


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def init(self):
        res = super().init()
        # The credit gate sums a customer's open receivable lines on every order
        # confirmation: this partial covering index answers it from the index
        # alone (receivable accounts first, then the customer), however scattered
        # the customer's thousands of invoices are in the table.
        self.env.cr.execute(
            SQL(
                """
            CREATE INDEX IF NOT EXISTS account_move_line_crm_credit_open_idx
                ON account_move_line (account_id, partner_id)
                INCLUDE (company_id, amount_residual, date_maturity, move_name)
             WHERE parent_state = 'posted' AND reconciled IS NOT TRUE
                """
            )
        )
        return res
