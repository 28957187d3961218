"""Import a dealer's sell-through report (商业流向) from a spreadsheet.

The file is read and its limits, header and cells are handled by
``crm_core_ext``'s customer import machinery (``crm_core_ext/tools``: the
workbook reader with its size, row and column limits, the header finder, cell
text and dates, formula neutralising; the customer import's limit and error
messages). Every row is checked (product, lot, quantity, dates, province, the
dealer's channel stock) and the problems are listed by row and column; the
report is created only when no error is left, all at once, or nothing.
"""

import base64
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from odoo.addons.crm_core_ext.tools import import_cells as cells
from odoo.addons.crm_core_ext.tools import spreadsheet
from odoo.addons.crm_core_ext.tools.import_columns import CN_STATE_SUFFIX_RE, HEADER_SEARCH_ROWS, HELP_SHEET_NAME

BATCH_SIZE = 5000
DATA_SHEET_NAMES = ("流向明细", "商业流向", "sell-through")
TEMPLATE_FILENAME = "dealer_sellthrough_template.xlsx"
# (key, Chinese header, English header, other accepted headers); Chinese headers are data, not translated.
COLUMNS = [
    ("date", "销售日期", "Date", ("日期", "Sale Date", "出库日期")),
    ("product_code", "产品编码", "Product Code", ("商品编码", "物料编码", "Internal Reference", "Code")),
    ("product", "产品名称", "Product", ("商品名称", "品名", "药品名称", "Product Name")),
    ("lot", "批号", "Lot", ("生产批号", "批次", "Lot Number")),
    ("quantity", "数量", "Quantity", ("销售数量", "Qty")),
    ("price", "单价", "Unit Price", ("销售单价", "价格", "Price")),
    ("customer", "客户名称", "Customer", ("终端客户", "购货单位", "Terminal Customer")),
    ("province", "省份", "Province", ("省", "State")),
    ("city", "城市", "City", ("市",)),
]
HEADER_KEYS = {
    cells.header_key(label): key for key, chinese, english, aliases in COLUMNS for label in (chinese, english, *aliases)
}
CHINESE = {key: chinese for key, chinese, _english, _aliases in COLUMNS}


