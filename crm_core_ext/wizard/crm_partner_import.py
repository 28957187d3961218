"""Import customers with their contacts from legacy spreadsheets (数据转换).

One row of the sheet is one contact of a customer; the rows of one customer are
grouped by unified social credit code, or by name when the code is empty. The
wizard reads the file, checks every row (codes, phones, e-mails, dates,
regions, salespeople, duplicates) and lists the problems by row and column;
the import itself runs only when no error is left, in one transaction and in
batches: one duplicate check and two creates (customers, then contacts) per
batch of customers.

Reading the workbook, the cells and the template's columns are pure-Python
helpers in ``tools/`` (``spreadsheet``, ``import_cells``, ``import_columns``).
"""

import base64
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import human_size, plaintext2html, split_every
from odoo.tools.mail import single_email_re

from ..tools import import_cells as cells
from ..tools import spreadsheet
from ..tools.import_columns import (
    CN_STATE_ENGLISH,
    CN_STATE_SUFFIX_RE,
    CUSTOMER_KEYS,
    DATA_SHEET_NAMES,
    EN_STATE_SUFFIX_RE,
    FREE_TEXT_COLUMNS,
    HEADER_KEYS,
    HEADER_SEARCH_ROWS,
    HELP_SHEET_NAME,
    IMPORT_COLUMNS,
    REQUIRED_COLUMNS,
    TEMPLATE_FILENAME,
)

BATCH_SIZE = 500
MAX_ERRORS_IN_MESSAGE = 20
# What an import reads at most, each readable from a system parameter
# (Settings > Technical > System Parameters): (parameter, default).
LIMIT_FILE_MB = ("crm_core_ext.import_max_file_mb", 10)
LIMIT_ROWS = ("crm_core_ext.import_max_rows", 50000)
LIMIT_COLUMNS = ("crm_core_ext.import_max_columns", 100)
# Fields a contact birthday can go to when another feature adds one; else the comment.
BIRTHDAY_FIELDS = ("crm_birthday", "birthday")


