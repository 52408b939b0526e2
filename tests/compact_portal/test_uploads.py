"""The one PDF check (compact_portal/uploads.py) against crafted files: each refused with its reason, never a 500; and
its checker process: kept between files, killed when it does not answer, each file parsed in a child of its own."""

import io
import os
import signal
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from compact_portal import uploads
from compact_portal.uploads import validate_pdf

LIMIT = 10 * 1024 * 1024


def raw_pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF written byte by byte: `objects` maps object numbers to their bodies; object 1 is the catalogue."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (dictionary, len(data)) + data + b"\nendstream"


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def deep_page_tree(depth: int) -> bytes:
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for level in range(depth):
        number = 2 + level
        parent = b" /Parent %d 0 R" % (number - 1) if level else b""
        objects[number] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (number + 1, parent)
    objects[2 + depth] = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (1 + depth)
    return raw_pdf(objects)


def wide_page_tree(kids: int, *, declared: int) -> bytes:
    objects = {1: b"<</Type/Catalog/Pages 2 0 R>>"}
    objects[2] = (
        b"<</Type/Pages/Count %d/Kids[" % declared + b"".join(b"%d 0 R " % (3 + n) for n in range(kids)) + b"]>>"
    )
    objects.update({3 + n: b"<</Type/Page/Parent 2 0 R>>" for n in range(kids)})
    return raw_pdf(objects)


def zeros_deflated(size: int) -> bytes:
    compressor = zlib.compressobj(9)
    chunk = b"\0" * (1024 * 1024)
    return b"".join(compressor.compress(chunk) for _ in range(size // len(chunk))) + compressor.flush()


def object_stream_bomb() -> bytes:
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: PAGE,
            4: stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", zeros_deflated(256 * 1024 * 1024)),
        }
    )


def content_bomb() -> bytes:
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            4: stream(b"/Filter /FlateDecode", zeros_deflated(64 * 1024 * 1024)),
        }
    )


def run_length_bomb() -> bytes:
    # Each pair repeats a zero 128 times: 1.2 MB that expands to 77 MB, above pypdf's 75 MB output limit.
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            4: stream(b"/Filter /RunLengthDecode", bytes([129, 0]) * 600_000 + b"\x80"),
        }
    )


def written(change=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def javascript_action() -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )


def open_action_javascript(writer):
    writer._root_object[NameObject("/OpenAction")] = javascript_action()


def page_aa_javascript(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): javascript_action()})


def javascript_name_tree(writer):
    names = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("hello"), javascript_action()])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})


def launch(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )


def refusal(content: bytes) -> tuple[str, str]:
    with pytest.raises(ValidationError) as error:
        validate_pdf(SimpleUploadedFile("x.pdf", content, "application/pdf"), max_bytes=LIMIT, max_label="10 MB")
    return error.value.code, " ".join(error.value.messages)


TOO_COMPLEX = (
    "too_complex",
    "This PDF is too complex to check (it needs too much time or memory to open). Print it to a new PDF and upload "
    "that.",
)
JAVASCRIPT = (
    "javascript",
    "This PDF contains JavaScript that would run in the reader's PDF viewer. Upload it without scripts (print it to a "
    "new PDF, or scan the paper document).",
)
BOMB = ("bomb", "This PDF expands to far more data than its size (a compression bomb) and is refused.")


