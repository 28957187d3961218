import base64
import io
from unittest.mock import patch

from openpyxl import Workbook, load_workbook

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import file_open

from odoo.addons.crm_core_ext.wizard import crm_partner_import
from odoo.addons.crm_core_ext.wizard.crm_partner_import import CrmPartnerImport

HEADER = (
    "客户名称",
    "统一社会信用代码",
    "客户类型",
    "所属行业",
    "省份",
    "城市",
    "详细地址",
    "联系人",
    "职务",
    "手机",
    "办公电话",
    "电子邮件",
    "生日",
    "负责人",
    "客户来源",
    "备注",
)
# Valid codes (GB 32100-2015 check character correct).
CODE_YUNFAN = "91330106MA2B3C4D5D"
CODE_HUATUO = "91110108MA01XY312E"
CODE_HAIAN = "91440300MA5F6G7H8B"
CODE_SHENDA = "91310115MA1H2J3K4G"


def xlsx(rows, header=HEADER, sheet="客户资料", before=(), merge=()):
    """An .xlsx workbook: optional rows before the header, the header, the rows."""
    book = Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for row in before:
        worksheet.append(list(row))
    if header:
        worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    for cells in worksheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, as Excel stores '=... typed with an apostrophe, not a formula
    for cell_range in merge:
        worksheet.merge_cells(cell_range)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def row(name, code="", contact="", mobile="", email="", **values):
    """A row of the template from the values that matter to a test."""
    cells = dict(values, 客户名称=name, 统一社会信用代码=code, 联系人=contact, 手机=mobile, 电子邮件=email)
    return [cells.get(column, "") for column in HEADER]


class PartnerImportCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create(
            {"name": "Import Company B", "country_id": cls.env.ref("base.cn").id}
        )
        cls.manager = new_test_user(
            cls.env,
            login="import_manager",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.company_b).ids)],
        )
        cls.salesman = new_test_user(
            cls.env, login="import_salesman", groups="sales_team.group_sale_salesman", company_id=cls.company.id
        )
        cls.sales_li = new_test_user(
            cls.env, login="li_sales", name="李销售", groups="sales_team.group_sale_salesman", company_id=cls.company.id
        )
        cls.sales_zhang = new_test_user(
            cls.env,
            login="zhang_sales",
            name="张销售",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.sales_wang = new_test_user(
            cls.env,
            login="wang_sales",
            name="王销售",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.industry = cls.env["res.partner.industry"].create({"name": "机械制造"})
        cls.sample = file_open("crm_core_ext/tests/data/legacy_customers_sample.xls", "rb").read()

    def _wizard(self, content, filename="customers.xlsx", user=None, **vals):
        user = user or self.manager
        # the companies switched on in the user's company switcher
        active = self.env["res.company"].browse(vals.get("company_id")) or user.company_id
        return (
            self.env["crm.partner.import"]
            .with_user(user)
            .with_context(allowed_company_ids=(active | user.company_id).ids)
            .create({"file": base64.b64encode(content), "filename": filename, **vals})
        )

    def _problems(self, wizard, severity="error"):
        return {(line.row, line.column) for line in wizard.line_ids if line.severity == severity}

    def _partners(self, *names):
        return self.env["res.partner"].with_context(active_test=False).search([("name", "in", list(names))])


@tagged("post_install", "-at_install")
class TestPartnerImport(PartnerImportCommon):
    def test_sample_xls_errors_by_row_and_column_nothing_imported(self):
        """The legacy sample: every deliberate error is listed where it is, and importing is refused."""
        partner_count = self.env["res.partner"].search_count([])
        wizard = self._wizard(self.sample, "legacy_customers_sample.xls")
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        errors = self._problems(wizard)
        self.assertEqual(
            errors,
            {
                (5, "客户名称"),  # 北京 华拓科技: same customer as row 4 (name and phone)
                (6, "统一社会信用代码"),  # wrong check character
                (8, "手机"),  # one digit short
                (8, "电子邮件"),  # no domain
                (8, "生日"),  # 1988-02-30
            },
        )
        lines = {(line.row, line.column): line for line in wizard.line_ids if line.severity == "error"}
        self.assertIn("row 4", lines[5, "客户名称"].message)
        self.assertEqual(lines[6, "统一社会信用代码"].value, "91510100MA61ABCDE0")
        self.assertEqual(lines[8, "生日"].value, "1988-02-30")
        self.assertEqual(wizard.error_count, 5)
        # full-width digits of row 7 are a valid mobile number once normalised
        self.assertNotIn((7, "手机"), errors | self._problems(wizard, "warning"))
        with self.assertRaises(UserError) as caught:
            wizard.action_import()
        message = str(caught.exception)
        self.assertIn("Nothing was imported", message)
        self.assertIn("Row 6, column 统一社会信用代码 (91510100MA61ABCDE0)", message)
        self.assertIn("Row 8, column 生日 (1988-02-30)", message)
        self.assertEqual(self.env["res.partner"].search_count([]), partner_count)

    def test_import_customers_with_contacts(self):
        content = xlsx(
            [
                row(
                    "杭州云帆机械有限公司",
                    CODE_YUNFAN,
                    "王建国",
                    "138 0013 8000",
                    "wangjg@yunfan.example",
                    客户类型="重点客户",
                    所属行业="机械制造",
                    省份="Zhejiang",
                    城市="杭州市",
                    详细地址="文三路 90 号",
                    职务="采购经理",
                    办公电话="0571-88886666",
                    生日="1978-03-15",
                    负责人="李销售",
                    客户来源="展会",
                    备注="老客户",
                ),  # fmt: skip
                row("杭州云帆机械有限公司", CODE_YUNFAN, "陈静", "+86 139-0571-2222", 负责人="李销售"),
                row(
                    "深圳市海岸医药连锁有限公司",
                    CODE_HAIAN,
                    "",
                    "",
                    "info@haian.example",
                    省份="广东",
                    负责人="zhang_sales",
                    备注="总部",
                ),  # fmt: skip
            ]
        )
        wizard = self._wizard(content)
        wizard.action_preview()
        self.assertFalse(self._problems(wizard), wizard.line_ids.mapped("message"))
        self.assertEqual((wizard.customer_count, wizard.contact_count, wizard.update_count), (2, 2, 0))
        wizard.action_import()
        self.assertEqual(wizard.state, "done")

        yunfan = self._partners("杭州云帆机械有限公司")
        self.assertEqual(len(yunfan), 1)
        self.assertEqual(wizard.partner_ids, yunfan | self._partners("深圳市海岸医药连锁有限公司"))
        self.assertTrue(yunfan.is_company)
        self.assertEqual(yunfan.company_id, self.company)
        self.assertEqual(yunfan.crm_credit_code, CODE_YUNFAN)
        self.assertEqual(yunfan.state_id, self.env.ref("base.state_cn_ZJ"))
        self.assertEqual(yunfan.country_id, self.env.ref("base.cn"))
        self.assertEqual((yunfan.city, yunfan.street), ("杭州市", "文三路 90 号"))
        self.assertEqual(yunfan.industry_id, self.industry)
        self.assertEqual(yunfan.category_id.name, "重点客户")
        self.assertEqual(yunfan.crm_source_id.name, "展会")
        self.assertEqual(yunfan.user_id, self.sales_li)
        contacts = yunfan.child_ids.sorted("name")
        self.assertEqual(contacts.mapped("name"), ["王建国", "陈静"])
        wang = contacts.filtered(lambda c: c.name == "王建国")
        self.assertEqual(wang.mobile, "+8613800138000")
        self.assertEqual(wang.phone, "+8657188886666")
        self.assertEqual(wang.function, "采购经理")
        self.assertEqual(wang.email, "wangjg@yunfan.example")
        self.assertIn("老客户", wang.comment)
        birthday_field = next((f for f in crm_partner_import.BIRTHDAY_FIELDS if f in wang._fields), None)
        if birthday_field:
            self.assertEqual(str(wang[birthday_field]), "1978-03-15")
        else:
            self.assertIn("1978-03-15", wang.comment)
        self.assertEqual(contacts.filtered(lambda c: c.name == "陈静").mobile, "+8613905712222")

        haian = self._partners("深圳市海岸医药连锁有限公司")
        self.assertFalse(haian.child_ids, "a row without contact name describes the customer itself")
        self.assertEqual(haian.email, "info@haian.example")
        self.assertEqual(haian.state_id, self.env.ref("base.state_cn_GD"))
        self.assertEqual(haian.user_id, self.sales_zhang)
        self.assertIn("总部", haian.comment)

    def test_legacy_shape_title_row_english_headers_merged_cells(self):
        """A title above the header, English column names, the customer's cells merged over its contacts."""
        header = ["Customer Name", "Credit Code", "Province", "Contact", "Mobile", "Unknown Column"]
        content = xlsx(
            [
                ["上海申达物流有限公司", CODE_SHENDA, "Shanghai", "吴芳", "13800138001", "x"],
                [None, None, None, "周强", "13722223333", ""],
            ],
            header=header,
            before=[["2019 年客户资料导出"]],
            merge=["A3:A4", "B3:B4", "C3:C4"],
        )
        wizard = self._wizard(content)
        wizard.action_preview()
        self.assertFalse(self._problems(wizard))
        self.assertEqual(self._problems(wizard, "warning"), {(2, "Unknown Column")})
        wizard.action_import()
        shenda = self._partners("上海申达物流有限公司")
        self.assertEqual(shenda.state_id, self.env.ref("base.state_cn_SH"))
        self.assertEqual(sorted(shenda.child_ids.mapped("name")), sorted(["吴芳", "周强"]))

    def test_unreadable_files(self):
        partner_count = self.env["res.partner"].search_count([])
        cases = [
            (b"name,phone\nfoo,123\n", "customers.xls", "is not an Excel workbook"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00garbage" * 100, "customers.xls", "could not be read"),
            (xlsx([row("甲公司")])[:300], "customers.xlsx", "could not be read"),
            (self.sample[:2000], "truncated.xls", "could not be read"),
        ]
        for content, filename, message in cases:
            with self.subTest(message=message, filename=filename):
                wizard = self._wizard(content, filename)
                with self.assertRaisesRegex(UserError, message):
                    wizard.action_preview()
                with self.assertRaisesRegex(UserError, message):
                    wizard.action_import()
        wizard = self.env["crm.partner.import"].with_user(self.manager).create({})
        with self.assertRaisesRegex(UserError, "choose the spreadsheet"):
            wizard.action_preview()
        self.assertEqual(self.env["res.partner"].search_count([]), partner_count)

    def test_wrongly_shaped_sheets(self):
        # no customer name column: the message names it and the header row
        content = xlsx([["王建国", "13800138000"]], header=["联系人", "手机"])
        with self.assertRaisesRegex(UserError, r"Row 1 of sheet 客户资料.*客户名称 \(Customer Name\)"):
            self._wizard(content).action_preview()
        # no header at all
        content = xlsx([["杭州云帆", "王建国"]], header=None)
        with self.assertRaisesRegex(UserError, "No header row was found"):
            self._wizard(content).action_preview()
        # the header twice
        content = xlsx([["杭州云帆", "x"]], header=["客户名称", "Customer Name"])
        with self.assertRaisesRegex(UserError, "names the column Customer Name twice"):
            self._wizard(content).action_preview()
        # header only
        with self.assertRaisesRegex(UserError, r"no customer rows below its header \(row 1\)"):
            self._wizard(xlsx([])).action_preview()
        # a row shifted to the right: values beyond the header are an error naming the row
        shifted = [*row("乙公司", contact="李雷"), "", "13800138000"]
        wizard = self._wizard(xlsx([row("甲公司", contact="韩梅梅"), shifted]))
        wizard.action_preview()
        self.assertEqual(self._problems(wizard), {(3, "R")})
        self.assertIn("Row 3 has a value in column R", wizard.line_ids.message)
        with self.assertRaisesRegex(UserError, "Row 3, column R"):
            wizard.action_import()
        self.assertFalse(self._partners("甲公司", "乙公司"))

    def test_row_errors(self):
        content = xlsx(
            [
                row("", contact="无名"),
                row("甲公司", "91330106MA2B3C4D5", 省份="火星省"),
                row("乙公司", 负责人="不存在的人", 生日=45000.0, contact="赵六"),
                row("丙公司", 客户来源="网站", contact="钱七", 生日="2999-01-01"),
                row("", CODE_SHENDA, contact="吴芳"),  # a code without a name
            ]
        )
        wizard = self._wizard(content)
        wizard.action_preview()
        self.assertEqual(
            self._problems(wizard),
            {(2, "客户名称"), (3, "统一社会信用代码"), (3, "省份"), (4, "负责人"), (5, "生日"), (6, "客户名称")},
        )
        self.assertEqual(wizard.customer_count, 4)
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertFalse(self._partners("甲公司", "乙公司", "丙公司", "无名"))
        self.assertFalse(self.env["utm.source"].search([("name", "=", "网站")]))

    def test_duplicates_of_existing_customers_stop_or_skip(self):
        existing = self.env["res.partner"].create(
            {
                "name": "北京华拓科技股份有限公司",
                "is_company": True,
                "mobile": "13911112222",
                "country_id": self.env.ref("base.cn").id,
            }
        )
        content = xlsx(
            [
                row("北京 华拓科技", contact="钱伟", mobile="86-13911112222"),
                row("杭州云帆机械有限公司", CODE_YUNFAN, "王建国", "13800138000"),
            ]
        )
        wizard = self._wizard(content)
        wizard.action_preview()
        self.assertEqual(self._problems(wizard), {(2, "客户名称")})
        message = wizard.line_ids.filtered(lambda line: line.row == 2).message
        self.assertIn("Possible duplicate of existing customer 北京华拓科技股份有限公司", message)
        self.assertIn("phone", message)
        with self.assertRaisesRegex(UserError, "Possible duplicate"):
            wizard.action_import()
        self.assertFalse(self._partners("杭州云帆机械有限公司", "北京 华拓科技"))

        wizard.duplicate_policy = "skip"
        wizard.action_preview()
        self.assertFalse(self._problems(wizard))
        self.assertEqual(self._problems(wizard, "warning"), {(2, "客户名称")})
        self.assertEqual((wizard.customer_count, wizard.skipped_count), (1, 1))
        wizard.action_import()
        self.assertTrue(self._partners("杭州云帆机械有限公司"))
        self.assertFalse(self._partners("北京 华拓科技", "钱伟"))
        self.assertFalse(existing.child_ids)

    def test_update_existing_customer_by_credit_code(self):
        existing = self.env["res.partner"].create(
            {
                "name": "杭州云帆机械有限公司",
                "is_company": True,
                "crm_credit_code": CODE_YUNFAN,
                "company_id": self.company.id,
            }
        )
        old_contact = self.env["res.partner"].create({"name": "王建国", "parent_id": existing.id})
        content = xlsx(
            [
                row("杭州云帆机械有限公司", CODE_YUNFAN, "王建国", "13800138000", 城市="杭州市"),
                row("杭州云帆机械有限公司", CODE_YUNFAN, "陈静", "13905712222"),
            ]
        )
        wizard = self._wizard(content)
        wizard.action_preview()
        self.assertEqual(self._problems(wizard), {(2, "统一社会信用代码")}, "create mode: the code exists")

        wizard.import_mode = "update"
        wizard.action_preview()
        self.assertFalse(self._problems(wizard), wizard.line_ids.mapped("message"))
        self.assertEqual((wizard.customer_count, wizard.update_count, wizard.contact_count), (0, 1, 2))
        wizard.action_import()
        self.assertEqual(self._partners("杭州云帆机械有限公司"), existing)
        self.assertEqual(existing.city, "杭州市")
        self.assertEqual(old_contact.mobile, "+8613800138000")
        self.assertEqual(sorted(existing.child_ids.mapped("name")), sorted(["王建国", "陈静"]))

    def test_import_checks_again(self):
        """A customer created between preview and import is caught by the import itself."""
        wizard = self._wizard(xlsx([row("杭州云帆机械有限公司", CODE_YUNFAN, "王建国")]))
        wizard.action_preview()
        self.assertFalse(wizard.error_count)
        self.env["res.partner"].create({"name": "云帆机械", "is_company": True, "crm_credit_code": CODE_YUNFAN})
        with self.assertRaisesRegex(UserError, "Row 2, column 统一社会信用代码"):
            wizard.action_import()
        self.assertFalse(self._partners("杭州云帆机械有限公司", "王建国"))

    def test_all_or_nothing_when_a_batch_fails(self):
        content = xlsx([row(f"测试客户{index}有限公司", contact=f"联系人{index}") for index in range(5)])
        wizard = self._wizard(content)
        original = CrmPartnerImport._crm_import_batch
        calls = []

        def failing_batch(self, partner_model, groups, refs):
            calls.append(len(groups))
            if len(calls) == 2:
                raise ValueError("The database refused the second batch")
            return original(self, partner_model, groups, refs)

        with (
            patch.object(crm_partner_import, "BATCH_SIZE", 2),
            patch.object(CrmPartnerImport, "_crm_import_batch", failing_batch),
            self.assertRaisesRegex(ValueError, "second batch"),
        ):
            wizard.action_import()
        self.assertEqual(calls, [2, 2])
        self.assertFalse(self._partners(*[f"测试客户{index}有限公司" for index in range(5)]))
        self.assertFalse(self._partners("联系人0", "联系人1"))

    def test_batches(self):
        """One duplicate check and two creates (customers, contacts) per batch of customers."""
        content = xlsx([row(f"批量客户{index}有限公司", contact=f"批量联系人{index}") for index in range(5)])
        wizard = self._wizard(content)
        partner_class = type(self.env["res.partner"])
        original_create = partner_class.create
        original_candidates = partner_class._crm_duplicate_candidates
        creates, checks = [], []

        def counting_create(records, vals_list):
            creates.append(len(vals_list) if isinstance(vals_list, list) else 1)
            return original_create(records, vals_list)

        def counting_candidates(records, vals_list, company=None):
            # the wizard's own checks, not those the duplicate check makes when partners are created
            if not records.env.context.get("crm_partner_import"):
                checks.append(len(vals_list))
            return original_candidates(records, vals_list, company=company)

        with (
            patch.object(crm_partner_import, "BATCH_SIZE", 2),
            patch.object(partner_class, "create", counting_create),
            patch.object(partner_class, "_crm_duplicate_candidates", counting_candidates),
        ):
            wizard.action_import()
        self.assertEqual(checks, [2, 2, 1], "customers only: contacts without phone or e-mail are not checked")
        self.assertEqual(creates, [2, 2, 2, 2, 1, 1])
        self.assertEqual(len(wizard.partner_ids), 5)

    def test_size_limits_from_system_parameters(self):
        """Files, rows and columns beyond the limits are refused with a message
        that names the limit, before anything is checked or written."""
        params = self.env["ir.config_parameter"]
        content = xlsx([row(f"限额客户{index}有限公司", contact=f"限额联系人{index}") for index in range(5)])
        cases = [
            ("crm_core_ext.import_max_rows", "5", r"Sheet 客户资料 of customers.xlsx has more than 5 rows"),
            ("crm_core_ext.import_max_columns", "10", r"cells beyond column J: an import reads at most 10 columns"),
            ("crm_core_ext.import_max_file_mb", "0.001", r"an import accepts files of at most 0.001 MB"),
        ]
        for key, value, message in cases:
            with self.subTest(key=key):
                for other, __, __ in cases:
                    params.set_param(other, False)
                params.set_param(key, value)
                with self.assertRaisesRegex(UserError, message) as caught:
                    self._wizard(content).action_preview()
                self.assertIn(key, str(caught.exception))
                with self.assertRaisesRegex(UserError, message):
                    self._wizard(content).action_import()
        params.set_param("crm_core_ext.import_max_file_mb", False)
        params.set_param("crm_core_ext.import_max_columns", False)
        params.set_param("crm_core_ext.import_max_rows", "3")
        with self.assertRaisesRegex(UserError, "Sheet 客户资料 of legacy_customers_sample.xls has more than 3 rows"):
            self._wizard(self.sample, "legacy_customers_sample.xls").action_preview()
        # a parameter that is not a positive number leaves the default
        for value in ("many", "-1", "0"):
            params.set_param("crm_core_ext.import_max_rows", value)
            self._wizard(content).action_preview()
        self.assertFalse(self._partners("限额客户0有限公司"))

    def test_far_away_cell_refused_at_once(self):
        """A sheet of a few kilobytes holding a cell at XFD1048576 is refused
        at once (reading its 16 billion cells took hours)."""
        book = load_workbook(io.BytesIO(xlsx([row("甲公司", contact="韩梅梅")])))
        book.active.cell(row=1048576, column=16384, value="x")
        output = io.BytesIO()
        book.save(output)
        with self.assertRaisesRegex(UserError, "has more than 50000 rows, the most an import reads"):
            self._wizard(output.getvalue()).action_preview()

    def test_formulas_stored_as_text(self):
        """Text that a spreadsheet program would run as a formula is stored
        with a leading apostrophe (with a warning) in the free-text columns;
        phones, numbers and the placeholder '-' are kept as they are, and an
        e-mail address starting like a formula is refused."""
        hyperlink = '=HYPERLINK("http://evil.example","云帆")'
        content = xlsx(
            [
                row(
                    hyperlink,
                    CODE_YUNFAN,
                    "+王建国",
                    "+86 138 0013 8000",
                    客户类型="=1+1",
                    城市="@SUM(A1)",
                    详细地址="-",
                    职务="-采购经理",
                    办公电话="-0571-88886666",
                    备注=-5,
                    客户来源=" =cmd|' /C calc'!A0",
                ),  # fmt: skip
                row(hyperlink, CODE_YUNFAN, "陈静", 备注="=1+1"),
            ]
        )
        wizard = self._wizard(content)
        wizard.action_preview()
        self.assertFalse(self._problems(wizard), wizard.line_ids.mapped("message"))
        self.assertEqual(
            self._problems(wizard, "warning"),
            {(2, "客户名称"), (2, "联系人"), (2, "客户类型"), (2, "城市"), (2, "职务"), (2, "客户来源"), (3, "备注")},
        )
        self.assertIn("stored as '=1+1", " ".join(wizard.line_ids.mapped("message")))
        wizard.action_import()
        customer = wizard.partner_ids
        self.assertRecordValues(
            customer,
            [{"name": "'" + hyperlink, "city": "'@SUM(A1)", "street": "-", "crm_credit_code": CODE_YUNFAN}],
        )
        self.assertEqual(customer.category_id.name, "'=1+1")
        self.assertEqual(customer.crm_source_id.name, "'=cmd|' /C calc'!A0")
        wang = customer.child_ids.filtered(lambda contact: contact.name == "'+王建国")
        self.assertRecordValues(
            wang, [{"function": "'-采购经理", "mobile": "+8613800138000", "phone": "+8657188886666"}]
        )
        self.assertIn("-5", wang.comment)
        self.assertNotIn("'-5", wang.comment)
        self.assertIn("'=1+1", customer.child_ids.filtered(lambda contact: contact.name == "陈静").comment)

        wizard = self._wizard(xlsx([row("乙公司", contact="李雷", email="-2+3@evil.example")]))
        wizard.action_preview()
        self.assertEqual(self._problems(wizard), {(2, "电子邮件")})
        self.assertIn("starts with -", wizard.line_ids.message)

    def test_template(self):
        wizard = self.env["crm.partner.import"].with_user(self.manager).create({})
        action = wizard.action_download_template()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"id={wizard.id}&field=template_file", action["url"])
        self.assertEqual(wizard.template_filename, "customer_import_template.xlsx")
        book = load_workbook(io.BytesIO(base64.b64decode(wizard.template_file)))
        self.assertEqual(book.sheetnames, ["客户资料", "说明"])
        self.assertEqual(tuple(cell.value for cell in book["客户资料"][1]), HEADER)
        documented = [book["说明"].cell(row=index, column=1).value for index in range(2, 2 + len(HEADER))]
        self.assertEqual(tuple(documented), HEADER)
        self.assertEqual(book["说明"].cell(row=2, column=3).value, "Yes")
        # the empty template is refused, the filled one imports
        with self.assertRaisesRegex(UserError, "no customer rows"):
            self._wizard(base64.b64decode(wizard.template_file)).action_preview()
        book["客户资料"].append(row("模板客户有限公司", CODE_HUATUO, "赵敏", "13911112222"))
        output = io.BytesIO()
        book.save(output)
        filled = self._wizard(output.getvalue())
        filled.action_import()
        self.assertEqual(self._partners("模板客户有限公司").child_ids.name, "赵敏")

    def test_tags_and_sources_found_or_created_once(self):
        tag = self.env["res.partner.category"].create({"name": "VIP Customer"})
        content = xlsx(
            [
                row("甲公司", 客户类型="vip customer", 客户来源="展会"),
                row("乙公司", 客户类型="新类型", 客户来源="展会"),
                row("丙公司", 客户类型="新类型", 客户来源="老客户介绍"),
            ]
        )
        tag_count = self.env["res.partner.category"].search_count([])
        self._wizard(content).action_import()
        self.assertEqual(self._partners("甲公司").category_id, tag)
        self.assertEqual(self.env["res.partner.category"].search_count([]), tag_count + 1)
        self.assertEqual(self._partners("乙公司").category_id, self._partners("丙公司").category_id)
        self.assertEqual(self._partners("乙公司").category_id.name, "新类型")
        sources = self._partners("甲公司", "乙公司", "丙公司").crm_source_id
        self.assertEqual(sorted(sources.mapped("name")), ["展会", "老客户介绍"])


@tagged("post_install", "-at_install")
class TestPartnerImportAccess(PartnerImportCommon):
    def test_salesperson_cannot_import(self):
        with self.assertRaises(AccessError):
            self._wizard(xlsx([row("甲公司")]), user=self.salesman)

    def test_imports_are_private(self):
        wizard = self._wizard(xlsx([row("甲公司")]))
        other_manager = new_test_user(
            self.env, login="import_manager_2", groups="sales_team.group_sale_manager", company_id=self.company.id
        )
        with self.assertRaises(AccessError):
            wizard.with_user(other_manager).read(["file"])
        with self.assertRaises(AccessError):
            wizard.with_user(other_manager).action_import()

    def test_multi_company(self):
        """Import into company B: company A's customers are no duplicates, A's salespeople unknown,
        the customers belong to B and stay invisible to A's users."""
        self.env["res.partner"].create(
            {"name": "杭州云帆机械有限公司", "is_company": True, "mobile": "13800138000", "company_id": self.company.id}
        )
        content = xlsx([row("杭州云帆机械有限公司", CODE_YUNFAN, "王建国", "13800138000", 负责人="李销售")])
        wizard = self._wizard(content, company_id=self.company_b.id)
        wizard.action_preview()
        self.assertEqual(self._problems(wizard), {(2, "负责人")})
        self.assertIn("Import Company B", wizard.line_ids.message)
        self.sales_li.company_ids = [Command.link(self.company_b.id)]
        wizard.action_preview()
        self.assertFalse(self._problems(wizard), wizard.line_ids.mapped("message"))
        wizard.action_import()
        imported = wizard.partner_ids
        self.assertEqual(imported.company_id, self.company_b)
        self.assertEqual(imported.child_ids.company_id, self.company_b)
        user_a = new_test_user(self.env, login="import_user_a", groups="sales_team.group_sale_salesman_all_leads")
        self.assertFalse(self.env["res.partner"].with_user(user_a).search([("id", "in", imported.ids)]))

        # a user of company A only may not import into company B
        manager_a = new_test_user(
            self.env,
            login="import_manager_a",
            groups="sales_team.group_sale_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self._wizard(content, user=manager_a, company_id=self.company_b.id)
