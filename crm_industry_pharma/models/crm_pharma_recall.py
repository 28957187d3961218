import io
from datetime import timedelta

import xlsxwriter

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.crm_core_ext.tools.cron import run_isolated
from odoo.addons.crm_core_ext.tools.stock_indexes import LOT_DONE_INDEX, ensure_lot_done_index

# stock_move_line rows of done moves with a lot, with every column the recall
# query reads: the query is an index-only scan whatever the size of the table.
RECALL_INDEX = LOT_DONE_INDEX


class CrmPharmaRecall(models.Model):
    _name = "crm.pharma.recall"
    _description = "Lot Recall"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, copy=False, readonly=True, default=lambda self: _("New"))
    lot_ids = fields.Many2many(
        "stock.lot",
        "crm_pharma_recall_lot_rel",
        "recall_id",
        "lot_id",
        string="Lots",
        required=True,
        check_company=True,
        domain="[('product_id', '=?', product_id)]",
        help="The recalled lots, all of one product.",
    )
    product_id = fields.Many2one(
        "product.product", compute="_compute_product_id", store=True, index=True, string="Product"
    )
    lot_names = fields.Char(
        string="Lot Numbers",
        compute="_compute_lot_names",
        store=True,
        help="The recalled lots' numbers, readable by users without access to the stock.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    level = fields.Selection(
        [("1", "Level I (一级召回)"), ("2", "Level II (二级召回)"), ("3", "Level III (三级召回)")],
        required=True,
        default="3",
        tracking=True,
        help="Level I: the drug may cause serious harm; level II: temporary or reversible harm; "
        "level III: harm unlikely, recalled for other reasons.",
    )
    reason = fields.Text(required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("open", "In Progress"), ("done", "Closed"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        check_company=True,
        help="Alerted when a deadline of the recall passes.",
    )
    date_decision = fields.Date(
        string="Recall Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The day the recall was decided: its deadlines count from it.",
    )
    date_notify_deadline = fields.Date(
        string="Notify By",
        compute="_compute_deadlines",
        store=True,
        help="Every customer must be notified by this day (药品召回管理办法: level I within 1 day, "
        "level II within 3 days, level III within 7 days; see the settings).",
    )
    date_complete_deadline = fields.Date(
        string="Complete By", compute="_compute_deadlines", store=True, help="The recall must be completed by this day."
    )
    date_deadline = fields.Date(
        string="Next Deadline",
        compute="_compute_date_deadline",
        store=True,
        index=True,
        help="The notification deadline while customers remain to be notified, then the completion deadline.",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue")
    line_ids = fields.One2many("crm.pharma.recall.line", "recall_id", string="Customers", copy=False)
    customer_count = fields.Integer(compute="_compute_totals")
    qty_delivered = fields.Float(compute="_compute_totals", digits="Product Unit of Measure")
    qty_returned = fields.Float(compute="_compute_totals", digits="Product Unit of Measure")
    qty_outstanding = fields.Float(compute="_compute_totals", digits="Product Unit of Measure")

    def init(self):
        # on stock_move_line, which this module does not own: created here, on install and update
        ensure_lot_done_index(self.env.cr, "crm_pharma_sml_lot_done_idx")

    @api.depends("lot_ids.name")
    def _compute_lot_names(self):
        for recall in self:
            recall.lot_names = ", ".join(sorted(recall.lot_ids.mapped("name")))

    @api.depends("lot_ids.product_id")
    def _compute_product_id(self):
        for recall in self:
            recall.product_id = recall.lot_ids[:1].product_id

    @api.depends(
        "date_decision",
        "level",
        "company_id.crm_pharma_recall_notify_days_1",
        "company_id.crm_pharma_recall_notify_days_2",
        "company_id.crm_pharma_recall_notify_days_3",
        "company_id.crm_pharma_recall_complete_days_1",
        "company_id.crm_pharma_recall_complete_days_2",
        "company_id.crm_pharma_recall_complete_days_3",
    )
    def _compute_deadlines(self):
        for recall in self:
            if not recall.date_decision or not recall.level:
                recall.date_notify_deadline = recall.date_complete_deadline = False
                continue
            notify, complete = recall.company_id._crm_pharma_recall_days(recall.level)
            recall.date_notify_deadline = recall.date_decision + timedelta(days=notify)
            recall.date_complete_deadline = recall.date_decision + timedelta(days=complete)

    @api.depends("state", "date_notify_deadline", "date_complete_deadline", "line_ids.state")
    def _compute_date_deadline(self):
        for recall in self:
            if recall.state not in ("draft", "open"):
                recall.date_deadline = False
            elif recall.state == "draft" or any(line.state == "to_notify" for line in recall.line_ids):
                recall.date_deadline = recall.date_notify_deadline
            else:
                recall.date_deadline = recall.date_complete_deadline

    @api.depends("date_deadline")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for recall in self:
            recall.is_overdue = bool(recall.date_deadline) and recall.date_deadline < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue recalls."))
        domain = [("date_deadline", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("line_ids.qty_delivered", "line_ids.qty_returned")
    def _compute_totals(self):
        for recall in self:
            recall.customer_count = len(recall.line_ids)
            recall.qty_delivered = sum(recall.line_ids.mapped("qty_delivered"))
            recall.qty_returned = sum(recall.line_ids.mapped("qty_returned"))
            recall.qty_outstanding = sum(recall.line_ids.mapped("qty_outstanding"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == _("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("crm.pharma.recall") or _(
                    "New"
                )
        return super().create(vals_list)

    @api.constrains("lot_ids")
    def _check_lot_ids(self):
        for recall in self:
            if not recall.lot_ids:
                raise ValidationError(_("Recall %(recall)s names no lot.", recall=recall.name))
            if len(recall.lot_ids.product_id) > 1:
                raise ValidationError(
                    _(
                        "The lots of recall %(recall)s are of several products (%(products)s): "
                        "recall each product separately.",
                        recall=recall.name,
                        products=", ".join(recall.lot_ids.product_id.mapped("display_name")),
                    )
                )

    def _customer_quantities(self):
        """``{commercial partner id: (delivered, returned)}`` of the recall's
        lots together, in the product's unit: deliveries to customer
        locations minus returns from them, from done stock move lines. The
        scan of stock_move_line is index-only (see :data:`RECALL_INDEX`)."""
        self.ensure_one()
        self.env["stock.move.line"].flush_model(
            ["lot_id", "state", "picking_id", "location_id", "location_dest_id", "quantity_product_uom"]
        )
        self.env["stock.picking"].flush_model(["partner_id"])
        self.env.cr.execute(self._customer_quantities_sql(self.lot_ids.ids))
        return {partner_id: (delivered, returned) for partner_id, delivered, returned in self.env.cr.fetchall()}

    @api.model
    def _customer_quantities_sql(self, lot_ids):
        """The query of :meth:`_customer_quantities` for the lots ``lot_ids``
        (a list of ids): one row per commercial partner, with the quantities
        delivered to it and returned by it. The lots' move lines are read
        first, on their own (``MATERIALIZED``), so that the planner reads them
        from the covering index rather than walking another index in the
        order of a later grouping."""
        return SQL(
            """
            WITH moved AS MATERIALIZED (
                SELECT sml.picking_id, sml.location_id, sml.location_dest_id,
                       sml.quantity_product_uom AS qty
                  FROM stock_move_line sml
                 WHERE sml.lot_id = ANY(%(lots)s) AND sml.state = 'done'
            )
            SELECT p.commercial_partner_id,
                   SUM(CASE WHEN dest.usage = 'customer' THEN moved.qty ELSE 0 END),
                   SUM(CASE WHEN src.usage = 'customer' THEN moved.qty ELSE 0 END)
              FROM moved
              JOIN stock_location src ON src.id = moved.location_id
              JOIN stock_location dest ON dest.id = moved.location_dest_id
              JOIN stock_picking sp ON sp.id = moved.picking_id
              JOIN res_partner p ON p.id = sp.partner_id
             WHERE (src.usage = 'customer') <> (dest.usage = 'customer')
          GROUP BY p.commercial_partner_id
            """,
            lots=list(lot_ids),
        )

    def action_find_customers(self):
        """Create or update one line per customer that received the lots;
        acknowledged customers that have returned everything are done."""
        self.check_access("write")
        for recall in self:
            if recall.state in ("done", "cancel"):
                raise UserError(_("%(recall)s is closed.", recall=recall.name))
            quantities = recall._customer_quantities()
            lines = {line.partner_id.id: line for line in recall.line_ids}
            new = []
            for partner_id, (delivered, returned) in quantities.items():
                if partner_id in lines:
                    # the quantities come from the stock moves only: written past the users' guard
                    lines[partner_id].sudo().write({"qty_delivered": delivered, "qty_returned": returned})
                else:
                    new.append(
                        {
                            "recall_id": recall.id,
                            "partner_id": partner_id,
                            "qty_delivered": delivered,
                            "qty_returned": returned,
                        }
                    )
            self.env["crm.pharma.recall.line"].sudo().with_context(
                mail_create_nolog=True, mail_create_nosubscribe=True
            ).create(new)
            recall.line_ids._update_done()
            if recall.state == "draft":
                recall.state = "open"

    def action_notify(self):
        """Notify every customer still to notify: an e-mail with the recall
        notice (where the customer has an e-mail address; the SMS bridge adds
        an SMS), and an activity for its salesperson (or the recall's
        responsible) to follow the customer up."""
        for recall in self:
            recall.check_access("write")
            if recall.state != "open":
                raise UserError(_("Find the customers of %(recall)s first.", recall=recall.name))
            lines = recall.line_ids.filtered(lambda line: line.state == "to_notify")
            if not lines:
                raise UserError(_("Every customer of %(recall)s has been notified.", recall=recall.name))
            lines._notify_customer()

    def _lot_names(self):
        return self.lot_names or ""

    def _state_name_zh(self):
        return {"draft": "草稿", "open": "进行中", "done": "已完成", "cancel": "已取消"}.get(self.state, "")

    def _today(self):
        return fields.Date.context_today(self)

    def action_export_xlsx(self):
        """The authority report as a spreadsheet, downloaded at once."""
        self.ensure_one()
        self.check_access("read")
        name = f"药品召回报告 {self.name}.xlsx"
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": self._authority_xlsx(),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _authority_xlsx(self):
        """The recall report for the authority: the recall, its lots, and per
        customer the quantities delivered, returned and outstanding with the
        notification and acknowledgement dates."""
        self.ensure_one()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet("召回报告")
        bold = book.add_format({"bold": True})
        title = book.add_format({"bold": True, "font_size": 14})
        number = book.add_format({"num_format": "#,##0.###"})
        line_ids = self.line_ids
        sheet.write(0, 0, "药品召回报告", title)
        head = [
            ("召回单号", self.name),
            ("召回级别", self._level_name_zh()),
            ("药品名称", self.product_id.name),
            ("批准文号", self.product_id.crm_pharma_approval_number or ""),
            ("批号", self._lot_names()),
            ("召回原因", self.reason or ""),
            ("召回日期", str(self.date_decision or "")),
            ("通知期限", str(self.date_notify_deadline or "")),
            ("完成期限", str(self.date_complete_deadline or "")),
            ("状态", self._state_name_zh()),
            ("报告单位", self.company_id.name),
            ("报告日期", str(self._today())),
        ]
        for row, (label, value) in enumerate(head, start=2):
            sheet.write(row, 0, label, bold)
            sheet.write(row, 1, value)
        row = len(head) + 3
        columns = ["收货单位", "发货数量", "退回数量", "未退回数量", "通知时间", "确认时间", "确认人", "状态", "说明"]
        for col, label in enumerate(columns):
            sheet.write(row, col, label, bold)
        for line in line_ids:
            row += 1
            values = [
                line.partner_id.name,
                line.qty_delivered,
                line.qty_returned,
                line.qty_outstanding,
                line._local(line.date_notified) if line.date_notified else "",
                line._local(line.date_acknowledged) if line.date_acknowledged else "",
                line.ack_contact or "",
                line._state_name_zh(),
                line.close_reason or line.response or "",
            ]
            for col, value in enumerate(values):
                sheet.write(row, col, value, number if isinstance(value, float) else None)
        row += 1
        sheet.write(row, 0, "合计", bold)
        for col, value in ((1, self.qty_delivered), (2, self.qty_returned), (3, self.qty_outstanding)):
            sheet.write(row, col, value, number)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 3, 12)
        sheet.set_column(4, 5, 18)
        sheet.set_column(6, 8, 20)
        book.close()
        return output.getvalue()

    def _level_name_zh(self):
        """The level as the Chinese notice and letter name it, whatever the user's language."""
        return {"1": "一级召回", "2": "二级召回", "3": "三级召回"}.get(self.level, "")

    @api.model
    def _cron_overdue_activities(self):
        """Daily: an activity for the responsible of each recall whose next
        deadline has passed, once per recall while the activity is open."""
        activity_type = self.env.ref("crm_industry_pharma.mail_activity_type_recall_overdue")
        overdue = self.search([("is_overdue", "=", True)])
        flagged = self.env["mail.activity"].search(
            [("res_model", "=", self._name), ("res_id", "in", overdue.ids), ("activity_type_id", "=", activity_type.id)]
        )
        flagged_ids = set(flagged.mapped("res_id"))
        todo = overdue.filtered(lambda recall: recall.id not in flagged_ids)

        def flag(recall):
            to_notify = recall.line_ids.filtered(lambda line: line.state == "to_notify")
            if recall.state == "draft" or to_notify:
                summary = self.env._(
                    "Recall %(recall)s: customers not notified, due %(deadline)s",
                    recall=recall.name,
                    deadline=recall.date_deadline,
                )
            else:
                summary = self.env._(
                    "Recall %(recall)s: not completed, due %(deadline)s",
                    recall=recall.name,
                    deadline=recall.date_deadline,
                )
            recall.activity_schedule(
                "crm_industry_pharma.mail_activity_type_recall_overdue",
                date_deadline=fields.Date.context_today(recall),
                summary=summary,
                user_id=(recall.user_id or self.env.user).id,
            )

        run_isolated(todo, flag, "Lot recalls")
        return todo

    def write(self, vals):
        if vals.get("state") == "done":
            for recall in self:
                pending = recall.line_ids.filtered(lambda line: line.state not in ("done", "closed"))
                if pending:
                    raise UserError(
                        _(
                            "%(recall)s cannot be closed: %(customers)s have not returned everything or have not "
                            "been closed with a reason.",
                            recall=recall.name,
                            customers=", ".join(pending.partner_id.mapped("display_name")),
                        )
                    )
        return super().write(vals)

    def action_close(self):
        """Close the recall when every customer is done; otherwise ask for
        the reason to close the remaining customers."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "open":
            raise UserError(_("Only a recall in progress can be closed: %(recall)s.", recall=self.name))
        pending = self.line_ids.filtered(lambda line: line.state not in ("done", "closed"))
        if not pending:
            self.write({"state": "done"})
            return True
        return {
            "type": "ir.actions.act_window",
            "name": _("Close %(recall)s", recall=self.name),
            "res_model": "crm.pharma.recall.close",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.id, "default_line_ids": pending.ids, "default_close_recall": True},
        }

    def _close_with_reason(self, reason):
        """Close the remaining customers with ``reason``, then the recall."""
        self.ensure_one()
        self.line_ids.filtered(lambda line: line.state not in ("done", "closed"))._close_with_reason(reason)
        self.write({"state": "done"})
        self.message_post(body=_("Closed with customers still open: %(reason)s", reason=reason))

    def action_cancel(self):
        self.write({"state": "cancel"})


class CrmPharmaRecallLine(models.Model):
    _name = "crm.pharma.recall.line"
    _description = "Lot Recall Customer"
    _inherit = ["mail.thread"]
    _order = "qty_delivered desc, id"
    _rec_names_search = ["partner_id.name", "recall_id.name"]

    recall_id = fields.Many2one("crm.pharma.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True)
    recall_state = fields.Selection(related="recall_id.state", string="Recall Status")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    qty_delivered = fields.Float(string="Delivered", digits="Product Unit of Measure", readonly=True)
    qty_returned = fields.Float(string="Returned", digits="Product Unit of Measure", readonly=True)
    qty_outstanding = fields.Float(
        string="Outstanding", compute="_compute_qty_outstanding", store=True, digits="Product Unit of Measure"
    )
    state = fields.Selection(
        [
            ("to_notify", "To Notify"),
            ("notified", "Notified"),
            ("acknowledged", "Acknowledged"),
            ("done", "Returned"),
            ("closed", "Closed"),
        ],
        default="to_notify",
        required=True,
        readonly=True,
        tracking=True,
        help="To Notify, Notified, Acknowledged by the customer, Returned (acknowledged and nothing outstanding), "
        "or Closed with a reason.",
    )
    date_notified = fields.Datetime(readonly=True)
    notified_by_email = fields.Boolean(string="E-mailed", readonly=True)
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        help="Notify the customer by the recall's notification deadline, then settle it by the completion deadline.",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue")
    date_acknowledged = fields.Datetime(string="Acknowledged On", readonly=True, tracking=True)
    ack_contact = fields.Char(
        string="Acknowledged By", readonly=True, help="The customer's person who acknowledged the notice."
    )
    ack_user_id = fields.Many2one("res.users", string="Recorded By", readonly=True)
    response = fields.Text(readonly=True, help="The customer's answer: stock held, sold, used, when it returns it.")
    close_reason = fields.Text(readonly=True, tracking=True)

    _sql_constraints = [
        ("partner_unique", "UNIQUE(recall_id, partner_id)", "A customer is listed once per recall."),
    ]

    @api.depends("qty_delivered", "qty_returned")
    def _compute_qty_outstanding(self):
        for line in self:
            line.qty_outstanding = max(line.qty_delivered - line.qty_returned, 0.0)

    @api.depends("state", "recall_id.state", "recall_id.date_notify_deadline", "recall_id.date_complete_deadline")
    def _compute_date_deadline(self):
        for line in self:
            if line.recall_id.state not in ("draft", "open") or line.state == "closed":
                line.date_deadline = False
            elif line.state == "to_notify":
                line.date_deadline = line.recall_id.date_notify_deadline
            else:
                line.date_deadline = line.recall_id.date_complete_deadline

    @api.depends("date_deadline")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.is_overdue = bool(line.date_deadline) and line.date_deadline < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue recall customers."))
        domain = [("date_deadline", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("recall_id.name", "partner_id.name")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.recall_id.name} - {line.partner_id.name}"

    def action_notify(self):
        self.check_access("write")
        lines = self.filtered(lambda line: line.state == "to_notify")
        for line in self - lines:
            raise UserError(
                _(
                    "%(customer)s has already been notified of %(recall)s.",
                    customer=line.partner_id.display_name,
                    recall=line.recall_id.name,
                )
            )
        for recall in lines.recall_id:
            if recall.state != "open":
                raise UserError(_("%(recall)s is not in progress.", recall=recall.name))
        lines._notify_customer()

    def _notify_customer(self):
        """Send the recall notice to each line's customer and plan the
        follow-up; private: only the recall's and the line's buttons call it,
        after their checks. Bridges add channels (the SMS of crm_pharma_sms)."""
        template = self.env.ref("crm_industry_pharma.mail_template_recall_notice")
        now = fields.Datetime.now()
        for line in self:
            recall = line.recall_id
            if line.partner_id.email:
                line.message_post_with_source(template, message_type="comment", subtype_xmlid="mail.mt_comment")
            recall.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=recall.date_complete_deadline or fields.Date.context_today(recall),
                summary=_("Recall %(recall)s: inform %(customer)s", recall=recall.name, customer=line.partner_id.name),
                note=_(
                    "Lot(s) %(lot)s of %(product)s are recalled (%(level)s): %(reason)s. %(customer)s received "
                    "%(qty)s; record its acknowledgement and the returned quantity.",
                    lot=recall._lot_names(),
                    product=recall.product_id.display_name,
                    level=dict(recall._fields["level"]._description_selection(self.env))[recall.level],
                    reason=recall.reason,
                    customer=line.partner_id.display_name,
                    qty=line.qty_outstanding,
                ),
                user_id=(line.partner_id.user_id or recall.user_id or self.env.user).id,
            )
            line.sudo().write(
                {"state": "notified", "date_notified": now, "notified_by_email": bool(line.partner_id.email)}
            )

    # the stock quantities come from the stock moves, the states from the actions
    _PROTECTED_FIELDS = frozenset(
        {
            "qty_delivered",
            "qty_returned",
            "recall_id",
            "partner_id",
            "state",
            "date_notified",
            "notified_by_email",
            "date_acknowledged",
            "ack_contact",
            "ack_user_id",
            "response",
            "close_reason",
        }
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("The customers of a recall are found from the stock moves (Find Customers)."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and self._PROTECTED_FIELDS.intersection(vals):
            raise UserError(
                self.env._(
                    "The quantities and the follow-up of a recall's customer are recorded by Find Customers, "
                    "Notify, Acknowledge and Close, not edited."
                )
            )
        return super().write(vals)

    def _check_open(self):
        for recall in self.recall_id:
            if recall.state != "open":
                raise UserError(_("%(recall)s is not in progress.", recall=recall.name))

    def action_acknowledge(self):
        self.ensure_one()
        self.check_access("write")
        self._check_open()
        return {
            "type": "ir.actions.act_window",
            "name": _("Acknowledgement of %(customer)s", customer=self.partner_id.display_name),
            "res_model": "crm.pharma.recall.ack",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    def _acknowledge(self, date, contact, response):
        """Record the customer's acknowledgement; the wizard calls it after
        its checks, as the user."""
        self.ensure_one()
        self.check_access("write")
        self._check_open()
        if self.state not in ("to_notify", "notified"):
            raise UserError(
                _("%(customer)s has already acknowledged the recall or is closed.", customer=self.partner_id.name)
            )
        if not (contact or "").strip():
            raise UserError(_("Name the customer's person who acknowledged the recall."))
        if date > fields.Datetime.now():
            raise UserError(_("The acknowledgement date cannot be in the future."))
        if date.date() < self.recall_id.date_decision:
            raise UserError(
                _(
                    "The acknowledgement date cannot be before the recall date %(date)s.",
                    date=self.recall_id.date_decision,
                )
            )
        self.sudo().write(
            {
                "state": "acknowledged",
                "date_acknowledged": date,
                "ack_contact": contact.strip(),
                "ack_user_id": self.env.user.id,
                "response": response,
                "date_notified": self.date_notified or date,
            }
        )
        self._update_done()

    def _update_done(self):
        """Acknowledged customers that hold nothing any more are done, and
        back to acknowledged when a new delivery is found."""
        for line in self:
            if line.state == "acknowledged" and line.qty_outstanding <= 0:
                line.sudo().state = "done"
            elif line.state == "done" and line.qty_outstanding > 0:
                line.sudo().state = "acknowledged"

    def action_close_line(self):
        self.check_access("write")
        self._check_open()
        return {
            "type": "ir.actions.act_window",
            "name": _("Close Customers"),
            "res_model": "crm.pharma.recall.close",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.recall_id[:1].id, "default_line_ids": self.ids},
        }

    def _close_with_reason(self, reason):
        self.check_access("write")
        self._check_open()
        if not (reason or "").strip():
            raise UserError(_("Give the reason to close the remaining customers."))
        closed = self.filtered(lambda line: line.state not in ("done", "closed"))
        closed.sudo().write({"state": "closed", "close_reason": reason.strip()})

    def _state_name_zh(self):
        return {
            "to_notify": "待通知",
            "notified": "已通知",
            "acknowledged": "已确认",
            "done": "已退回",
            "closed": "已关闭",
        }.get(self.state, "")

    def _local(self, value):
        """``value`` (a UTC datetime) in the user's time zone, to the minute."""
        return fields.Datetime.context_timestamp(self, value).strftime("%Y-%m-%d %H:%M")
