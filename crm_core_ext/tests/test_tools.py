"""Unit tests of the pure-Python helpers in ``tools/``: no database, no environment."""

import datetime
import io
import re
import time
import zipfile
from unittest.mock import patch

import xlwt
from openpyxl import Workbook

from odoo.tests import BaseCase, tagged

from odoo.addons.crm_core_ext.tools import import_cells as cells
from odoo.addons.crm_core_ext.tools import spreadsheet
from odoo.addons.crm_core_ext.tools.import_columns import HEADER_KEYS, IMPORT_COLUMNS
from odoo.addons.crm_core_ext.tools.partner_keys import (
    crm_clean_credit_code,
    crm_credit_code_check_char,
    crm_credit_code_is_valid,
    crm_credit_code_problem,
    crm_name_key,
    crm_name_pinyin,
    crm_normalize_email,
    crm_normalize_phone,
)


def far_cell_xlsx(row, column, dimension=True):
    """A small .xlsx with a header and one cell far away, with or without the
    <dimension> element that claims the sheet's size."""
    book = Workbook()
    sheet = book.active
    sheet.title = "客户资料"
    sheet.append(["客户名称", "联系人"])
    sheet.cell(row=row, column=column, value="x")
    output = io.BytesIO()
    book.save(output)
    if dimension:
        return output.getvalue()
    source, target = zipfile.ZipFile(output), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            archive.writestr(info, data)
    return target.getvalue()


