import io
import os
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
import weasyprint
from django.conf import settings
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetchingError, fetch

from compact_portal import pdf
from compact_portal.markup import markdown_to_html

LETTER = "invitations/letter.html"

# The seed letter (shared/reference/000_4aefcd8dca333f53.txt), as its author writes it in Markdown.
SEED_BODY = [
    "We are pleased to write to you in our capacity as co-facilitators to lead the intergovernmental consultations "
    "and negotiations on issues related to the global compact for safe, orderly and regular migration, the "
    "intergovernmental conference, as well as their preparatory process.",
    "The sixth informal thematic session entitled “*Irregular migration and regular pathways, including decent "
    "work, labour mobility, recognition of skills and qualifications and other relevant measures*” will take place "
    "on 12-13 October 2017 in Conference Room XIX at the United Nations Office at Geneva. We kindly invite all "
    "Member and Observer States to this meeting and look forward to having interesting and constructive "
    "discussions. Your engagement is key to ensuring the positive outcome of this process.",
    "In preparation for the sixth informal thematic session, we have the honour to transmit to you a procedural "
    "note providing information regarding the format and tentative agenda of the two-day meeting. With this "
    "meeting, the series of informal thematic sessions is coming to an end, before entering into the next phase of "
    "the preparatory process.",
    "In addition to the session, we are pleased to invite stakeholders to an informal dialogue on 13 October 2017 "
    "from 9:00 am to 9:50 am, in accordance with resolution 71/280, paragraph 8. All Member and Observer States are "
    "kindly invited to attend as well.",
    "Please note that information on the preparatory process is continually updated on the dedicated website: "
    "<https://refugeesmigrants.un.org/migration-compact>.",
    "Finally, please be reassured that the co-facilitators are fully at your disposal and we therefore encourage "
    "delegations to reach out in case of questions or concerns.",
]


def letter_context(**overrides):
    """The demo letter's context, in the shape the invitations app builds it."""
    context = {
        "language": "en",
        "direction": "ltr",
        "title": "Invitation: Sixth informal thematic session — Permanent Mission of Mexico",
        "letterheads": [
            {"lines": ["PERMANENT MISSION OF MEXICO", "TO THE UNITED NATIONS"]},
            {
                "lines": [
                    "Schweizerische Eidgenossenschaft",
                    "Confédération suisse",
                    "Confederazione Svizzera",
                    "Confederaziun svizra",
                    "",
                    "Permanent Mission of Switzerland to the United Nations",
                ]
            },
        ],
        "place_date": "New York, 11 September 2017",
        "salutation": "Excellency,",
        "body_html": markdown_to_html("\n\n".join(SEED_BODY)),
        "closing": "Please accept, Excellency, the assurances of our highest consideration.",
        "signatories": [
            {
                "name": "Juan José Gómez-Camacho",
                "title_lines": ["Ambassador and Permanent Representative of", "Mexico to the United Nations"],
            },
            {
                "name": "Jürg Lauber",
                "title_lines": ["Ambassador and Permanent Representative of", "Switzerland to the United Nations"],
            },
        ],
        "addressee_lines": ["Permanent Missions", "to the United Nations", "NEW YORK"],
        "recipient_line": "",
    }
    return context | overrides