class CrmChannelSellthroughImport(models.TransientModel):
    _name = "crm.channel.sellthrough.import"
    _description = "Import a Dealer Sell-through Report"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    partner_id = fields.Many2one(
        "res.partner", string="Dealer", required=True, domain="[('crm_channel_is_dealer', '=', True)]"
    )
    date_from = fields.Date(string="Period Start", required=True)
    date_to = fields.Date(string="Period End", required=True)
    duplicate_policy = fields.Selection(
        [("refuse", "Refuse: a report already exists for the period"), ("replace", "Replace the existing report")],
        string="Existing Report",
        required=True,
        default="refuse",
        help="What to do when the dealer already has a report for an overlapping period.",
    )
    file = fields.Binary(attachment=False, help="Excel workbook (.xls or .xlsx) in the template's shape.")
    filename = fields.Char(string="File Name")
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Done")], default="upload", required=True
    )
    line_ids = fields.One2many("crm.channel.sellthrough.import.line", "import_id", string="Problems", readonly=True)
    row_count = fields.Integer(string="Lines", readonly=True)
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure")
    error_count = fields.Integer(string="Errors", readonly=True)
    replaced_count = fields.Integer(string="Reports Replaced", readonly=True)
    report_id = fields.Many2one("crm.channel.sellthrough", string="Report", readonly=True)
    template_file = fields.Binary(string="Template", attachment=False, readonly=True)
    template_filename = fields.Char(readonly=True)

    @api.onchange("file", "partner_id", "date_from", "date_to", "duplicate_policy", "company_id")
    def _onchange_file(self):
        if self.state == "preview":
            self.state = "upload"
            self.line_ids = [Command.clear()]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_preview(self):
        self.ensure_one()
        plan = self._crm_analyse()
        self._crm_store_preview(plan)
        return self._crm_reopen()

    def action_import(self):
        """Import everything or nothing: the file is checked again, and any error leaves the database untouched."""
        self.ensure_one()
        report = self._crm_import()
        self.write({"state": "done", "report_id": report.id})
        return self._crm_reopen()

    def action_back(self):
        self.ensure_one()
        self.write({"state": "upload", "line_ids": [Command.clear()]})
        return self._crm_reopen()

    def action_open_report(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.channel.sellthrough",
            "res_id": self.report_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_download_template(self):
        self.ensure_one()
        self.write(
            {"template_file": base64.b64encode(self._crm_template_content()), "template_filename": TEMPLATE_FILENAME}
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=template_file"
            "&filename_field=template_filename&download=true",
            "target": "download",
        }

    def _crm_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Sell-through Report"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _crm_import(self, source="import"):
        plan = self._crm_analyse()
        errors = [problem for problem in plan["problems"] if problem["severity"] == "error"]
        if errors:
            raise UserError(self.env["crm.partner.import"]._crm_errors_message(errors))
        with self.env.cr.savepoint():
            report = self._crm_execute(plan, source)
        self._crm_store_preview(plan)
        return report

    # ------------------------------------------------------------------
    # Template
    # ------------------------------------------------------------------

    @api.model
    def _crm_template_column_docs(self):
        """Per column: whether a value is required, its format and an example."""
        return {
            "date": (
                True,
                self.env._("Date cell, or text such as 2026-03-15; within the report's period."),
                "2026-03-15",
            ),
            "product_code": (
                False,
                self.env._("Internal reference of the product; give it or the product name."),
                "AMX-250",
            ),
            "product": (False, self.env._("Name of the product, when the code is empty."), "阿莫西林胶囊"),
            "lot": (
                False,
                self.env._("Lot number as delivered to the dealer; required for products tracked by lot."),
                "L20260101",
            ),
            "quantity": (True, self.env._("Quantity sold, in the product's unit; positive."), "120"),
            "price": (False, self.env._("Unit price the dealer sold at."), "12.5"),
            "customer": (
                True,
                self.env._("Name of the terminal customer (hospital, pharmacy...)."),
                "上海市第一人民医院",
            ),
            "province": (False, self.env._("Province of China of the customer."), "上海市"),
            "city": (False, self.env._("City of the customer."), "上海市"),
        }

    @api.model
    def _crm_template_content(self, sample_rows=()):
        """The template workbook: headers on sheet 流向明细 (then ``sample_rows``), columns documented on 说明."""
        docs = self._crm_template_column_docs()
        book = Workbook()
        sheet = book.active
        sheet.title = DATA_SHEET_NAMES[0]
        bold = Font(bold=True)
        required_fill = PatternFill("solid", fgColor="FFF2CC")
        for index, (key, chinese, _english, _aliases) in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=1, column=index, value=chinese)
            cell.font = bold
            if docs[key][0]:
                cell.fill = required_fill
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(chinese) * 4)
        for row in sample_rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
        help_sheet = book.create_sheet(HELP_SHEET_NAME)
        titles = [
            self.env._("Column"),
            self.env._("English Column Name"),
            self.env._("Required"),
            self.env._("Format"),
            self.env._("Example"),
        ]
        for index, title in enumerate(titles, start=1):
            help_sheet.cell(row=1, column=index, value=title).font = bold
        for row, (key, chinese, english, _aliases) in enumerate(COLUMNS, start=2):
            required, format_help, example = docs[key]
            values = [chinese, english, self.env._("Yes") if required else self.env._("No"), format_help, example]
            for index, value in enumerate(values, start=1):
                help_sheet.cell(row=row, column=index, value=value).alignment = Alignment(wrap_text=True)
        notes = [
            self.env._("One row per sale: what the dealer sold, of which lot, to whom, on which day."),
            self.env._(
                "The import creates everything or nothing: fix the errors listed by row and column, then import again."
            ),
        ]
        for offset, note in enumerate(notes, start=len(COLUMNS) + 3):
            help_sheet.cell(row=offset, column=1, value=note)
        for letter, width in zip("ABCDE", (14, 20, 10, 70, 26), strict=True):
            help_sheet.column_dimensions[letter].width = width
        output = io.BytesIO()
        book.save(output)
        return output.getvalue()

    # ------------------------------------------------------------------
    # Reading and checking
    # ------------------------------------------------------------------

    def _crm_read_sheet(self):
        content = base64.b64decode(self.file or b"")
        filename = self.filename or self.env._("the file")
        partner_import = self.env["crm.partner.import"]
        if not content:
            raise UserError(self.env._("Please choose the spreadsheet to import."))
        try:
            return spreadsheet.read_workbook(content, partner_import._crm_import_limits(), DATA_SHEET_NAMES)
        except spreadsheet.LimitError as error:
            raise UserError(partner_import._crm_limit_message(error, filename, len(content))) from None
        except spreadsheet.NotAWorkbookError:
            raise UserError(
                self.env._(
                    "The file %(file)s is not an Excel workbook (.xls or .xlsx). "
                    "Open it in Excel or WPS and save it as .xlsx, or start from the template.",
                    file=filename,
                )
            ) from None
        except spreadsheet.NoDataSheetError:
            raise UserError(self.env._("The workbook has no sheet with data.")) from None
        except Exception as error:  # xlrd and openpyxl raise many kinds on damaged files
            raise UserError(
                self.env._(
                    "The file %(file)s could not be read; it may be damaged or protected: %(error)s",
                    file=filename,
                    error=error,
                )
            ) from error

    def _crm_read_file(self):
        """Return (labels by key, [(row number, {key: value})], datemode, problems)."""
        sheet_name, rows, datemode = self._crm_read_sheet()
        try:
            header_index, columns = spreadsheet.find_header(rows, HEADER_KEYS, HEADER_SEARCH_ROWS)
        except spreadsheet.HeaderError as error:
            if error.kind == "twice":
                raise UserError(
                    self.env._(
                        "Row %(row)s of sheet %(sheet)s names the column %(column)s twice (columns %(first)s and "
                        "%(second)s).",
                        row=error.row,
                        sheet=sheet_name,
                        column=error.label,
                        first=cells.column_letter(error.first),
                        second=cells.column_letter(error.second),
                    )
                ) from None
            raise UserError(
                self.env._(
                    "No header row was found in the first %(count)s rows of sheet %(sheet)s. The header must name the "
                    "template's columns, for example: %(columns)s.",
                    count=HEADER_SEARCH_ROWS,
                    sheet=sheet_name,
                    columns=", ".join(CHINESE.values()),
                )
            ) from None
        missing = [key for key in ("date", "quantity", "customer") if key not in columns]
        if "product" not in columns and "product_code" not in columns:
            missing.append("product")
        if missing:
            raise UserError(
                self.env._(
                    "Row %(row)s of sheet %(sheet)s is the header, but it lacks the required column(s): %(columns)s.",
                    row=header_index + 1,
                    sheet=sheet_name,
                    columns=", ".join(CHINESE[key] for key in missing),
                )
            )
        labels = {key: label for key, (_index, label) in columns.items()}
        problems = []
        known = {index for index, _label in columns.values()}
        header = rows[header_index]
        for index, label in enumerate(header):
            if cells.text(label) and index not in known:
                problems.append(
                    self._crm_problem(
                        header_index + 1, cells.text(label), label, self.env._("Unknown column, ignored."), "warning"
                    )
                )
        data = []
        for rowx in range(header_index + 1, len(rows)):
            values = rows[rowx]
            if not any(cells.text(value) or isinstance(value, cells.CellError) for value in values):
                continue
            data.append((rowx + 1, {key: values[index] for key, (index, _label) in columns.items()}))
        if not data:
            raise UserError(
                self.env._(
                    "Sheet %(sheet)s has no rows below its header (row %(row)s).",
                    sheet=sheet_name,
                    row=header_index + 1,
                )
            )
        return labels, data, datemode, problems

    @api.model
    def _crm_problem(self, row, column, value, message, severity="error"):
        return {
            "row": row,
            "column": column or "",
            "value": cells.display(value),
            "message": message,
            "severity": severity,
        }

    def _crm_references(self, data):
        """Products, lots and provinces the rows name, read once for the whole file."""
        texts = {key: {cells.text(values.get(key)) for _row, values in data} - {""} for key in CHINESE}
        products = self.env["product.product"].with_company(self.company_id)
        company_domain = [("company_id", "in", [False, self.company_id.id])]
        by_code, by_name = {}, {}
        found = products
        if texts["product_code"]:
            found |= products.search(company_domain + [("default_code", "in", list(texts["product_code"]))])
            for product in found:
                by_code.setdefault(product.default_code, set()).add(product.id)
        if texts["product"]:
            named = products.search(company_domain + [("name", "in", list(texts["product"]))])
            for product in named:
                by_name.setdefault(product.name, set()).add(product.id)
            found |= named
        # records iterated from one recordset share their prefetching: a few queries for the whole file
        found.read(["display_name", "tracking", "uom_id"])
        lots = {}
        if texts["lot"] and found:
            for lot in self.env["stock.lot"].search(
                company_domain + [("name", "in", list(texts["lot"])), ("product_id", "in", found.ids)]
            ):
                lots[(lot.product_id.id, lot.name)] = lot
        states = {}
        if texts["province"]:
            for state in self.env["res.country.state"].search([("country_id", "=", self.env.ref("base.cn").id)]):
                for name in (state.name, CN_STATE_SUFFIX_RE.sub("", state.name), state.code):
                    states.setdefault(cells.lookup_key(name), state.id)
        return {
            "by_code": by_code,
            "by_name": by_name,
            "products": {product.id: product for product in found},
            "lots": lots,
            "states": states,
        }

    def _crm_analyse(self):
        """Read and check the file; return the plan: {'rows': [...], 'problems': [...], 'replace': reports}."""
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period cannot end before it starts."))
        dealer = self.partner_id.commercial_partner_id
        if not dealer.crm_channel_is_dealer:
            raise UserError(self.env._("%(partner)s is not a dealer.", partner=dealer.display_name))
        labels, data, datemode, problems = self._crm_read_file()

        def add(row, key, value, message, severity="error"):
            problems.append(self._crm_problem(row, labels.get(key) or CHINESE[key], value, message, severity))

        refs = self._crm_references(data)
        rows = [self._crm_parse_row(add, refs, row_number, values, datemode) for row_number, values in data]
        replace = self._crm_check_overlap(dealer, problems)
        checked = [row for row in rows if row["ok"]]
        by_number = {row["row"]: row for row in checked}
        for row_number, field, message in self.env["crm.channel.sellthrough.line"]._crm_check_rows(
            dealer, self.company_id, self.date_from, self.date_to, checked, exclude_reports=replace
        ):
            row = by_number[row_number]
            value = {
                "date": row["date"],
                "product": row["product"].display_name,
                "lot": row["lot"].name,
                "quantity": row["quantity"],
            }[field]
            add(row_number, "product_code" if field == "product" and "product" not in labels else field, value, message)
        return {"rows": rows, "problems": problems, "replace": replace, "dealer": dealer}

    def _crm_check_overlap(self, dealer, problems):
        """The reports to replace; a problem when the user refuses to replace an overlapping report."""
        overlapping = self.env["crm.channel.sellthrough"]._crm_find_overlapping(
            dealer, self.company_id, self.date_from, self.date_to
        )
        if not overlapping or self.duplicate_policy == "replace":
            return overlapping
        other = overlapping[0]
        problems.append(
            self._crm_problem(
                0,
                "",
                other.display_name,
                self.env._(
                    "Dealer %(dealer)s already has a report for %(start)s to %(end)s, which overlaps this period: "
                    "choose to replace it, or change the period.",
                    dealer=dealer.display_name,
                    start=other.date_from,
                    end=other.date_to,
                ),
            )
        )
        return self.env["crm.channel.sellthrough"]

    def _crm_parse_row(self, add, refs, row_number, values, datemode):
        """Check one row; return its values (``ok`` False when it has an error)."""
        errors = []

        def error(key, value, message, severity="error"):
            add(row_number, key, value, message, severity)
            if severity == "error":
                errors.append(key)

        for key, value in values.items():
            if isinstance(value, cells.CellError):
                error(key, value, self.env._("The cell holds a spreadsheet error (%(error)s).", error=value.text))
        parsed = {"row": row_number, "key": row_number}
        parsed["date"] = cells.parse_date(values.get("date"), datemode) if cells.text(values.get("date")) else False
        if not parsed["date"]:
            error("date", values.get("date"), self.env._("A date is required, such as 2026-03-15."))
        parsed["product"], parsed["lot"] = self._crm_parse_product(error, refs, values)
        parsed["quantity"] = self._crm_parse_number(
            error, values, "quantity", self.env._("The quantity must be a number.")
        )
        parsed["price"] = self._crm_parse_number(error, values, "price", self.env._("The unit price must be a number."))
        for key in ("customer", "city"):
            value = values.get(key)
            parsed[key] = cells.neutralise_formula(value)
            if cells.is_formula_text(value):
                error(
                    key,
                    value,
                    self.env._(
                        "Starts like a spreadsheet formula: stored as %(text)s, with an apostrophe in front, "
                        "so that spreadsheet programs show it as text.",
                        text=parsed[key],
                    ),
                    "warning",
                )
        if not parsed["customer"]:
            error("customer", "", self.env._("The customer name is required."))
        province = cells.text(values.get("province"))
        parsed["state_id"] = False
        if province:
            states = refs["states"]
            parsed["state_id"] = states.get(cells.lookup_key(CN_STATE_SUFFIX_RE.sub("", province))) or states.get(
                cells.lookup_key(province)
            )
            if not parsed["state_id"]:
                error("province", province, self.env._("Unknown province of China."))
        parsed["ok"] = not errors
        return parsed

    def _crm_parse_product(self, error, refs, values):
        """(product, lot) of a row, empty when unknown."""
        product, lot = self.env["product.product"], self.env["stock.lot"]
        code, name = cells.text(values.get("product_code")), cells.text(values.get("product"))
        ids = refs["by_code"].get(code) if code else refs["by_name"].get(name) if name else None
        if not code and not name:
            error("product", "", self.env._("The product (code or name) is required."))
            return product, lot
        if not ids or len(ids) > 1:
            message = (
                self.env._("Several products have this code or name; use the product code.")
                if ids
                else self.env._("Unknown product.")
            )
            error("product_code" if code else "product", code or name, message)
            return product, lot
        product = refs["products"][next(iter(ids))]
        lot_name = cells.text(values.get("lot"))
        if lot_name:
            lot = refs["lots"].get((product.id, lot_name), lot)
            if not lot:
                error("lot", lot_name, self.env._("Unknown lot of %(product)s.", product=product.display_name))
        return product, lot

    @api.model
    def _crm_parse_number(self, error, values, key, message):
        value = values.get(key)
        if isinstance(value, float):
            return value
        text = cells.nfkc(cells.text(value)).replace(",", "")
        if not text:
            return 0.0
        try:
            return float(text)
        except ValueError:
            error(key, value, message)
            return 0.0

    def _crm_store_preview(self, plan):
        self.line_ids.unlink()
        self.env["crm.channel.sellthrough.import.line"].create(
            [
                dict(problem, import_id=self.id)
                for problem in sorted(plan["problems"], key=lambda p: (p["severity"], p["row"]))
            ]
        )
        self.write(
            {
                "state": "preview",
                "row_count": len(plan["rows"]),
                "quantity": sum(row["quantity"] for row in plan["rows"]),
                "error_count": sum(1 for problem in plan["problems"] if problem["severity"] == "error"),
                "replaced_count": len(plan["replace"]),
            }
        )

    def _crm_execute(self, plan, source):
        """Replace the overlapping reports when asked, create the report and its lines (in batches)."""
        if any(not row["ok"] for row in plan["rows"]):
            raise UserError(self.env._("The file has errors: nothing was imported."))
        Report = self.env["crm.channel.sellthrough"]
        if plan["replace"]:
            plan["replace"].unlink()
        report = Report.with_context(mail_create_nolog=True).create(
            {
                "partner_id": plan["dealer"].id,
                "company_id": self.company_id.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
                "source": source,
                "filename": self.filename,
            }
        )
        Line = self.env["crm.channel.sellthrough.line"]
        # every row was checked at once by _crm_analyse: the lines are not checked again one batch at a time
        for rows in split_every(BATCH_SIZE, plan["rows"], list):
            Line._crm_create_checked(
                report,
                [
                    {
                        "date": row["date"],
                        "product_id": row["product"].id,
                        "lot_id": row["lot"].id or False,
                        "quantity": row["quantity"],
                        "price_unit": row["price"],
                        "customer_name": row["customer"],
                        "state_id": row["state_id"],
                        "city": row["city"] or False,
                    }
                    for row in rows
                ],
            )
        return report


class CrmChannelSellthroughImportLine(models.TransientModel):
    _name = "crm.channel.sellthrough.import.line"
    _description = "Problem Found in a Sell-through Import"
    _order = "severity, row, id"

    import_id = fields.Many2one("crm.channel.sellthrough.import", required=True, ondelete="cascade", index=True)
    row = fields.Integer(help="Row number as shown in the spreadsheet (0: the whole file).")
    column = fields.Char(help="Column header as written in the spreadsheet.")
    value = fields.Char()
    message = fields.Char(required=True)
    severity = fields.Selection([("error", "Error"), ("warning", "Warning")], required=True, default="error")
