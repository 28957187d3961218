"""Reading the data sheet of a legacy customer workbook (.xls or .xlsx).

Pure Python (no database, no environment): the rows of the sheet as lists of
cell values, merged cells filled with the value of their top-left cell. What
goes wrong is raised as a :class:`SpreadsheetError`, which the import wizard
turns into a translated message; a damaged file raises what xlrd or openpyxl
raise.
"""

import io

import xlrd
from openpyxl import load_workbook

from .import_cells import CellError, header_key
from .import_columns import DATA_SHEET_NAMES, HELP_SHEET_NAME

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)
ZIP_SIGNATURE = b"PK\x03\x04"  # .xlsx


class SpreadsheetError(Exception):
    """A workbook the import cannot use."""


class NotAWorkbookError(SpreadsheetError):
    """The content is neither an .xls nor an .xlsx workbook."""


class NoDataSheetError(SpreadsheetError):
    """The workbook has no sheet with data."""


def read_workbook(content):
    """Return (sheet name, rows, datemode) of the data sheet of the workbook
    ``content`` (bytes): rows are lists of cell values (str, float, bool,
    datetime, CellError or None), merged cells filled with the value of their
    top-left cell."""
    if content.startswith(OLE2_SIGNATURE):
        return read_xls(content)
    if content.startswith(ZIP_SIGNATURE):
        return read_xlsx(content)
    raise NotAWorkbookError()


def pick_sheet(names, is_empty):
    """The data sheet: the one named 客户资料 (or customers), else the first
    sheet with data other than the help sheet."""
    by_key = {header_key(name): name for name in names}
    for wanted in DATA_SHEET_NAMES:
        if header_key(wanted) in by_key:
            return by_key[header_key(wanted)]
    for name in names:
        if name != HELP_SHEET_NAME and not is_empty(name):
            return name
    raise NoDataSheetError()


def fill_merged(rows, ranges):
    """Give every cell of the merged ``ranges`` (0-based, ends excluded:
    (first row, row after, first column, column after)) the value of its
    top-left cell, in place."""
    for row_low, row_high, col_low, col_high in ranges:
        if row_low >= len(rows):
            continue
        value = rows[row_low][col_low] if col_low < len(rows[row_low]) else None
        for rowx in range(row_low, min(row_high, len(rows))):
            for colx in range(col_low, min(col_high, len(rows[rowx]))):
                rows[rowx][colx] = value


def read_xls(content):
    book = xlrd.open_workbook(file_contents=content, formatting_info=True)
    name = pick_sheet(book.sheet_names(), lambda n: not book.sheet_by_name(n).nrows)
    sheet = book.sheet_by_name(name)
    rows = [[xls_value(cell, book.datemode) for cell in sheet.row(rowx)] for rowx in range(sheet.nrows)]
    fill_merged(rows, sheet.merged_cells)
    return name, rows, book.datemode


def xls_value(cell, datemode):
    """The value of an xlrd cell, as :func:`read_workbook` returns it."""
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return CellError(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value


def xlsx_value(cell):
    """The value of an openpyxl cell, as :func:`read_workbook` returns it."""
    if cell.data_type == "e":
        return CellError(str(cell.value))
    if isinstance(cell.value, int) and not isinstance(cell.value, bool):
        return float(cell.value)
    return cell.value


def read_xlsx(content):
    book = load_workbook(io.BytesIO(content), data_only=True)
    name = pick_sheet(book.sheetnames, lambda n: book[n].max_row <= 1 and book[n].max_column <= 1)
    sheet = book[name]
    rows = [[xlsx_value(cell) for cell in row] for row in sheet.iter_rows()]
    fill_merged(
        rows,
        [
            (merged.min_row - 1, merged.max_row, merged.min_col - 1, merged.max_col)
            for merged in sheet.merged_cells.ranges
        ],
    )
    return name, rows, 0
