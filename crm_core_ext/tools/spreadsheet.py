"""Reading the data sheet of a legacy customer workbook (.xls or .xlsx).

Pure Python (no database, no environment): the rows of the sheet as lists of
cell values, merged cells filled with the value of their top-left cell. What
goes wrong is raised as a :class:`SpreadsheetError`, which the import wizard
turns into a translated message; a damaged file raises what xlrd or openpyxl
raise.

A workbook is read within :class:`Limits`: the file's size, and the rows and
columns of its data sheet. A small file can claim (or hold) cells far away,
such as XFD1048576: the size the sheet claims is checked before any row is
read, and reading stops at the first row or column past the limits, so that
such a file is refused at once instead of keeping a worker busy for hours.
"""

import dataclasses
import io
import itertools
import re
import zipfile

import xlrd
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from .import_cells import CellError, header_key, text
from .import_columns import DATA_SHEET_NAMES, HELP_SHEET_NAME

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)
ZIP_SIGNATURE = b"PK\x03\x04"  # .xlsx
# An .xlsx is a zip of XML parts: they may unpack to at most this many times
# the file size limit (text compresses about 5 to 20 times).
UNPACKED_FACTOR = 30
# <mergeCell ref="A3:A4"/> elements of a sheet's XML (with or without prefix).
MERGE_CELL_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']([A-Za-z0-9:$]+)[\"']")
MERGE_SCAN_CHUNK = 1 << 20
MERGE_SCAN_OVERLAP = 256


@dataclasses.dataclass(frozen=True)
class Limits:
    """What an import reads at most: the file's size in bytes, the rows
    (header included) and the columns of its data sheet."""

    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 50000
    max_columns: int = 100


class SpreadsheetError(Exception):
    """A workbook the import cannot use."""


class NotAWorkbookError(SpreadsheetError):
    """The content is neither an .xls nor an .xlsx workbook."""


class NoDataSheetError(SpreadsheetError):
    """The workbook has no sheet with data."""


class LimitError(SpreadsheetError):
    """The workbook is larger than the :class:`Limits` allow.

    :param kind: 'bytes' (the file), 'unpacked' (the XML parts of an .xlsx),
        'rows' or 'columns' (of the data sheet ``sheet``)
    :param limit: the limit exceeded (bytes, rows or columns)
    """

    def __init__(self, kind, limit, sheet=None):
        super().__init__(kind, limit, sheet)
        self.kind = kind
        self.limit = limit
        self.sheet = sheet


def read_workbook(content, limits=None, sheet_names=DATA_SHEET_NAMES):
    """Return (sheet name, rows, datemode) of the data sheet of the workbook
    ``content`` (bytes): rows are lists of cell values (str, float, bool,
    datetime, CellError or None), all as long as the longest one, merged cells
    filled with the value of their top-left cell.

    :param limits: :class:`Limits` (default: ``Limits()``)
    :param sheet_names: names of the data sheet, in order of preference
        (default: the customer import's); else the first sheet with data
    :raise LimitError: when the file or its data sheet exceeds ``limits``
    """
    limits = limits or Limits()
    if len(content) > limits.max_bytes:
        raise LimitError("bytes", limits.max_bytes)
    if content.startswith(OLE2_SIGNATURE):
        return read_xls(content, limits, sheet_names)
    if content.startswith(ZIP_SIGNATURE):
        return read_xlsx(content, limits, sheet_names)
    raise NotAWorkbookError()


def check_size(sheet_name, rows, columns, limits):
    """Refuse a sheet of ``rows`` rows and ``columns`` columns (or that claims
    them) beyond ``limits``."""
    if rows > limits.max_rows:
        raise LimitError("rows", limits.max_rows, sheet_name)
    if columns > limits.max_columns:
        raise LimitError("columns", limits.max_columns, sheet_name)


def pad(rows):
    """Make the rows as long as the longest one (with None), in place."""
    width = max(map(len, rows), default=0)
    for row in rows:
        row.extend([None] * (width - len(row)))


def pick_sheet(names, is_empty, sheet_names=DATA_SHEET_NAMES):
    """The data sheet: the one named as one of ``sheet_names`` (by default
    客户资料 or customers), else the first sheet with data other than the
    help sheet."""
    by_key = {header_key(name): name for name in names}
    for wanted in sheet_names:
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


