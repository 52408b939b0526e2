"""CSV files for spreadsheets: UTF-8 with a byte order mark (Excel then reads accents right), and text cells that a
spreadsheet cannot take for a formula (CSV injection: a cell starting with =, +, -, @, tab or carriage return)."""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text; a leading formula character is escaped with an apostrophe, shown as text by spreadsheets."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


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