class CrmPartnerImport(models.TransientModel):
    _name = "crm.partner.import"
    _description = "Import Customers from a Spreadsheet"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
        help="Company the customers are imported into.",
    )
    file = fields.Binary(attachment=False, help="Excel workbook (.xls or .xlsx) in the template's shape.")
    filename = fields.Char(string="File Name")
    import_mode = fields.Selection(
        [("create", "Create new customers only"), ("update", "Update existing customers with the same credit code")],
        string="Existing Customers",
        required=True,
        default="create",
        help="Create: a customer whose credit code already exists is a duplicate. "
        "Update: such a customer is completed with the file's values and its new contacts.",
    )
    duplicate_policy = fields.Selection(
        [("stop", "Stop: duplicates are errors"), ("skip", "Skip duplicate customers")],
        string="Duplicates",
        required=True,
        default="stop",
        help="What to do with a customer that looks like an existing one, or like another customer of the file "
        "(same phone, e-mail, credit code or name).",
    )
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Done")], default="upload", required=True
    )
    line_ids = fields.One2many("crm.partner.import.line", "import_id", string="Problems", readonly=True)
    customer_count = fields.Integer(string="Customers to Create", readonly=True)
    update_count = fields.Integer(string="Customers to Update", readonly=True)
    contact_count = fields.Integer(string="Contacts", readonly=True)
    skipped_count = fields.Integer(string="Skipped Customers", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    warning_count = fields.Integer(string="Warnings", readonly=True)
    partner_ids = fields.Many2many("res.partner", string="Imported Customers", readonly=True)
    template_file = fields.Binary(string="Template", attachment=False, readonly=True)
    template_filename = fields.Char(readonly=True)

    @api.onchange("file", "import_mode", "duplicate_policy", "company_id")
    def _onchange_file(self):
        # A preview belongs to one file and one set of options; the import re-checks anyway.
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
        """Import everything or nothing: the file is checked again, and any error
        (found now or raised while creating) leaves the database untouched."""
        self.ensure_one()
        plan = self._crm_analyse()
        errors = [problem for problem in plan.problems if problem["severity"] == "error"]
        if errors:
            raise UserError(self._crm_errors_message(errors))
        with self.env.cr.savepoint():
            partners = self._crm_execute(plan)
        self._crm_store_preview(plan)
        self.write({"state": "done", "partner_ids": [Command.set(partners.ids)]})
        return self._crm_reopen()

    def action_back(self):
        self.ensure_one()
        self.write({"state": "upload", "line_ids": [Command.clear()]})
        return self._crm_reopen()

    def action_open_customers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported Customers"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.partner_ids.ids)],
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
            "name": self.env._("Import Customers"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    # ------------------------------------------------------------------
    # Template
    # ------------------------------------------------------------------

    @api.model
    def _crm_template_column_docs(self):
        """Per column: whether a value is required, its format and an example."""
        return {
            "name": (
                True,
                self.env._("Full registered name; rows with the same name (or credit code) are one customer."),
                "杭州云帆机械有限公司",
            ),
            "credit_code": (
                False,
                self.env._("18 characters, checked with its check digit; rows with the same code are one customer."),
                "91330106MA2B3C4D5D",
            ),
            "customer_type": (False, self.env._("Customer tag; created when it does not exist."), "重点客户"),
            "industry": (
                False,
                self.env._("Name of an existing industry; an unknown one is kept in the customer's notes."),
                "Manufacturing",
            ),
            "province": (
                False,
                self.env._("Province of China, in Chinese or English, with or without 省/市/自治区."),
                "浙江省",
            ),
            "city": (False, self.env._("Text."), "杭州市"),
            "street": (False, self.env._("Text."), "西湖区文三路 90 号"),
            "salesperson": (False, self.env._("Name or login of a user of the company."), "李销售"),
            "source": (False, self.env._("Where the customer came from; created when it does not exist."), "展会"),
            "contact_name": (
                False,
                self.env._("One row per contact; leave empty for a row that only describes the customer."),
                "王建国",
            ),
            "function": (False, self.env._("Text."), "采购经理"),
            "mobile": (
                False,
                self.env._("Mobile number; spaces, dashes, +86 and full-width digits are accepted."),
                "138 0013 8000",
            ),
            "phone": (False, self.env._("Office number with area code."), "0571-88886666"),
            "email": (False, self.env._("One e-mail address."), "wangjg@yunfan.example"),
            "birthday": (False, self.env._("Date cell, or text such as 1985-06-30 or 1985年6月30日."), "1985-06-30"),
            "note": (
                False,
                self.env._("Notes on the contact (on the customer when the row has no contact)."),
                "同一客户第二位联系人",
            ),
        }

    @api.model
    def _crm_template_content(self):
        """The template workbook: the header row on sheet 客户资料, one line per column on sheet 说明."""
        docs = self._crm_template_column_docs()
        book = Workbook()
        sheet = book.active
        sheet.title = DATA_SHEET_NAMES[0]
        bold = Font(bold=True)
        required_fill = PatternFill("solid", fgColor="FFF2CC")
        for index, (key, chinese, _english, _aliases) in enumerate(IMPORT_COLUMNS, start=1):
            cell = sheet.cell(row=1, column=index, value=chinese)
            cell.font = bold
            if docs[key][0]:
                cell.fill = required_fill
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, len(chinese) * 3)
            # Codes and phone numbers stay text, so Excel does not turn them into numbers.
            if key in ("credit_code", "mobile", "phone"):
                for row in range(2, 1002):
                    sheet.cell(row=row, column=index).number_format = "@"
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
        for row, (key, chinese, english, _aliases) in enumerate(IMPORT_COLUMNS, start=2):
            required, format_help, example = docs[key]
            values = [chinese, english, self.env._("Yes") if required else self.env._("No"), format_help, example]
            for index, value in enumerate(values, start=1):
                help_sheet.cell(row=row, column=index, value=value).alignment = Alignment(wrap_text=True)
        notes = [
            self.env._(
                "Each row is one contact of a customer; repeat the customer's columns on every row of its contacts."
            ),
            self.env._("Rows are grouped into customers by credit code, or by customer name when the code is empty."),
            self.env._(
                "The import creates everything or nothing: fix the errors listed by row and column, then import again."
            ),
        ]
        for offset, note in enumerate(notes, start=len(IMPORT_COLUMNS) + 3):
            help_sheet.cell(row=offset, column=1, value=note)
        for letter, width in zip("ABCDE", (18, 22, 10, 70, 26), strict=True):
            help_sheet.column_dimensions[letter].width = width
        output = io.BytesIO()
        book.save(output)
        return output.getvalue()

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------

    def _crm_read_sheet(self):
        """Return (sheet name, rows, datemode) of the file (see ``tools.spreadsheet.read_workbook``)."""
        content = base64.b64decode(self.file or b"")
        filename = self.filename or self.env._("the file")
        if not content:
            raise UserError(self.env._("Please choose the spreadsheet to import."))
        try:
            return spreadsheet.read_workbook(content, self._crm_import_limits())
        except spreadsheet.LimitError as error:
            raise UserError(self._crm_limit_message(error, filename, len(content))) from None
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

    @api.model
    def _crm_import_limit(self, param):
        """The value of the system parameter of ``param`` (one of ``LIMIT_*``),
        or its default when the parameter is missing or not a positive number."""
        key, default = param
        try:
            value = float(self.env["ir.config_parameter"].sudo().get_param(key) or default)
        except ValueError:
            return default
        return value if value > 0 else default

    @api.model
    def _crm_import_limits(self):
        """The limits of ``tools.spreadsheet``, from the system parameters."""
        return spreadsheet.Limits(
            max_bytes=int(self._crm_import_limit(LIMIT_FILE_MB) * 1024 * 1024),
            max_rows=int(self._crm_import_limit(LIMIT_ROWS)),
            max_columns=int(self._crm_import_limit(LIMIT_COLUMNS)),
        )

    @api.model
    def _crm_limit_message(self, error, filename, size):
        # formatted outside the translated calls: the term extractor reads their arguments
        megabytes = f"{self._crm_import_limit(LIMIT_FILE_MB):g}"
        unpacked = f"{self._crm_import_limit(LIMIT_FILE_MB) * spreadsheet.UNPACKED_FACTOR:g}"
        if error.kind == "bytes":
            return self.env._(
                "The file %(file)s is %(size)s; an import accepts files of at most %(limit)s MB (system parameter "
                "%(param)s). Split it into smaller files.",
                file=filename,
                size=human_size(size),
                limit=megabytes,
                param=LIMIT_FILE_MB[0],
            )
        if error.kind == "unpacked":
            return self.env._(
                "The file %(file)s unpacks to more than %(limit)s MB of spreadsheet data, more than an import reads "
                "(%(factor)s times the file size limit of system parameter %(param)s). Split it into smaller files.",
                file=filename,
                limit=unpacked,
                factor=spreadsheet.UNPACKED_FACTOR,
                param=LIMIT_FILE_MB[0],
            )
        if error.kind == "rows":
            return self.env._(
                "Sheet %(sheet)s of %(file)s has more than %(limit)s rows, the most an import reads (system parameter "
                "%(param)s). Split it into several files, or delete the empty rows below the data.",
                sheet=error.sheet,
                file=filename,
                limit=error.limit,
                param=LIMIT_ROWS[0],
            )
        return self.env._(
            "Sheet %(sheet)s of %(file)s has cells beyond column %(column)s: an import reads at most %(limit)s columns "
            "(system parameter %(param)s). Delete the columns after the data.",
            sheet=error.sheet,
            file=filename,
            column=cells.column_letter(error.limit - 1),
            limit=error.limit,
            param=LIMIT_COLUMNS[0],
        )

    def _crm_read_file(self, problems):
        """Return (header labels by key, data rows as (row number, {key: value}), datemode).
        Problems of the file's shape that stop everything raise; row-level ones
        go to ``problems``."""
        sheet_name, rows, datemode = self._crm_read_sheet()
        header_index, columns = self._crm_find_header(sheet_name, rows)
        header_row = header_index + 1
        labels = {key: label for key, (_index, label) in columns.items()}
        missing = [key for key in REQUIRED_COLUMNS if key not in columns]
        if missing:
            names = ", ".join(
                f"{chinese} ({english})" for key, chinese, english, _a in IMPORT_COLUMNS if key in missing
            )
            raise UserError(
                self.env._(
                    "Row %(row)s of sheet %(sheet)s is the header, but it lacks the required column(s): %(columns)s.",
                    row=header_row,
                    sheet=sheet_name,
                    columns=names,
                )
            )
        known_indexes = {index for index, _label in columns.values()}
        header = rows[header_index]
        for index, label in enumerate(header):
            text = cells.text(label)
            if text and index not in known_indexes:
                problems.append(
                    self._crm_problem(
                        header_row, text, text, self.env._("Unknown column, ignored."), severity="warning"
                    )
                )
        data = []
        for rowx in range(header_index + 1, len(rows)):
            values = rows[rowx]
            if not any(cells.text(value) or isinstance(value, cells.CellError) for value in values):
                continue
            row_number = rowx + 1
            for index, value in enumerate(values):
                if index >= len(header) or not cells.text(header[index]):
                    if cells.text(value):
                        problems.append(
                            self._crm_problem(
                                row_number,
                                cells.column_letter(index),
                                value,
                                self.env._(
                                    "Row %(row)s has a value in column %(column)s, which has no header: "
                                    "the row is shifted or the sheet is not in the template's shape.",
                                    row=row_number,
                                    column=cells.column_letter(index),
                                ),
                            )
                        )
            data.append(
                (
                    row_number,
                    {key: values[index] if index < len(values) else None for key, (index, _l) in columns.items()},
                )
            )
        if not data:
            raise UserError(
                self.env._(
                    "Sheet %(sheet)s has no customer rows below its header (row %(row)s).",
                    sheet=sheet_name,
                    row=header_row,
                )
            )
        return labels, data, datemode

    @api.model
    def _crm_find_header(self, sheet_name, rows):
        """The header is the first of the first rows naming at least two known columns."""
        for rowx, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
            columns = {}
            for index, value in enumerate(values):
                text = cells.text(value)
                key = HEADER_KEYS.get(cells.header_key(text)) if text else None
                if not key:
                    continue
                if key in columns:
                    raise UserError(
                        self.env._(
                            "Row %(row)s of sheet %(sheet)s names the column %(column)s twice (columns %(first)s and "
                            "%(second)s).",
                            row=rowx + 1,
                            sheet=sheet_name,
                            column=text,
                            first=cells.column_letter(columns[key][0]),
                            second=cells.column_letter(index),
                        )
                    )
                columns[key] = (index, text)
            if len(columns) >= 2:
                return rowx, columns
        raise UserError(
            self.env._(
                "No header row was found in the first %(count)s rows of sheet %(sheet)s. The header must name the "
                "template's columns, for example: %(columns)s.",
                count=HEADER_SEARCH_ROWS,
                sheet=sheet_name,
                columns=", ".join(column[1] for column in IMPORT_COLUMNS),
            )
        )

    # ------------------------------------------------------------------
    # Checking the rows
    # ------------------------------------------------------------------

    @api.model
    def _crm_problem(self, row, column, value, message, severity="error"):
        return {
            "row": row,
            "column": column or "",
            "value": cells.display(value),
            "message": message,
            "severity": severity,
        }

    def _crm_analyse(self):
        """Read and check the file; return the import plan (customers, contacts, problems)."""
        self.ensure_one()
        problems = []
        labels, data, datemode = self._crm_read_file(problems)
        plan = ImportPlan(self.env, labels, problems)
        refs = self._crm_prepare_references(data)
        rows = [self._crm_parse_row(plan, refs, row_number, values, datemode) for row_number, values in data]
        self._crm_group_rows(plan, rows)
        self._crm_match_existing(plan)
        self._crm_check_file_duplicates(plan)
        self._crm_check_database_duplicates(plan)
        plan.new_tags = sorted(
            {
                g.customer["customer_type"]
                for g in plan.groups
                if g.customer.get("customer_type") and not cells.resolve(refs["tags"], g.customer["customer_type"])
            }
        )
        plan.new_sources = sorted(
            {g.customer["source"] for g in plan.groups if g.customer.get("source")} - set(refs["sources"])
        )
        # Missing tags and sources are created by the import: every importer is a
        # salesperson, whom CRM allows to create both.
        plan.refs = refs
        return plan

    def _crm_prepare_references(self, data):
        """Everything the rows refer to, read once for the whole file."""
        company = self.company_id
        china = self.env.ref("base.cn")
        texts = {key: {cells.text(values.get(key)) for _row, values in data} - {""} for key in CUSTOMER_KEYS}
        # base's Chinese states have Chinese codes (浙, 沪); their xml ids carry the ISO codes (state_cn_ZJ).
        iso_codes = {
            data.res_id: data.name.removeprefix("state_cn_")
            for data in self.env["ir.model.data"]
            .sudo()
            .search([("module", "=", "base"), ("model", "=", "res.country.state"), ("name", "=like", "state_cn_%")])
        }
        states = {}
        for state in self.env["res.country.state"].search([("country_id", "=", china.id)]):
            iso_code = iso_codes.get(state.id, "")
            for name in (
                state.name,
                CN_STATE_SUFFIX_RE.sub("", state.name),
                state.code,
                iso_code,
                *CN_STATE_ENGLISH.get(iso_code, ()),
            ):
                if name:
                    states.setdefault(cells.lookup_key(name), state.id)
        users = {}
        if texts["salesperson"]:
            found = self.env["res.users"].search(
                [
                    ("share", "=", False),
                    ("company_ids", "in", company.ids),
                    "|",
                    ("name", "in", list(texts["salesperson"])),
                    ("login", "in", list(texts["salesperson"])),
                ]
            )
            for user in found:
                for name in {user.name, user.login}:
                    users.setdefault(cells.lookup_key(name), set()).add(user.id)
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        return {
            "company": company,
            "country": china,
            "states": states,
            "users": users,
            "tags": self._crm_names_by_lang(self.env["res.partner.category"].search([]), langs),
            "industries": self._crm_names_by_lang(
                self.env["res.partner.industry"].search([]), langs, ("name", "full_name")
            ),
            "sources": {
                source.name: source.id
                for source in self.env["utm.source"].search([("name", "in", list(texts["source"]))])
            },
        }

    def _crm_free_text(self, plan, row_number, key, value, customer=None):
        """The text of a free-text cell, neutralised when it starts like a
        spreadsheet formula (see ``tools.import_cells.neutralise_formula``),
        with a warning: once per customer for a customer column."""
        if not cells.is_formula_text(value):
            return cells.text(value)
        text = cells.neutralise_formula(value)
        if customer is None or plan.first_time(customer, key, text):
            plan.add(
                row_number,
                key,
                value,
                self.env._(
                    "Starts like a spreadsheet formula: stored as %(text)s, with an apostrophe in front, so that "
                    "spreadsheet programs show it as text.",
                    text=text,
                ),
                severity="warning",
            )
        return text

    @api.model
    def _crm_names_by_lang(self, records, langs, field_names=("name",)):
        """Map the names of records in every installed language to their ids."""
        result = {}
        for lang in langs:
            for record in records.with_context(lang=lang):
                for field_name in field_names:
                    if record[field_name]:
                        result.setdefault(record[field_name], record.id)
                        result.setdefault(cells.lookup_key(record[field_name]), record.id)
        return result

    def _crm_parse_row(self, plan, refs, row_number, values, datemode):
        """Check one row; return its customer and contact values (invalid ones are left out)."""
        partner_model = self.env["res.partner"]
        customer = {key: cells.text(values.get(key)) for key in CUSTOMER_KEYS}
        name = customer["name"]
        for key in FREE_TEXT_COLUMNS:
            if key in customer:
                customer[key] = self._crm_free_text(plan, row_number, key, values.get(key), customer=name)
        for key, value in values.items():
            if isinstance(value, cells.CellError):
                plan.add(
                    row_number,
                    key,
                    value,
                    self.env._("The cell holds a spreadsheet error (%(error)s).", error=value.text),
                )
        if not customer["name"]:
            plan.add(row_number, "name", "", self.env._("The customer name is required."))
        if customer["credit_code"]:
            try:
                customer["credit_code"] = partner_model._crm_check_credit_code(customer["credit_code"]) or ""
            except ValidationError as error:
                plan.add(row_number, "credit_code", values.get("credit_code"), error.args[0])
                customer["credit_code"] = ""
        if customer["province"]:
            state_id = refs["states"].get(
                cells.lookup_key(EN_STATE_SUFFIX_RE.sub("", cells.lookup_key(customer["province"])))
            )
            state_id = state_id or refs["states"].get(cells.lookup_key(customer["province"]))
            if not state_id:
                plan.add(row_number, "province", customer["province"], self.env._("Unknown province of China."))
            customer["state_id"] = state_id
        if customer["salesperson"]:
            user_ids = refs["users"].get(cells.lookup_key(customer["salesperson"]), set())
            if len(user_ids) != 1:
                message = (
                    self.env._(
                        "Several users of company %(company)s have this name; use the login.",
                        company=refs["company"].name,
                    )
                    if user_ids
                    else self.env._(
                        "No user of company %(company)s has this name or login.", company=refs["company"].name
                    )
                )
                plan.add(row_number, "salesperson", customer["salesperson"], message)
            customer["user_id"] = next(iter(user_ids)) if len(user_ids) == 1 else False
        if customer["industry"]:
            customer["industry_id"] = refs["industries"].get(customer["industry"]) or refs["industries"].get(
                cells.lookup_key(customer["industry"])
            )
            if not customer["industry_id"] and plan.first_time(customer["name"], "industry", customer["industry"]):
                plan.add(
                    row_number,
                    "industry",
                    customer["industry"],
                    self.env._("Unknown industry: the customer gets no industry and the value is kept in its notes."),
                    severity="warning",
                )
        contact = self._crm_parse_contact(plan, refs, row_number, values, datemode)
        return ParsedRow(row_number, customer, contact)

    def _crm_parse_contact(self, plan, refs, row_number, values, datemode):
        partner_model = self.env["res.partner"]
        contact = {
            key: cells.text(values.get(key)) for key in ("contact_name", "function", "mobile", "phone", "email", "note")
        }
        for key in FREE_TEXT_COLUMNS:
            if key in contact:
                contact[key] = self._crm_free_text(plan, row_number, key, values.get(key))
        for key in ("mobile", "phone"):
            if contact[key]:
                number = partner_model._crm_normalize_phone(cells.nfkc(contact[key]), country=refs["country"])
                if not number:
                    plan.add(row_number, key, values.get(key), self.env._("Not a valid phone number."))
                contact[key] = number or ""
        if contact["email"]:
            email = cells.nfkc(contact["email"]).strip()
            if not single_email_re.match(email):
                plan.add(row_number, "email", values.get("email"), self.env._("Not a valid e-mail address."))
                email = ""
            elif email.startswith(cells.FORMULA_PREFIXES):
                plan.add(
                    row_number,
                    "email",
                    values.get("email"),
                    self.env._(
                        "Not accepted as an e-mail address: it starts with %(char)s, which spreadsheet programs read "
                        "as a formula.",
                        char=email[0],
                    ),
                )
                email = ""
            contact["email"] = email
        contact["birthday"] = False
        raw_birthday = values.get("birthday")
        if cells.text(raw_birthday):
            birthday = cells.parse_date(raw_birthday, datemode)
            if not birthday:
                plan.add(
                    row_number, "birthday", raw_birthday, self.env._("Not a valid date; write it like 1985-06-30.")
                )
            elif birthday > fields.Date.context_today(self):
                plan.add(row_number, "birthday", raw_birthday, self.env._("The birthday lies in the future."))
            else:
                contact["birthday"] = birthday
        return contact

    def _crm_group_rows(self, plan, rows):
        """One group per customer: by credit code, else by name (a name already seen
        with a code joins that code's group)."""
        code_by_name = {}
        for row in rows:
            if row.customer["credit_code"] and row.customer["name"]:
                code_by_name.setdefault(row.customer["name"], row.customer["credit_code"])
        groups = {}
        for row in rows:
            customer = row.customer
            if not customer["name"] and not customer["credit_code"]:
                continue
            code = customer["credit_code"] or code_by_name.get(customer["name"])
            key = ("code", code) if code else ("name", customer["name"])
            group = groups.get(key)
            if group is None:
                group = groups[key] = CustomerGroup(self.env, row.row)
            group.add_row(plan, row)
        plan.groups = list(groups.values())

    def _crm_match_existing(self, plan):
        """Update mode: customers whose credit code already exists are updated."""
        if self.import_mode != "update":
            return
        codes = [group.customer["credit_code"] for group in plan.groups if group.customer.get("credit_code")]
        if not codes:
            return
        existing = self.env["res.partner"].search(
            [
                ("crm_credit_code", "in", codes),
                ("parent_id", "=", False),
                ("company_id", "in", [self.company_id.id, False]),
            ]
        )
        by_code = {}
        for partner in existing:
            by_code.setdefault(partner.crm_credit_code, self.env["res.partner"])
            by_code[partner.crm_credit_code] |= partner
        for group in plan.groups:
            partners = by_code.get(group.customer.get("credit_code"))
            if not partners:
                continue
            if len(partners) > 1:
                plan.add(
                    group.customer_rows["credit_code"],
                    "credit_code",
                    group.customer["credit_code"],
                    self.env._(
                        "Several existing customers have this credit code (%(customers)s); merge them first.",
                        customers=", ".join(partners.mapped("display_name")),
                    ),
                )
            group.target = partners[:1]

    def _crm_duplicate(self, plan, group, row, column, value, message):
        """A duplicate stops the import, or skips the customer, as the user chose."""
        if self.duplicate_policy == "skip":
            group.skip = True
            plan.add(
                row,
                column,
                value,
                self.env._("%(problem)s The customer is skipped.", problem=message),
                severity="warning",
            )
        else:
            plan.add(row, column, value, message)

    def _crm_check_file_duplicates(self, plan):
        """Two customers of the file with the same name (without legal form), phone or e-mail."""
        seen = {}
        for group in plan.groups:
            found = {}
            name = group.customer.get("name", "")  # a customer's rows may have a code and no name (an error)
            keys = [("name", cells.name_key(name), group.first_row, "name", name)] if name else []
            for contact in group.points():
                for column in ("mobile", "phone", "email"):
                    if contact[column]:
                        reason = "email" if column == "email" else "phone"
                        keys.append((reason, contact[column].lower(), contact["row"], column, contact[column]))
            for reason, key, row, column, value in keys:
                other = seen.get((reason, key))
                if other is not None and other is not group:
                    found.setdefault(other, []).append((reason, row, column, value))
            for other, reasons in found.items():
                _reason, row, column, value = reasons[0]
                self._crm_duplicate(
                    plan,
                    group,
                    row,
                    column,
                    value,
                    self.env._(
                        "Possible duplicate of customer %(customer)s in row %(row)s of the file (same %(reasons)s).",
                        customer=other.customer.get("name", ""),
                        row=other.first_row,
                        reasons=", ".join(plan.reason_label(r) for r in dict.fromkeys(r[0] for r in reasons)),
                    ),
                )
            for reason, key, _row, _column, _value in keys:
                seen.setdefault((reason, key), group)

    def _crm_check_database_duplicates(self, plan):
        """Customers that look like existing ones, checked one batch at a time."""
        partner_model = self.env["res.partner"].with_company(self.company_id)
        for groups in split_every(BATCH_SIZE, plan.groups, list):
            vals_list, owners = [], []
            for group in groups:
                vals_list.append(group.duplicate_vals())
                owners.append((group, group.first_row, "name"))
                for contact in group.contacts:
                    vals = {key: contact[key] for key in ("mobile", "phone", "email") if contact[key]}
                    if vals:
                        vals_list.append(vals)
                        owners.append((group, contact["row"], next(iter(vals))))
            candidates = partner_model._crm_duplicate_candidates(vals_list, company=self.company_id)
            found = {}
            for (group, row, column), matches in zip(owners, candidates, strict=True):
                for partner_id, reasons in (matches or {}).items():
                    found.setdefault(group, {}).setdefault(partner_id, (row, column, []))[2].extend(reasons)
            self._crm_report_database_duplicates(plan, found)

    def _crm_report_database_duplicates(self, plan, found):
        partners = self.env["res.partner"].browse({pid for matches in found.values() for pid in matches})
        for group, matches in found.items():
            reported = set()
            for partner in partners.filtered(lambda p, m=matches: p.id in m):
                customer = partner.commercial_partner_id
                if group.target and customer == group.target or customer in reported:
                    continue
                reported.add(customer)
                row, column, reasons = matches[partner.id]
                if "credit_code" in reasons:
                    row, column = group.customer_rows.get("credit_code", row), "credit_code"
                elif "name" in reasons and column != "name":
                    row = group.first_row
                self._crm_duplicate(
                    plan,
                    group,
                    row,
                    column,
                    group.customer.get(column) or group.value_at(row, column),
                    self.env._(
                        "Possible duplicate of existing customer %(customer)s (same %(reasons)s).",
                        customer=customer.display_name,
                        reasons=", ".join(plan.reason_label(r) for r in dict.fromkeys(reasons)),
                    ),
                )

    def _crm_errors_message(self, errors):
        lines = [
            self.env._(
                "Row %(row)s, column %(column)s (%(value)s): %(message)s",
                row=error["row"],
                column=error["column"],
                value=error["value"],
                message=error["message"],
            )
            for error in sorted(errors, key=lambda error: error["row"])[:MAX_ERRORS_IN_MESSAGE]
        ]
        if len(errors) > MAX_ERRORS_IN_MESSAGE:
            lines.append(self.env._("... and %(count)s more errors.", count=len(errors) - MAX_ERRORS_IN_MESSAGE))
        return self.env._(
            "Nothing was imported: the file has %(count)s error(s). Fix them and import again.\n%(errors)s",
            count=len(errors),
            errors="\n".join(lines),
        )

    def _crm_store_preview(self, plan):
        todo = [group for group in plan.groups if not group.skip]
        self.line_ids.unlink()
        self.env["crm.partner.import.line"].create(
            [
                dict(problem, import_id=self.id)
                for problem in sorted(plan.problems, key=lambda problem: (problem["severity"], problem["row"]))
            ]
        )
        self.write(
            {
                "state": "preview",
                "customer_count": sum(1 for group in todo if not group.target),
                "update_count": sum(1 for group in todo if group.target),
                "contact_count": sum(len(group.contacts) for group in todo),
                "skipped_count": len(plan.groups) - len(todo),
                "error_count": sum(1 for problem in plan.problems if problem["severity"] == "error"),
                "warning_count": sum(1 for problem in plan.problems if problem["severity"] == "warning"),
            }
        )

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------

    def _crm_execute(self, plan):
        """Create (or update) the customers and contacts of a checked plan; return the customers."""
        partner_model = (
            self.env["res.partner"]
            .with_company(self.company_id)
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True, crm_partner_import=True)
        )
        refs = plan.refs
        if plan.new_tags:
            for tag in self.env["res.partner.category"].create([{"name": name} for name in plan.new_tags]):
                refs["tags"][tag.name] = tag.id
        if plan.new_sources:
            for source in self.env["utm.source"].create([{"name": name} for name in plan.new_sources]):
                refs["sources"][source.name] = source.id
        todo = [group for group in plan.groups if not group.skip]
        customers = self.env["res.partner"]
        for groups in split_every(BATCH_SIZE, [group for group in todo if not group.target], list):
            customers |= self._crm_import_batch(partner_model, groups, refs)
        for group in todo:
            if group.target:
                customers |= self._crm_update_customer(partner_model, group, refs)
        return customers

    def _crm_import_batch(self, partner_model, groups, refs):
        """One create for the customers of the batch, one for their contacts."""
        customers = partner_model.create([self._crm_customer_vals(group, refs) for group in groups])
        contact_vals = [
            self._crm_contact_vals(contact, customer)
            for group, customer in zip(groups, customers, strict=True)
            for contact in group.contacts
        ]
        if contact_vals:
            partner_model.create(contact_vals)
        return customers

    def _crm_update_customer(self, partner_model, group, refs):
        customer = group.target.with_env(partner_model.env)
        vals = {
            key: value
            for key, value in self._crm_customer_vals(group, refs).items()
            if value and key not in ("is_company", "company_id", "country_id", "comment")
        }
        if "category_id" in vals:
            vals["category_id"] = [Command.link(tag_id) for tag_id in vals["category_id"][0][2]]
        customer.write(vals)
        existing = {cells.lookup_key(child.name): child for child in customer.child_ids if child.name}
        new_vals = []
        for contact in group.contacts:
            vals = self._crm_contact_vals(contact, customer)
            child = existing.get(cells.lookup_key(contact["contact_name"]))
            if child:
                child.write({key: value for key, value in vals.items() if value and key != "comment"})
            else:
                new_vals.append(vals)
        if new_vals:
            partner_model.create(new_vals)
        return customer

    def _crm_customer_vals(self, group, refs):
        customer = group.customer
        notes = list(group.notes)
        if customer.get("industry") and not customer.get("industry_id"):
            notes.append(self.env._("Industry: %(industry)s", industry=customer["industry"]))
        vals = {
            "name": customer["name"],
            "is_company": True,
            "company_id": self.company_id.id,
            "crm_credit_code": customer.get("credit_code") or False,
            "country_id": refs["country"].id,
            "state_id": customer.get("state_id") or False,
            "city": customer.get("city") or False,
            "street": customer.get("street") or False,
            "user_id": customer.get("user_id") or False,
            "industry_id": customer.get("industry_id") or False,
            "crm_source_id": refs["sources"].get(customer.get("source")) or False,
            "category_id": [Command.set([cells.resolve(refs["tags"], customer["customer_type"])])]
            if customer.get("customer_type")
            else False,
            "comment": plaintext2html("\n".join(notes)) if notes else False,
        }
        vals.update(group.own_points)
        if not vals["category_id"]:
            del vals["category_id"]
        return vals

    def _crm_contact_vals(self, contact, customer):
        notes = [contact["note"]] if contact["note"] else []
        vals = {
            "name": contact["contact_name"],
            "parent_id": customer.id,
            "type": "contact",
            "company_id": self.company_id.id,
            "function": contact["function"] or False,
            "mobile": contact["mobile"] or False,
            "phone": contact["phone"] or False,
            "email": contact["email"] or False,
            "user_id": customer.user_id.id or False,
        }
        if contact["birthday"]:
            birthday_field = next((name for name in BIRTHDAY_FIELDS if name in self.env["res.partner"]._fields), None)
            if birthday_field:
                vals[birthday_field] = contact["birthday"]
            else:
                notes.append(self.env._("Birthday: %(date)s", date=contact["birthday"].isoformat()))
        vals["comment"] = plaintext2html("\n".join(notes)) if notes else False
        return vals