def test_a_plain_pdf_is_accepted():
    validate_pdf(SimpleUploadedFile("x.pdf", written(), "application/pdf"), max_bytes=LIMIT, max_label="10 MB")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: deep_page_tree(120), TOO_COMPLEX),
        (lambda: wide_page_tree(100_001, declared=100_001), TOO_COMPLEX),
        (lambda: wide_page_tree(100_001, declared=1), TOO_COMPLEX),
        (object_stream_bomb, BOMB),
        (content_bomb, BOMB),
        (run_length_bomb, BOMB),
    ],
    ids=[
        "page-tree-120-deep",
        "100001-kids",
        "100001-kids-declared-as-1",
        "object-stream-bomb",
        "content-bomb",
        "run-length-bomb",
    ],
)
def test_crafted_structures_are_refused_within_bounds(make, expected):
    content = make()
    assert len(content) < LIMIT
    assert refusal(content) == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (open_action_javascript, JAVASCRIPT),
        (page_aa_javascript, JAVASCRIPT),
        (javascript_name_tree, JAVASCRIPT),
        (
            launch,
            (
                "launch",
                "This PDF would start a program on the reader's computer. Upload it without that action (print it to "
                "a new PDF, or scan the paper document).",
            ),
        ),
        (
            lambda writer: writer.add_attachment("invoice.exe", b"MZ" + b"\0" * 100),
            (
                "embedded_file",
                "This PDF has files embedded in it. Upload the document alone, without attachments (print it to a new "
                "PDF, or scan the paper document).",
            ),
        ),
        (
            lambda writer: writer.encrypt("secret"),
            ("encrypted", "This PDF is protected by a password. Upload it without the password."),
        ),
    ],
    ids=["open-action-javascript", "page-aa-javascript", "javascript-name-tree", "launch", "embedded-file", "password"],
)
def test_active_content_is_refused_with_its_reason(change, expected):
    assert refusal(written(change)) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"<html><script>alert(1)</script></html>\n" + written(),
            ("not_pdf", "This file is a web page (HTML), not a PDF."),
        ),
        (
            written().replace(b"%PDF-1.3\n", b"%PDF-1.3\n%<html><script>alert(1)</script>\n", 1),
            ("polyglot", "This file is a web page as well as a PDF. Upload a plain PDF document."),
        ),
    ],
    ids=["html-before-the-header", "html-behind-the-header"],
)
def test_html_pdf_polyglots_are_refused(content, expected):
    assert refusal(content) == expected


# --- The checker: one process per web process, a fresh child per file ----------------------------------------------


def slow_pdf() -> bytes:
    """8 MB of one array's numbers: a second or so of parsing before pypdf's own limit stops it."""
    catalogue = b"<< /Type /Catalog /Pages 2 0 R /Numbers [" + b"0 " * 4_000_000 + b"] >>"
    return raw_pdf({1: catalogue, 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: PAGE})


def accept(content: bytes) -> None:
    validate_pdf(SimpleUploadedFile("x.pdf", content, "application/pdf"), max_bytes=LIMIT, max_label="10 MB")


def the_checker():
    [checker] = uploads._idle
    return checker.process


def test_the_checker_process_is_kept_between_files():
    accept(written())
    process = the_checker()
    assert refusal(written(open_action_javascript)) == JAVASCRIPT
    accept(written())
    assert the_checker() is process and process.poll() is None


def test_a_file_slower_than_the_wall_time_is_killed_and_the_checker_goes_on(monkeypatch):
    accept(written())
    process = the_checker()
    monkeypatch.setattr(uploads, "INSPECT_WALL_SECONDS", 0.05)
    assert refusal(slow_pdf()) == TOO_COMPLEX
    monkeypatch.undo()
    accept(written())
    assert the_checker() is process


def test_a_checker_that_stops_answering_is_killed_and_replaced(monkeypatch):
    accept(written())
    stuck = the_checker()
    os.kill(stuck.pid, signal.SIGSTOP)
    monkeypatch.setattr(uploads, "ANSWER_MARGIN_SECONDS", 0.2)
    monkeypatch.setattr(uploads, "INSPECT_WALL_SECONDS", 0.2)
    assert refusal(written()) == TOO_COMPLEX
    assert stuck.returncode == -signal.SIGKILL
    monkeypatch.undo()
    accept(written())
    assert the_checker() is not stuck


def test_a_checker_found_dead_is_replaced_without_refusing_the_file():
    accept(written())
    dead = the_checker()
    os.kill(dead.pid, signal.SIGKILL)
    dead.wait()
    accept(written())
    assert the_checker() is not dead


def test_the_same_upload_is_inspected_once_and_again_when_its_bytes_change(monkeypatch):
    calls = []
    plain = {"pages": 1, "encrypted": False, "found": []}
    monkeypatch.setattr(uploads, "inspect", lambda data: calls.append(data) or plain)
    upload = SimpleUploadedFile("x.pdf", written(), "application/pdf")
    validate_pdf(upload, max_bytes=LIMIT, max_label="10 MB")
    validate_pdf(upload, max_bytes=LIMIT, max_label="10 MB")
    assert len(calls) == 1
    upload.file = io.BytesIO(written(lambda writer: writer.add_blank_page(width=595, height=842)))
    upload.size = len(upload.file.getvalue())
    validate_pdf(upload, max_bytes=LIMIT, max_label="10 MB")
    assert len(calls) == 2