def far_cell_xls(row, column):
    book = xlwt.Workbook()
    sheet = book.add_sheet("客户资料")
    sheet.write(0, 0, "客户名称")
    sheet.write(0, 1, "联系人")
    sheet.write(row, column, "x")
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def xlsx_content(sheets, merge=()):
    """An .xlsx workbook: ``sheets`` maps sheet names to lists of rows."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cell_range in merge if name == next(iter(sheets)) else ():
            sheet.merge_cells(cell_range)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@tagged("post_install", "-at_install")
class TestPartnerKeys(BaseCase):
    def test_phone(self):
        cases = {
            "13800138000": "+8613800138000",
            "138 0013 8000": "+8613800138000",
            "１３７２２２２３３３３": "+8613722223333",
            "+86 139-0571-2222": "+8613905712222",
            "86-13911112222": "+8613911112222",
            "0086 138 0013 8000": "+8613800138000",
            "(010) 6255 1234": "+861062551234",
            "（０１０）６２５５－１２３４": "+861062551234",
            "0571-88886666 转 123": "+8657188886666",
            "0571-88886666 ext. 9": "+8657188886666",
            "0571-88886666-123": "+8657188886666",
            "+1 650-253-0000": "+16502530000",
        }
        for number, expected in cases.items():
            self.assertEqual(crm_normalize_phone(number), expected, number)
        for number in ("", False, None, "1380013800", "62551234", "abc", "+86", "-"):
            self.assertFalse(crm_normalize_phone(number), number)
        self.assertEqual(crm_normalize_phone("2123 4567", "HK"), "+85221234567")
        self.assertFalse(crm_normalize_phone("2123 4567", "CN"))

    def test_email(self):
        self.assertEqual(crm_normalize_email("Sales@Huawei.EXAMPLE"), "sales@huawei.example")
        self.assertEqual(crm_normalize_email("张伟 <ZW@example.com>"), "zw@example.com")
        self.assertEqual(crm_normalize_email("ｓａｌｅｓ＠example.com"), "sales@example.com", "full-width")
        self.assertEqual(crm_normalize_email("a@example.com, b@example.com"), "a@example.com", "the first one")
        for email in ("", False, None, "not an address"):
            self.assertFalse(crm_normalize_email(email), email)

    def test_credit_code(self):
        for code in ("91110000600037341L", "91440300708461136T", "91330106MA2B3C4D5D"):
            self.assertEqual(crm_credit_code_check_char(code[:17]), code[17], code)
            self.assertIsNone(crm_credit_code_problem(code), code)
            self.assertTrue(crm_credit_code_is_valid(code), code)
        self.assertEqual(crm_credit_code_problem("91510100MA61ABCDE0"), "check")
        for code in ("9111000060003734", "91110000600037341I", "91AB0000600037341L"):
            self.assertEqual(crm_credit_code_problem(code), "format", code)
            self.assertFalse(crm_credit_code_is_valid(code), code)
        self.assertEqual(crm_clean_credit_code(" 9111 0000600037341l "), "91110000600037341L")
        self.assertEqual(crm_clean_credit_code("９１１１００００６０００３７３４１Ｌ"), "91110000600037341L")
        self.assertEqual(crm_clean_credit_code(None), "")

    def test_name_keys(self):
        self.assertEqual(crm_name_key("北京华拓科技股份有限公司"), "北京华拓")
        self.assertEqual(crm_name_key("阿里巴巴（中国）网络技术有限公司"), "阿里巴巴网络")
        self.assertEqual(crm_name_key("Beijing Huawei Technologies Co., Ltd."), "beijinghuawei")
        self.assertEqual(crm_name_key("Costco"), "costco")
        self.assertEqual(crm_name_key("科技有限公司"), "科技")
        self.assertEqual(crm_name_key(None), "")
        self.assertEqual(crm_name_pinyin("重庆长安"), "chongqingchangan")
        self.assertEqual(crm_name_pinyin(crm_name_key("北京 华为技术")), "beijinghuawei")
        self.assertEqual(crm_name_pinyin(""), "")


@tagged("post_install", "-at_install")
class TestImportCells(BaseCase):
    def test_text_and_display(self):
        self.assertEqual(cells.text(13800138000.0), "13800138000")
        self.assertEqual(cells.text("  杭州 \n 云帆  "), "杭州 云帆")
        self.assertEqual(cells.text(True), "1")
        self.assertEqual(cells.text(None), "")
        self.assertEqual(cells.text(cells.CellError("#N/A")), "")
        self.assertEqual(cells.display(datetime.datetime(1985, 6, 30)), "1985-06-30")
        self.assertEqual(cells.display(datetime.datetime(1985, 6, 30, 8, 0)), "1985-06-30 08:00:00")
        self.assertEqual(cells.display(2.5), "2.5")
        self.assertEqual(str(cells.CellError("#DIV/0!")), "#DIV/0!")

    def test_keys(self):
        self.assertEqual(cells.header_key("客户名称 *（必填）"), "客户名称")
        self.assertEqual(cells.header_key(" E-mail: "), "e-mail")
        self.assertEqual(HEADER_KEYS[cells.header_key("手机号码")], "mobile")
        self.assertEqual(len({column[0] for column in IMPORT_COLUMNS}), 16)
        self.assertEqual(cells.name_key("北京 华拓科技股份有限公司"), "北京华拓科技")
        self.assertEqual(cells.lookup_key("Zhang Xiao-Shou"), "zhangxiaoshou")
        self.assertEqual(cells.resolve({"vip": 7}, "V.I.P."), 7)
        self.assertEqual(cells.column_letter(0), "A")
        self.assertEqual(cells.column_letter(17), "R")

    def test_formula_text_neutralised(self):
        cases = {
            "=1+1": "'=1+1",
            '  =HYPERLINK("http://evil.example", "点击")': '\'=HYPERLINK("http://evil.example", "点击")',
            "+86 138 0013 8000": "'+86 138 0013 8000",  # as free text; phone columns are checked, not neutralised
            "-采购经理": "'-采购经理",
            "@SUM(A1)": "'@SUM(A1)",
            "-": "-",  # a placeholder, not a formula
            "杭州 = 西湖": "杭州 = 西湖",
            -5.0: "-5",  # a number stays a number
            None: "",
        }
        for value, expected in cases.items():
            self.assertEqual(cells.neutralise_formula(value), expected, value)
            self.assertEqual(cells.is_formula_text(value), expected.startswith("'"), value)

    def test_dates(self):
        expected = datetime.date(1985, 6, 30)
        for value in (
            "1985-06-30",
            "1985/6/30",
            "1985.06.30",
            "1985年6月30日",
            "19850630",
            "30/06/1985",
            "１９８５－０６－３０",
            datetime.datetime(1985, 6, 30),
            expected,
            31228.0,  # Excel serial number
        ):
            self.assertEqual(cells.parse_date(value, 0), expected, value)
        for value in ("1988-02-30", "soon", -1.0, 1e9):
            self.assertFalse(cells.parse_date(value, 0), value)


@tagged("post_install", "-at_install")
class TestSpreadsheet(BaseCase):
    def test_read_xlsx_with_merged_cells(self):
        content = xlsx_content(
            {
                "说明": [["help"]],
                "客户资料": [["客户名称", "联系人", "手机"], ["杭州云帆", "王建国", 13800138000], [None, "李娜", None]],
            }
        )
        name, rows, datemode = spreadsheet.read_workbook(content)
        self.assertEqual((name, datemode), ("客户资料", 0))
        self.assertEqual(rows[1], ["杭州云帆", "王建国", 13800138000.0])

        content = xlsx_content({"Sheet A": [["客户名称", "联系人"], ["杭州云帆", "王建国"], [None, "李娜"]]}, ["A2:A3"])
        name, rows, __ = spreadsheet.read_workbook(content)
        self.assertEqual(name, "Sheet A", "the first sheet with data")
        self.assertEqual([row[0] for row in rows], ["客户名称", "杭州云帆", "杭州云帆"])

    def test_not_a_workbook_or_no_data(self):
        with self.assertRaises(spreadsheet.NotAWorkbookError):
            spreadsheet.read_workbook(b"name,phone\nfoo,123\n")
        with self.assertRaises(spreadsheet.NoDataSheetError):
            spreadsheet.read_workbook(xlsx_content({"说明": [["help"]], "Empty": []}))

    def test_limits(self):
        content = xlsx_content(
            {"客户资料": [["客户名称", "联系人", "手机"]] + [[f"客户{i}", "王", "1"] for i in range(9)]}
        )
        self.assertEqual(len(spreadsheet.read_workbook(content)[1]), 10)
        with self.assertRaises(spreadsheet.LimitError) as caught:
            spreadsheet.read_workbook(content, spreadsheet.Limits(max_bytes=len(content) - 1))
        self.assertEqual((caught.exception.kind, caught.exception.limit), ("bytes", len(content) - 1))
        with self.assertRaises(spreadsheet.LimitError) as caught:
            spreadsheet.read_workbook(content, spreadsheet.Limits(max_rows=9))
        self.assertEqual((caught.exception.kind, caught.exception.sheet), ("rows", "客户资料"))
        with self.assertRaises(spreadsheet.LimitError) as caught:
            spreadsheet.read_workbook(content, spreadsheet.Limits(max_columns=2))
        self.assertEqual(caught.exception.kind, "columns")
        self.assertEqual(len(spreadsheet.read_workbook(content, spreadsheet.Limits(max_rows=10, max_columns=3))[1]), 10)

    def test_far_away_cells_refused_at_once(self):
        """A few kilobytes that claim or hold a cell at XFD1048576 (16 billion
        cells) are refused before their rows are read, or as soon as a row
        goes past the limits."""
        cases = [
            (far_cell_xlsx(1048576, 16384), "rows"),  # claimed by <dimension>
            (far_cell_xlsx(1048576, 16384, dimension=False), "rows"),  # found while reading
            (far_cell_xlsx(1, 16384), "columns"),
            (far_cell_xlsx(1, 16384, dimension=False), "columns"),
            (far_cell_xlsx(2, 101, dimension=False), "columns"),
            (far_cell_xls(65535, 255), "rows"),
            (far_cell_xls(1, 255), "columns"),
        ]
        for content, kind in cases:
            with self.subTest(kind=kind, size=len(content)):
                self.assertLess(len(content), 10000)
                start = time.monotonic()
                with self.assertRaises(spreadsheet.LimitError) as caught:
                    spreadsheet.read_workbook(content)
                self.assertEqual(caught.exception.kind, kind)
                self.assertLess(time.monotonic() - start, 10)

    def test_unpacked_size(self):
        book = Workbook()
        book.active.append(["客户名称", "备注"])
        for index in range(100):
            book.active.append([f"客户{index}", "x" * 30000])
        output = io.BytesIO()
        book.save(output)
        content = output.getvalue()  # 3 MB of XML in a few kilobytes
        with self.assertRaises(spreadsheet.LimitError) as caught:
            spreadsheet.read_workbook(content, spreadsheet.Limits(max_bytes=len(content)))
        self.assertEqual(caught.exception.kind, "unpacked")

    def test_merged_cells_found_across_chunks(self):
        content = xlsx_content(
            {
                "客户资料": [
                    ["客户名称", "联系人"],
                    ["杭州云帆", "王建国"],
                    [None, "李娜"],
                    ["上海申达", "吴芳"],
                    [None, "周强"],
                ]
            },
            ["A2:A3", "A4:A5"],
        )
        for chunk in (1 << 20, 7, 16, 64):
            with self.subTest(chunk=chunk), patch.object(spreadsheet, "MERGE_SCAN_CHUNK", chunk):
                rows = spreadsheet.read_workbook(content)[1]
                self.assertEqual([row[0] for row in rows[1:]], ["杭州云帆", "杭州云帆", "上海申达", "上海申达"])

    def test_fill_merged(self):
        rows = [["a", "b"], [None, None], [None]]
        spreadsheet.fill_merged(rows, [(0, 3, 0, 2), (5, 6, 0, 1)])
        self.assertEqual(rows, [["a", "a"], ["a", "a"], ["a"]])