def pdf_text(document: bytes, page: int | None = None) -> str:
    """pdftotext in its default (reading order) mode, as a person copying the letter's text gets it."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    command = ["pdftotext", "-enc", "UTF-8", *pages, "-", "-"]
    return subprocess.run(command, input=document, capture_output=True, check=True).stdout.decode()


def text_blocks(text: str, expected: list[str]) -> list[str]:
    """Regroups pdftotext's lines into blocks as long as the expected ones, in order; left-over lines follow.

    Lines are joined with a space, or with nothing after a line-final hyphen (a word hyphenated at the line's end
    ends in U+2010, WeasyPrint's hyphen; "co-" of "co-facilitators" in U+002D). A block that starts or ends
    mid-line, text out of order or extra text all show up as a difference from `expected`.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    blocks = []
    for block in expected:
        joined = ""
        while lines and len(joined) < len(block):
            line = lines.pop(0)
            if joined.endswith("\u2010"):
                joined = f"{joined[:-1]}{line}"
            else:
                joined = f"{joined}{line}" if joined.endswith("-") or not joined else f"{joined} {line}"
        blocks.append(joined)
    return blocks + lines


def as_printed(markdown: str) -> str:
    """The text a reader sees for one of SEED_BODY's paragraphs (emphasis and autolink marks removed)."""
    return re.sub(r"[*<>]", "", markdown)


def font_names(document: bytes) -> set[str]:
    """Embedded font names, without their subset prefix ("ABCDEF+Noto-Serif" gives "Noto-Serif")."""
    names = set()
    for page in PdfReader(io.BytesIO(document)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def image_count(document: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(document)).pages)


@pytest.fixture
def fresh_resources(monkeypatch):
    """Per-process resources made anew from the current settings (and the previous ones restored after)."""
    monkeypatch.setattr(pdf, "_resources", None)


@pytest.fixture
def loopback_server():
    """An HTTP server on 127.0.0.1 that records every path requested from it."""
    requested = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requested
    server.shutdown()
    server.server_close()


def write_png(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 4), "red").save(path)
    return path


# --- The letter ------------------------------------------------------------------------------------------------


SIGNATURES_AND_ADDRESSEE = [
    ["Juan José Gómez-Camacho", "Ambassador and Permanent Representative of", "Mexico to the United Nations"],
    ["Jürg Lauber", "Ambassador and Permanent Representative of", "Switzerland to the United Nations"],
    ["Permanent Missions", "to the United Nations", "NEW YORK"],
]


def foot_blocks(lines: list[str]) -> list[list[str]]:
    """The lines after the complimentary close, as the blocks of SIGNATURES_AND_ADDRESSEE they start (and any
    line that starts none). pdftotext orders the two signature columns and the addressee at the page's start
    edge by position, not by the document's structure (the PDF's tags give that order), so their order is not
    asserted: each block must be whole and contiguous."""
    blocks, lines = [], list(lines)
    starts = {block[0]: block for block in SIGNATURES_AND_ADDRESSEE}
    while lines:
        block = starts.get(lines[0])
        if block and lines[: len(block)] == block:
            blocks.append(lines[: len(block)])
            lines = lines[len(block) :]
        else:
            blocks.append([lines.pop(0)])
    return blocks


def test_demo_letter_reads_as_the_seed_letter_in_order():
    document = pdf.render_pdf(template_name=LETTER, context=letter_context())

    expected = [
        "PERMANENT MISSION OF MEXICO",
        "TO THE UNITED NATIONS",
        "Schweizerische Eidgenossenschaft",
        "Confédération suisse",
        "Confederazione Svizzera",
        "Confederaziun svizra",
        "Permanent Mission of Switzerland to the United Nations",
        "New York, 11 September 2017",
        "Excellency,",
        *[as_printed(paragraph) for paragraph in SEED_BODY],
        "Please accept, Excellency, the assurances of our highest consideration.",
    ]
    blocks = text_blocks(pdf_text(document), expected)
    assert blocks[: len(expected)] == expected
    assert sorted(foot_blocks(blocks[len(expected) :])) == sorted(SIGNATURES_AND_ADDRESSEE)
    assert len(PdfReader(io.BytesIO(document)).pages) == 1


def test_demo_letter_sets_the_session_title_in_italics_and_the_addressee_in_bold():
    document = pdf.render_pdf(template_name=LETTER, context=letter_context())

    assert font_names(document) == {"Noto-Sans", "Noto-Serif", "Noto-Serif-Italic", "Noto-Serif-Bold"}


def test_recipient_line_is_printed_under_the_addressee_lines():
    document = pdf.render_pdf(template_name=LETTER, context=letter_context(recipient_line="Permanent Mission of Chile"))

    lines = [line for line in pdf_text(document).splitlines() if line]
    addressee = lines.index("Permanent Missions")
    assert lines[addressee : addressee + 4] == [
        "Permanent Missions",
        "to the United Nations",
        "NEW YORK",
        "Permanent Mission of Chile",
    ]


