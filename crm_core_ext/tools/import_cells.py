"""Cells of a customer spreadsheet, as the import wizard reads and checks them.

Pure Python (no database, no environment): cell values as text, the keys
under which headers, names and references are compared, dates, and the
neutralisation of text that a spreadsheet program would run as a formula.
"""

import datetime
import re
import unicodedata

import xlrd
from openpyxl.utils import get_column_letter

# Legal-form words dropped when comparing customer names inside the file.
NAME_SUFFIX_RE = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|工厂|厂)$")
PUNCTUATION_RE = re.compile(r"[\s\W_]+")
HEADER_NOISE_RE = re.compile(r"[\s*＊:：]+|[(（].*?[)）]")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%d/%m/%Y")
# Text that spreadsheet programs (Excel, WPS, LibreOffice) take for a formula
# when it starts a cell: such text is stored with a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@")


class CellError:
    """An error value of a spreadsheet cell, such as #N/A or #DIV/0!."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


def nfkc(text):
    """Full-width letters and digits (１３８, ＠) become their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


def header_key(text):
    """Comparison key of a column header: no spaces, asterisks, colons or bracketed notes, lower case."""
    return HEADER_NOISE_RE.sub("", nfkc(str(text))).lower()


def name_key(text):
    """Comparable form of a customer name: no spaces, punctuation or legal form."""
    text = PUNCTUATION_RE.sub("", nfkc(text).lower())
    previous = None
    while text and text != previous:
        previous, text = text, NAME_SUFFIX_RE.sub("", text)
    return text


def lookup_key(text):
    """Looser comparison key of a referenced name: no case, spaces or punctuation."""
    return PUNCTUATION_RE.sub("", nfkc(str(text)).lower())


def resolve(ids_by_name, name):
    """Id of a record named ``name`` exactly, else by a looser comparison (case, spaces, punctuation)."""
    return ids_by_name.get(name) or ids_by_name.get(lookup_key(name))


def column_letter(index):
    """Spreadsheet letter of the 0-based column ``index`` (0 -> A)."""
    return get_column_letter(index + 1)


def display(value):
    """The cell as the user typed it, for the list of problems."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)[:200]


def text(value):
    """The cell as stripped text (numbers without a trailing .0)."""
    if value is None or isinstance(value, CellError):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return " ".join(display(value).split())


def is_formula_text(value):
    """Whether the cell ``value`` is text that starts, after whitespace, with
    a formula character (=, +, - or @) followed by something (a lone '-' is
    a placeholder, not a formula). Numbers, dates and booleans are not text: a
    negative number stays a number."""
    if not isinstance(value, str):
        return False
    stripped = value.strip()
    return len(stripped) > 1 and stripped.startswith(FORMULA_PREFIXES)


def neutralise_formula(value):
    """``text(value)``, with a leading apostrophe when ``value`` is formula
    text: '=HYPERLINK(...)' is stored as "'=HYPERLINK(...)", which spreadsheet
    programs show as text when the data is exported again."""
    cleaned = text(value)
    return f"'{cleaned}" if is_formula_text(value) else cleaned


def parse_date(value, datemode):
    """The date of a cell: a date cell, an Excel serial number, or text in
    one of ``DATE_FORMATS``; False when it is none of these."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float):
        # An Excel serial date in a cell not formatted as a date.
        if 1 <= value < 2958466:
            try:
                return xlrd.xldate.xldate_as_datetime(value, datemode).date()
            except (xlrd.xldate.XLDateError, ValueError, OverflowError):
                return False
        return False
    cleaned = nfkc(text(value)).replace(" ", "")
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, date_format).date()
        except ValueError:
            continue
    return False
