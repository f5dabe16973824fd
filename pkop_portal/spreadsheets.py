"""Cells of staff exports (CSV, XLSX) that any spreadsheet shows as the stored text: shared by
the appeals and charity exports."""

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A spreadsheet runs a cell starting with one of these as a formula (CSV/DDE injection);
# tab and carriage return also start one in some programs (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain signed number (a phone in E.164) is no formula: left as it is, readable.
_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9][0-9 ]*$")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """A cell value any spreadsheet shows as the stored text: characters XLSX cannot hold
    (controls other than tab, newline, carriage return) removed, a formula start neutralised
    with a leading apostrophe. Anything but text is returned as it is."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value