def test_a_long_letter_numbers_its_continuation_pages_and_ends_with_the_addressee():
    body = markdown_to_html("\n\n".join(SEED_BODY * 3))

    document = pdf.render_pdf(template_name=LETTER, context=letter_context(body_html=body))

    assert len(PdfReader(io.BytesIO(document)).pages) == 2
    first_page, last_page = (pdf_text(document, page=number).splitlines() for number in (1, 2))
    assert "NEW YORK" not in first_page
    assert not [line for line in first_page if re.fullmatch(r"\d+ ?/ ?\d+", line)]
    assert [line.replace(" ", "") for line in last_page if line.strip()][-4:] == [
        "PermanentMissions",
        "totheUnitedNations",
        "NEWYORK",
        "2/2",
    ]


# --- Tagged PDF ------------------------------------------------------------------------------------------------


def test_letter_is_a_tagged_pdf_ua_1_with_its_language_and_title():
    document = pdf.render_pdf(template_name=LETTER, context=letter_context())

    reader = PdfReader(io.BytesIO(document))
    catalog = reader.trailer["/Root"]
    assert reader.pdf_header == "%PDF-1.7"
    assert catalog["/StructTreeRoot"]["/K"][0]["/S"] == "/Document"
    assert catalog["/MarkInfo"] == {"/Marked": True}
    assert catalog["/Lang"] == "en"
    assert catalog["/ViewerPreferences"] == {"/DisplayDocTitle": True}
    assert reader.metadata.title == "Invitation: Sixth informal thematic session — Permanent Mission of Mexico"
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert "Invitation: Sixth informal thematic session — Permanent Mission of Mexico" in xmp


# --- Languages -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "direction", "body", "font"),
    [
        ("fr", "ltr", "Nous avons l’honneur de vous inviter « en personne » à la session.", "Noto-Serif"),
        ("ar", "rtl", "يسرنا أن نكتب إليكم بصفتنا الميسرين المشاركين", "Noto-Naskh-Arabic"),
        ("zh-hans", "ltr", "我们谨以共同主持人的身份致函阁下。", "Noto-Serif-CJK-SC"),
    ],
)
def test_letter_in_each_script_keeps_its_text_language_and_font(language, direction, body, font):
    context = letter_context(language=language, direction=direction, body_html=markdown_to_html(body))

    document = pdf.render_pdf(template_name=LETTER, context=context)

    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", pdf_text(document))  # bidi controls
    assert body in text
    assert PdfReader(io.BytesIO(document)).trailer["/Root"]["/Lang"] == language
    assert font in font_names(document)


# --- Per-process resources ---------------------------------------------------------------------------------------


def test_renders_reuse_the_process_fonts_stylesheets_and_image_cache(monkeypatch):
    calls = []
    write_pdf = weasyprint.HTML.write_pdf

    def recording_write_pdf(self, *args, **kwargs):
        calls.append(kwargs)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", recording_write_pdf)

    pdf.render_pdf(template_name=LETTER, context=letter_context())
    pdf.html_to_pdf("<html lang=en><title>Second</title><p>Second document</p></html>")

    first, second = calls
    assert second["font_config"] is first["font_config"]
    assert second["stylesheets"] is first["stylesheets"]
    assert second["cache"] is first["cache"]
    assert [type(sheet) for sheet in first["stylesheets"]] == [weasyprint.CSS]
    assert first["pdf_variant"] == "pdf/ua-1"


def test_a_forked_process_makes_its_own_resources_and_renders():
    parent = pdf._process_resources()
    read_end, write_end = os.pipe()
    child_pid = os.fork()
    if child_pid == 0:
        try:
            document = pdf.html_to_pdf("<html lang=en><title>Child</title><p>Rendered after the fork</p></html>")
            child = pdf._process_resources()
            own = child is not parent and child.font_config is not parent.font_config and child.pid == os.getpid()
            os.write(write_end, b"own" if own and document.startswith(b"%PDF-") else b"shared")
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(child_pid, 0)

    assert os.read(read_end, 16) == b"own"
    assert pdf._process_resources() is parent


# --- Images kept per process ----------------------------------------------------------------------------------

