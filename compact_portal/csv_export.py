"""CSV files for spreadsheets: UTF-8 with a byte order mark (Excel then reads accents right), and text cells that a
spreadsheet cannot take for a formula (CSV injection: a cell starting with =, +, -, @, tab or carriage return, also
after leading white space or invisible characters, and in their full-width or small forms: ＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫)."""

import csv
import io
import unicodedata
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_CHARACTERS = frozenset("=+-@")


def _first_visible(text: str) -> str:
    """The first character that is neither white space nor invisible (controls, zero-width and format characters):
    spreadsheets skip those before a formula (" =1+2", "\n=1+2")."""
    for character in text:
        if not (character.isspace() or unicodedata.category(character) in ("Cc", "Cf")):
            return character
    return ""


def is_formula_like(text: str) -> bool:
    # NFKC folds the full-width and small forms (＝, ﹦, ＋, －, ＠…) onto the ASCII ones some spreadsheets accept.
    return text.startswith(FORMULA_STARTS) or unicodedata.normalize("NFKC", _first_visible(text)) in FORMULA_CHARACTERS


def safe_cell(value) -> str:
    """The value as text; a cell a spreadsheet could take for a formula is escaped with an apostrophe, shown as text."""
    text = "" if value is None else str(value)
    return f"'{text}" if is_formula_like(text) else text


def csv_bytes(*, header: list[str], rows: Iterable[Iterable]) -> bytes:
    """Every CSV file the portal writes: UTF-8 with a byte order mark, every cell through `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_response(*, filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(csv_bytes(header=header, rows=rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