def read_xls(content, limits, sheet_names=DATA_SHEET_NAMES):
    # ragged rows: a cell at IV65536 does not make every row 256 cells long
    book = xlrd.open_workbook(file_contents=content, formatting_info=True, ragged_rows=True, on_demand=True)
    try:
        name = pick_sheet(book.sheet_names(), lambda n: not book.sheet_by_name(n).nrows, sheet_names)
        sheet = book.sheet_by_name(name)
        check_size(name, sheet.nrows, sheet.ncols, limits)
        rows = [[xls_value(cell, book.datemode) for cell in sheet.row(rowx)] for rowx in range(sheet.nrows)]
        merged = sheet.merged_cells
        datemode = book.datemode
    finally:
        book.release_resources()
    pad(rows)
    fill_merged(rows, merged)
    return name, rows, datemode


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


def read_xlsx(content, limits, sheet_names=DATA_SHEET_NAMES):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > limits.max_bytes * UNPACKED_FACTOR:
        raise LimitError("unpacked", limits.max_bytes * UNPACKED_FACTOR)
    # Read-only: rows are parsed one at a time, as they are read.
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        # the size each sheet claims (its <dimension>), before reading any
        claimed = {sheet.title: (sheet.max_row, sheet.max_column) for sheet in book.worksheets}
        name = pick_sheet(book.sheetnames, lambda n: xlsx_is_empty(book[n]), sheet_names)
        sheet = book[name]
        check_size(name, *(size or 0 for size in claimed[name]), limits)
        # ... then the rows the file holds, whatever it claims
        sheet.reset_dimensions()
        rows = []
        for row in sheet.iter_rows():
            check_size(name, len(rows) + 1, len(row), limits)
            rows.append([xlsx_value(cell) for cell in row])
        merged = xlsx_merged_ranges(content, sheet)
    finally:
        book.close()
    pad(rows)
    fill_merged(rows, merged)
    return name, rows, 0


def xlsx_is_empty(sheet):
    """Whether the read-only ``sheet`` holds at most its cell A1 (two rows read at most)."""
    sheet.reset_dimensions()
    rows = list(itertools.islice(sheet.iter_rows(), 2))
    return len(rows) <= 1 and all(len(row) <= 1 for row in rows)


def xlsx_merged_ranges(content, sheet):
    """Merged ranges of the read-only ``sheet`` as :func:`fill_merged` takes
    them. Read-only worksheets do not parse them: the <mergeCell> elements,
    after the data in the sheet's XML part, are found by a scan of the part,
    chunk by chunk (a fraction of the time a second XML parse takes)."""
    path = getattr(sheet, "_worksheet_path", None)  # openpyxl 3.0 and 3.1
    if not path:
        return []
    refs = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(path) as source:
        tail = b""
        while chunk := source.read(MERGE_SCAN_CHUNK):
            # each chunk is scanned with the end of the previous one, so that an
            # element cut between two chunks is found (once: it ends in the new one)
            data = tail + chunk
            refs += [match.group(1).decode() for match in MERGE_CELL_RE.finditer(data) if match.end() > len(tail)]
            tail = data[-MERGE_SCAN_OVERLAP:]
    ranges = []
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        ranges.append((min_row - 1, max_row, min_col - 1, max_col))
    return ranges


class HeaderError(SpreadsheetError):
    """The header row is missing or names a column twice.

    :param kind: 'missing' (no header in the first ``search_rows`` rows) or
        'twice' (row ``row`` names the column ``label`` in the 0-based
        columns ``first`` and ``second``)
    """

    def __init__(self, kind, row=None, label=None, first=None, second=None):
        super().__init__(kind, row, label, first, second)
        self.kind = kind
        self.row = row
        self.label = label
        self.first = first
        self.second = second


def find_header(rows, header_keys, search_rows=10, min_columns=2):
    """The header row: the first of the first ``search_rows`` rows naming at
    least ``min_columns`` known columns.

    :param header_keys: {header_key(label): column key}
    :return: (0-based row index, {column key: (0-based column index, label)})
    :raise HeaderError: no such row, or a row naming a column twice
    """
    for rowx, values in enumerate(rows[:search_rows]):
        columns = {}
        for index, value in enumerate(values):
            label = text(value)
            key = header_keys.get(header_key(label)) if label else None
            if not key:
                continue
            if key in columns:
                raise HeaderError("twice", rowx + 1, label, columns[key][0], index)
            columns[key] = (index, label)
        if len(columns) >= min_columns:
            return rowx, columns
    raise HeaderError("missing")