SEAL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">'
    '<circle cx="50" cy="50" r="40" fill="none" stroke="#006847" stroke-width="4" stroke-opacity="0.5"/>'
    '<rect x="30" y="30" width="40" height="40" fill="#ce1126"/></svg>'
)
GRADIENT_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><defs><linearGradient id="g">'
    '<stop offset="0" stop-color="red"/><stop offset="1" stop-color="blue"/></linearGradient></defs>'
    '<rect width="100" height="100" fill="url(#g)"/></svg>'
)


def page_content(document: bytes) -> bytes:
    return PdfReader(io.BytesIO(document)).pages[0].get_contents().get_data()


def images_html(*paths: Path) -> str:
    images = "".join(
        f'<p>Before<img alt="i{n}" src="{path.as_uri()}" style="height: 12mm">After</p>' for n, path in enumerate(paths)
    )
    return f'<html lang="en"><title>t</title><p style="color: #123456">Text in colour</p>{images}</html>'


def test_an_svg_image_is_drawn_once_per_process_and_replayed_identically(settings, fresh_resources, monkeypatch):
    seal = Path(settings.MEDIA_ROOT) / "letters" / "emblems" / "seal.svg"
    seal.parent.mkdir(parents=True, exist_ok=True)
    seal.write_text(SEAL_SVG)
    html = images_html(seal, seal)
    drawn = []
    draw_node = weasyprint.svg.SVG.draw_node

    def counting_draw_node(self, node, *args, **kwargs):
        drawn.append(node.tag)
        return draw_node(self, node, *args, **kwargs)

    monkeypatch.setattr(weasyprint.svg.SVG, "draw_node", counting_draw_node)

    first, second = pdf.html_to_pdf(html), pdf.html_to_pdf(html)
    drawings = len(drawn)
    resources = pdf._process_resources()
    plain = HTML(string=html, base_url=resources.base_url, url_fetcher=resources.url_fetcher).write_pdf(
        font_config=resources.font_config, stylesheets=resources.stylesheets, cache={}, pdf_variant=pdf.PDF_VARIANT
    )

    assert drawings == 3  # the svg, its circle and its rectangle, once: the second image and document replay them
    assert page_content(first) == page_content(second) == page_content(plain)


def test_an_svg_image_with_a_gradient_is_drawn_for_every_document(settings, fresh_resources, monkeypatch):
    image = Path(settings.MEDIA_ROOT) / "letters" / "emblems" / "gradient.svg"
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_text(GRADIENT_SVG)
    drawn = []
    draw = weasyprint.svg.SVG.draw
    monkeypatch.setattr(weasyprint.svg.SVG, "draw", lambda self, *a, **k: drawn.append(1) or draw(self, *a, **k))

    documents = [pdf.html_to_pdf(images_html(image)) for _ in range(2)]

    assert len(drawn) == 2  # its shading is numbered per document: nothing kept
    assert page_content(documents[0]) == page_content(documents[1])


def test_a_png_image_object_is_made_once_per_process(settings, fresh_resources, monkeypatch):
    signature = Path(settings.MEDIA_ROOT) / "signatures" / "scan.png"
    signature.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGBA", (60, 20), (27, 42, 107, 200)).save(signature)
    made = []
    get_x_object = weasyprint.images.RasterImage.get_x_object
    monkeypatch.setattr(
        weasyprint.images.RasterImage, "get_x_object", lambda self, *a: made.append(1) or get_x_object(self, *a)
    )

    documents = [pdf.html_to_pdf(images_html(signature)) for _ in range(3)]

    assert len(made) == 1
    for document in documents:
        (image,) = PdfReader(io.BytesIO(document)).pages[0].images
        assert image.image.size == (60, 20)
        assert image.image.convert("RGBA").getpixel((5, 5)) == (27, 42, 107, 200)


# --- Font subsets kept per process -----------------------------------------------------------------------------