class ImportPlan:
    """What the file holds once checked: customer groups and problems."""

    def __init__(self, env, labels, problems):
        self.env = env  # the translations of the messages follow self.env's language
        self.labels = labels
        self.problems = problems
        self.groups = []
        self.refs = {}
        self.new_tags = []
        self.new_sources = []
        self._seen = set()

    def add(self, row, key, value, message, severity="error"):
        column = self.labels.get(key) or dict((c[0], c[1]) for c in IMPORT_COLUMNS).get(key, key or "")
        self.problems.append(
            {"row": row, "column": column, "value": cells.display(value), "message": message, "severity": severity}
        )

    def first_time(self, *key):
        """True the first time ``key`` is seen: a warning on a customer's value is given once, not per row."""
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def reason_label(self, reason):
        return {
            "name": self.env._("name"),
            "phone": self.env._("phone"),
            "mobile": self.env._("phone"),
            "email": self.env._("e-mail"),
            "credit_code": self.env._("credit code"),
        }.get(reason, reason)


class ParsedRow:
    __slots__ = ("row", "customer", "contact")

    def __init__(self, row, customer, contact):
        self.row = row
        self.customer = customer
        self.contact = contact


class CustomerGroup:
    """The rows of one customer: its values (from the first row that has each),
    its contacts, and contact points of rows without a contact."""

    def __init__(self, env, first_row):
        self.env = env  # the translations of the messages follow self.env's language
        self.first_row = first_row
        self.customer = {}
        self.customer_rows = {}
        self.contacts = []
        self.own_points = {}
        self.notes = []
        self.rows = {}
        self.skip = False
        self.target = None

    def add_row(self, plan, row):
        self.rows[row.row] = row
        for key, value in row.customer.items():
            if value in ("", None, False):
                continue
            if key not in self.customer:
                self.customer[key] = value
                self.customer_rows[key] = row.row
            elif value != self.customer[key] and key in CUSTOMER_KEYS and key not in ("name", "credit_code"):
                plan.add(
                    row.row,
                    key,
                    value,
                    self.env._(
                        "Differs from row %(row)s of the same customer; the value of row %(row)s is kept.",
                        row=self.customer_rows[key],
                    ),
                    severity="warning",
                )
        contact = row.contact
        if contact["contact_name"]:
            same = next(
                (
                    c
                    for c in self.contacts
                    if cells.lookup_key(c["contact_name"]) == cells.lookup_key(contact["contact_name"])
                ),
                None,
            )
            if same:
                plan.add(
                    row.row,
                    "contact_name",
                    contact["contact_name"],
                    self.env._(
                        "This contact already appears in row %(row)s for the same customer; the row is ignored.",
                        row=same["row"],
                    ),
                    severity="warning",
                )
                return
            self.contacts.append(dict(contact, row=row.row))
            return
        # A row without a contact describes the customer itself.
        for key in ("mobile", "phone", "email"):
            if contact[key] and key not in self.own_points:
                self.own_points[key] = contact[key]
        if contact["note"]:
            self.notes.append(contact["note"])
        for key in ("function", "birthday"):
            if contact[key]:
                plan.add(
                    row.row, key, contact[key], self.env._("Ignored: the row has no contact name."), severity="warning"
                )

    def points(self):
        """Phones and e-mails of the customer and its contacts, with their row."""
        own = dict({"mobile": "", "phone": "", "email": ""}, **self.own_points, row=self.first_row)
        return [own, *self.contacts]

    def duplicate_vals(self):
        vals = {"name": self.customer.get("name"), "is_company": True}
        if self.customer.get("credit_code"):
            vals["crm_credit_code"] = self.customer["credit_code"]
        vals.update(self.own_points)
        return vals

    def value_at(self, row, key):
        parsed = self.rows.get(row)
        if parsed is None:
            return ""
        return parsed.customer.get(key) or parsed.contact.get(key) or ""


class CrmPartnerImportLine(models.TransientModel):
    _name = "crm.partner.import.line"
    _description = "Problem Found in a Customer Import"
    _order = "severity, row, id"

    import_id = fields.Many2one("crm.partner.import", required=True, ondelete="cascade", index=True)
    row = fields.Integer(help="Row number as shown in the spreadsheet.")
    column = fields.Char(help="Column header as written in the spreadsheet.")
    value = fields.Char()
    message = fields.Char(required=True)
    severity = fields.Selection([("error", "Error"), ("warning", "Warning")], required=True, default="error")
