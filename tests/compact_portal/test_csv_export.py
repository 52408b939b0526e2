"""One CSV helper (compact_portal/csv_export.py) for every CSV the portal writes, formula cells escaped."""

import csv
import io
import re
from pathlib import Path

from compact_portal.csv_export import csv_bytes, safe_cell

ROOT = Path(__file__).resolve().parents[2]
APPS = ["compact_portal", "sessions", "registrations", "invitations"]


def test_formula_cells_are_escaped_and_other_cells_left_alone():
    cells = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "plain", "a=b", 3, None]
    assert [safe_cell(cell) for cell in cells] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "plain",
        "a=b",
        "3",
        "",
    ]


def test_csv_bytes_is_utf8_with_a_byte_order_mark_and_escapes_every_row():
    data = csv_bytes(header=["name", "note"], rows=[["Gómez", "=cmd"]])
    assert data.startswith("\ufeff".encode())
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [["name", "note"], ["Gómez", "'=cmd"]]


# Files that write CSV for the portal to read back, not for a spreadsheet: escaping would change the names they carry.
NOT_EXPORTS = {
    "compact_portal/csv_export.py",  # the helper itself
    "invitations/demo_scale.py",  # the demo's list of recipients, uploaded again as a CSV audience
}


def test_no_module_of_the_portal_writes_csv_but_the_helper():
    writers = re.compile(r"csv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if writers.search(path.read_text()) and str(path.relative_to(ROOT)) not in NOT_EXPORTS
    ]
    assert offenders == []