def embedded_fonts(document: bytes) -> dict[str, bytes]:
    """Each embedded font's file, by its name without the subset prefix."""
    fonts = {}
    for page in PdfReader(io.BytesIO(document)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            fonts[name] = descriptor["/FontFile2"].get_object().get_data()
    return fonts


def test_a_font_subset_is_cut_once_per_process_and_embedded_as_cut_afresh(fresh_resources, monkeypatch):
    cut = []
    cut_subset = pdf._cut_subset
    monkeypatch.setattr(pdf, "_cut_subset", lambda font, *a: cut.append(font.family) or cut_subset(font, *a))
    html = "<html lang=en><title>t</title><p>Same text, <b>bold</b> and <i>italic</i></p></html>"

    first, second = pdf.html_to_pdf(html), pdf.html_to_pdf(html)
    cut_for_both = list(cut)
    resources = pdf._process_resources()
    afresh = HTML(string=html, base_url=resources.base_url, url_fetcher=resources.url_fetcher).write_pdf(
        font_config=resources.font_config, stylesheets=resources.stylesheets, pdf_variant=pdf.PDF_VARIANT
    )

    assert cut_for_both == ["Noto Serif"] * 3  # three faces, cut for the first document only
    assert len(cut) == 6  # WeasyPrint's own way, outside this module, cuts its own
    assert set(embedded_fonts(first)) == {"Noto-Serif", "Noto-Serif-Bold", "Noto-Serif-Italic"}
    assert embedded_fonts(first) == embedded_fonts(second) == embedded_fonts(afresh)


def test_a_font_subset_is_cut_again_for_other_glyphs_or_another_file_and_not_kept_when_cutting_failed():
    subsets, cut = pdf.FontSubsets(size=8), []

    def font(content: bytes):
        return SimpleNamespace(file_content=content, index=0, missing={})

    def cutting(font, to_unicode, hinting):
        cut.append(font.file_content)
        font.file_content = b"subset of " + font.file_content + bytes(sorted(to_unicode))

    def failing(font, to_unicode, hinting):
        cut.append(font.file_content)

    fonts = [font(b"font file A") for _ in range(2)]
    for each in fonts:
        subsets.subset(each, {1: "a", 2: "b"}, False, cutting)
    other_glyphs, other_file = font(b"font file A"), font(b"font file B")
    subsets.subset(other_glyphs, {1: "a", 3: "c"}, False, cutting)
    subsets.subset(other_file, {1: "a", 2: "b"}, False, cutting)
    failed = [font(b"font file C") for _ in range(2)]
    for each in failed:
        subsets.subset(each, {1: "a"}, False, failing)

    assert cut == [b"font file A", b"font file A", b"font file B", b"font file C", b"font file C"]
    assert fonts[0].file_content == fonts[1].file_content == b"subset of font file A\x01\x02"
    assert other_glyphs.file_content == b"subset of font file A\x01\x03"
    assert other_file.file_content == b"subset of font file B\x01\x02"
    assert failed[1].file_content == b"font file C"


def test_font_subsets_keep_the_last_ones_and_never_a_large_font(monkeypatch):
    subsets, cut = pdf.FontSubsets(size=2), []
    monkeypatch.setattr(pdf.FontSubsets, "MAX_FONT_BYTES", 20)

    def cutting(font, to_unicode, hinting):
        cut.append(font.file_content)
        font.file_content = b"subset"

    for content in [b"A", b"B", b"C", b"A", b"a font file over the limit", b"a font file over the limit"]:
        subsets.subset(SimpleNamespace(file_content=content, index=0, missing={}), {1: "a"}, False, cutting)

    assert cut == [b"A", b"B", b"C", b"A", b"a font file over the limit", b"a font file over the limit"]


def test_an_image_that_failed_to_load_is_tried_again_by_the_next_document(settings, fresh_resources):
    late = Path(settings.MEDIA_ROOT) / "signatures" / "late.png"
    late.unlink(missing_ok=True)

    missing = pdf.html_to_pdf(images_html(late))
    write_png(late)
    present = pdf.html_to_pdf(images_html(late))

    assert (image_count(missing), image_count(present)) == (0, 1)


# --- URL fetcher ---------------------------------------------------------------------------------------------------


def test_user_markup_that_tries_to_load_resources_is_printed_as_text(loopback_server):
    base_url, requested = loopback_server
    body = (
        "<script>alert(1)</script>\n\n"
        '<img src="file:///etc/passwd">\n\n'
        "![x](http://example.com/x.png)\n\n"
        f'<img src="{base_url}/x.png">'
    )

    document = pdf.render_pdf(template_name=LETTER, context=letter_context(body_html=markdown_to_html(body)))

    text = pdf_text(document)
    expected = [
        "<script>alert(1)</script>",
        '<img src="file:///etc/passwd">',
        "![x](http://example.com/x.png)",
        f'<img src="{base_url}/x.png">',
    ]
    assert text_blocks(text.split("Excellency,", 1)[1], expected)[:4] == expected
    assert image_count(document) == 0
    assert requested == []


def test_weasyprint_loads_nothing_from_the_network_or_other_files(loopback_server, tmp_path):
    base_url, requested = loopback_server
    outside = write_png(tmp_path / "outside.png")
    html = (
        f'<html lang="en"><head><title>t</title><link rel="stylesheet" href="{base_url}/x.css"></head><body>'
        f'<p><img alt="Network image" src="{base_url}/a.png"></p><p><img alt="Outside file" src="{outside.as_uri()}">'
        f'<p style="background: url({base_url}/bg.png)">Still rendered</p></body></html>'
    )

    document = pdf.html_to_pdf(html)

    assert pdf_text(document).splitlines()[:3] == ["Network image", "Outside file", "Still rendered"]
    assert image_count(document) == 0
    assert requested == []


def test_weasyprint_loads_images_from_static_and_media(settings, tmp_path, fresh_resources):
    static_dir = tmp_path / "static"
    (static_dir / "css").mkdir(parents=True)
    (static_dir / "css" / "letter.css").write_text("p { color: black }")
    settings.STATICFILES_DIRS = [static_dir]
    write_png(static_dir / "img" / "emblem.png")
    media_file = write_png(Path(settings.MEDIA_ROOT) / "signatures" / "one.png")
    html = (
        '<html lang="en"><title>t</title><img alt="e" src="static/img/emblem.png">'
        f'<img alt="s" src="{media_file.as_uri()}">'
    )

    assert image_count(pdf.html_to_pdf(html)) == 2


@pytest.fixture
def fetcher(tmp_path):
    static_dir, media_dir = tmp_path / "static", tmp_path / "media"
    (static_dir / "css").mkdir(parents=True)
    media_dir.mkdir()
    (static_dir / "css" / "a.css").write_text("p { color: red }")
    (media_dir / "b.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("secret")
    (static_dir / "link.txt").symlink_to(tmp_path / "secret.txt")
    return pdf.ProjectFilesFetcher([static_dir, media_dir])


def test_fetcher_serves_files_under_its_folders(fetcher, tmp_path):
    with fetch(fetcher, (tmp_path / "static" / "css" / "a.css").as_uri() + "?v=2") as response:
        assert (response.content_type, response.read()) == ("text/css", b"p { color: red }")
    with fetch(fetcher, "file://localhost" + str(tmp_path / "media" / "b.png")) as response:
        assert (response.content_type, response.read()) == ("image/png", b"png")


def test_fetcher_serves_the_project_print_stylesheet():
    stylesheet = Path(settings.STATICFILES_DIRS[0]) / "css" / "letter.css"

    response = pdf._process_resources().url_fetcher.fetch(stylesheet.as_uri())

    assert (response.url, response.content_type, response.read()) == (
        stylesheet.resolve().as_uri(),
        "text/css",
        stylesheet.read_bytes(),
    )


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/",
        "https://example.com/x.png",
        "ftp://x",
        "data:text/css,p{color:red}",
        "javascript:alert(1)",
        "file://otherhost/etc/passwd",
        "{static}/../secret.txt",
        "{static}/css/%2e%2e/%2e%2e/secret.txt",
        "{static}/link.txt",
        "{static}/css/a.css%00.png",
        "{static}/missing.css",
        "{static}/",
    ],
)
def test_fetcher_refuses_other_urls_as_a_failed_fetch(fetcher, tmp_path, url):
    url = url.replace("{static}", (tmp_path / "static").as_uri())

    with pytest.raises(URLFetchingError), fetch(fetcher, url):
        pass
