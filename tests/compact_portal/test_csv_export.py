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


def test_a_formula_after_white_space_or_in_full_width_forms_is_escaped():
    """As a delegate typing a name the secretariat's spreadsheet would run (security review, finding 3)."""
    attacks = [
        " =1+2",
        "   +cmd|' /C calc'!A0",
        '\t=HYPERLINK("http://evil.example")',
        "\n=1+2",
        "\r\n@SUM(A1)",
        "\u00a0-2+3",  # no-break space
        "\u200b=1+2",  # zero-width space
        "\u3000=1+2",  # ideographic space
        "＝1+2",
        "＋cmd",
        "－2+3",
        "＠SUM(A1)",
        "﹦1+2",  # small form
        " ＝HYPERLINK(1)",
    ]
    assert [safe_cell(cell) for cell in attacks] == [f"'{cell}" for cell in attacks]
    harmless = ["Gómez = García", " plain", "\nplain", "  ", "", "１＝１", "a+b"]
    assert [safe_cell(cell) for cell in harmless] == harmless


def test_every_export_writes_the_escaped_cell():
    data = csv_bytes(header=["name"], rows=[[" =1+2"], ["＝1+2"], ["\n@SUM(A1)"]])
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))) == [
        ["name"],
        ["' =1+2"],
        ["'＝1+2"],
        ["'\n@SUM(A1)"],
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
