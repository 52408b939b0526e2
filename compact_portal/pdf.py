"""The project's one PDF renderer: a Django template, rendered to HTML, then to a tagged PDF (PDF/UA-1).

Why a module rather than calling WeasyPrint where a PDF is needed:

- Per-process resources. Loading fonts (one FontConfiguration), compiling the print stylesheets (CSS objects),
  decoding and drawing images (the image cache, `ImageCache`) and cutting the embedded fonts' subsets
  (`FontSubsets`) are the slow parts of a render that every render can share. They are made lazily on the first
  render in a process, so a Celery prefork worker makes its own after the fork (never at import in the parent),
  and made again if the process id changes. A process renders one document at a time and no thread renders, so
  nothing here is shared concurrently.
- A URL fetcher that reads only the project's static and media files from disk. Everything else (other files,
  the network, data: URLs, any other scheme) is refused, and WeasyPrint renders the document without it.

The language (/Lang) comes from `<html lang>`, the title from `<title>`.

Bounds: `render_time_limit` stops a render that runs too long (a SIGALRM in the main thread of a Celery worker
process or a gunicorn worker), and `render_document` refuses a document that lays out to more than `max_pages`.
"""

import mimetypes
import os
import signal
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.images import RasterImage, SVGImage
from weasyprint.pdf.fonts import Font
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

PDF_VARIANT = "pdf/ua-1"
# Print stylesheets applied to every document, relative to the project's static folder.
PRINT_STYLESHEETS = ("css/letter.css",)


class ProjectFilesFetcher(URLFetcher):
    """Serves `file:` URLs of files under the given folders; refuses any other URL.

    Paths are resolved (symlinks, `..`) before the check, so no URL can reach a file outside the folders.
    A refusal raises URLFetchingError, which WeasyPrint reports as a failed fetch before rendering on.
    """

    def __init__(self, roots: Iterable[Path] | Callable[[], Iterable[Path]]) -> None:
        """`roots`: the folders, or a function that gives them (read at each fetch: settings may change)."""
        super().__init__()
        self._roots = roots

    @property
    def roots(self) -> tuple[Path, ...]:
        roots = self._roots() if callable(self._roots) else self._roots
        return tuple(Path(root).resolve() for root in roots)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = self._allowed_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    def _allowed_path(self, url: str) -> Path:
        try:
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                raise URLFetchingError(f"Refused URL (not a local file): {url}")
            path = Path(url2pathname(parts.path)).resolve()
        except ValueError as error:  # malformed URL, or a NUL byte in the path
            raise URLFetchingError(f"Refused URL: {url}") from error
        if not any(path.is_relative_to(root) for root in self.roots):
            raise URLFetchingError(f"Refused URL (outside static and media folders): {url}")
        return path


def _project_folders() -> list[Path]:
    """Static and media files, and the signature images in private storage (never served by URL: letters may
    draw them, nothing else may reach them)."""
    return [
        Path(settings.STATICFILES_DIRS[0]),
        Path(settings.MEDIA_ROOT),
        Path(settings.PRIVATE_MEDIA_ROOT) / "signatures",
    ]


class ImageCache(dict):
    """WeasyPrint's image cache for one process (image URL -> decoded image), which also keeps what WeasyPrint 70
    would otherwise do again for every document that shows the image (bench/letters.py, bench/README.md):

    - an SVG image (an emblem, a signature) is drawn by walking its tree into PDF operators, ~2 ms an image; the
      operators of its first drawing at a size are kept and replayed into the next documents. Only drawings that
      are self-contained are kept: plain operators and opacity states, no text (fonts), gradients, patterns,
      masks or groups (their resources are numbered per document); any other SVG is drawn each time, as before;
    - a PNG image is decoded and compressed again into the PDF's image object for every document (~10 ms for a
      signature scan); the object's compressed data is made once and a fresh object built from it per document.

    Image URLs are file URLs of uploads, and every upload gets a new name (invitations.models), so an entry never
    goes stale. A failed load is not kept: the next document tries the file again."""

    def __setitem__(self, key, value):
        if value is None:
            return  # WeasyPrint remembers a failed load as None; a missing file may be there for the next letter
        if isinstance(value, SVGImage):
            _keep_drawings(value)
        elif isinstance(value, RasterImage):
            _keep_x_objects(value)
        super().__setitem__(key, value)


def _reset_tracked_state(stream) -> None:
    """Forgets the colour and opacity the stream believes are set, so that a drawing writes every operator it needs
    (WeasyPrint skips setting what it believes is set already; a replayed drawing must not depend on that)."""
    stream._current_color = stream._current_color_stroke = None
    stream._current_alpha = stream._current_alpha_stroke = None


def _keep_drawings(image: SVGImage) -> None:
    draw, drawings = image.draw, {}

    def replaying_draw(stream, concrete_width, concrete_height, style):
        key = (concrete_width, concrete_height)
        if key in drawings:
            operators, states = drawings[key]
            stream._resources["ExtGState"].update(states)
            stream.stream.extend(operators)
            _reset_tracked_state(stream)
            return
        _reset_tracked_state(stream)
        before = {name: set(value) for name, value in stream._resources.items() if isinstance(value, dict)}
        fonts, start = len(stream._fonts), len(stream.stream)
        draw(stream, concrete_width, concrete_height, style)
        added = {
            name: set(value) - before.get(name, set())
            for name, value in stream._resources.items()
            if isinstance(value, dict)
        }
        states = added.pop("ExtGState", set())
        operators = stream.stream[start:]
        self_contained = (
            not any(added.values())
            and len(stream._fonts) == fonts
            and all(key[:1] in ("a", "A") for key in states)  # opacity states, named by their value
            and all(isinstance(operator, (bytes, str)) for operator in operators)
        )
        if self_contained:
            drawings[key] = (tuple(operators), {key: stream._resources["ExtGState"][key] for key in states})

    image.draw = replaying_draw


def _stream_copy(stream: pydyf.Stream) -> pydyf.Stream:
    """A new PDF object with the same data: writing a PDF numbers its objects and rewrites their references."""
    extra = pydyf.Dictionary(stream.extra)
    if isinstance(extra.get("SMask"), pydyf.Stream):
        extra["SMask"] = _stream_copy(extra["SMask"])
    return pydyf.Stream(list(stream.stream), extra, stream.compress)


def _keep_x_objects(image: RasterImage) -> None:
    get_x_object, made = image.get_x_object, {}

    def kept_x_object(interpolate, dpi_ratio):
        key = (interpolate, dpi_ratio)
        if key not in made:
            made[key] = get_x_object(interpolate, dpi_ratio)  # kept unwritten: documents get copies
        return _stream_copy(made[key])

    image.get_x_object = kept_x_object


class FontSubsets:
    """The subsets of embedded fonts this process cut, by font file and glyph set: WeasyPrint 70 cuts every font
    of every PDF with HarfBuzz (two passes, ~1 ms a face for Noto Serif), and a letter's letterhead, italic and bold
    faces show the same glyphs in every letter (bench/README.md, `letters.py`). A subset depends only on the font
    file (its bytes' CRC-32 and length, so a font replaced on disk is cut afresh), the face in it, the glyphs and
    the flags: the bytes embedded are the same as those cut afresh. Fonts over MAX_FONT_BYTES (the CJK
    collections, ~20 MB) are not kept: checking the file would cost what cutting saves, and their glyphs differ
    from letter to letter anyway. The last `size` subsets are kept."""

    MAX_FONT_BYTES = 4 * 1024 * 1024

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._subsets: OrderedDict[tuple, bytes] = OrderedDict()

    def subset(self, font: Font, to_unicode: dict, hinting: bool, cut: Callable) -> None:
        """Sets `font.file_content` to its subset for the glyphs of `to_unicode`, cut by `cut` when not kept."""
        content = font.file_content
        if len(content) > self.MAX_FONT_BYTES:
            cut(font, to_unicode, hinting)
            return
        key = (zlib.crc32(content), len(content), font.index, bool(font.missing), hinting, tuple(sorted(to_unicode)))
        if (kept := self._subsets.get(key)) is not None:
            self._subsets.move_to_end(key)
            font.file_content = kept
            return
        cut(font, to_unicode, hinting)
        if font.file_content is not content:  # not kept when HarfBuzz failed (WeasyPrint embeds the whole font)
            self._subsets[key] = font.file_content
            if len(self._subsets) > self.size:
                self._subsets.popitem(last=False)


_cut_subset = Font.subset
_font_subsets: FontSubsets | None = None  # this module's, while it writes a PDF; None: WeasyPrint's own way


def _subset(font: Font, to_unicode: dict, hinting: bool) -> None:
    if not to_unicode or _font_subsets is None:
        _cut_subset(font, to_unicode, hinting)
    else:
        _font_subsets.subset(font, to_unicode, hinting, _cut_subset)


Font.subset = _subset


@contextmanager
def _writing(resources: "_Resources"):
    """While this module writes a PDF, its fonts' subsets are this process's (anything else that uses WeasyPrint in
    the process, e.g. a benchmark's bare renders, cuts its own)."""
    global _font_subsets
    _font_subsets = resources.font_subsets
    try:
        yield
    finally:
        _font_subsets = None


@dataclass(frozen=True)
class _Resources:
    pid: int
    base_url: str
    url_fetcher: ProjectFilesFetcher
    font_config: FontConfiguration
    stylesheets: list[CSS]
    image_cache: ImageCache
    font_subsets: FontSubsets


_resources: _Resources | None = None


def _process_resources() -> _Resources:
    """This process's fonts, stylesheets, fetcher and image cache, made on first use."""
    global _resources
    if _resources is None or _resources.pid != os.getpid():
        static_dir = Path(settings.STATICFILES_DIRS[0]).resolve()
        url_fetcher = ProjectFilesFetcher(_project_folders)
        font_config = FontConfiguration()
        _resources = _Resources(
            pid=os.getpid(),
            # The folder that holds static/: a template writes `static/img/logo.png` (STATIC_URL without its
            # leading slash) and it resolves to the project's static folder. Media files are passed as file URLs.
            base_url=static_dir.parent.as_uri() + "/",
            url_fetcher=url_fetcher,
            font_config=font_config,
            stylesheets=[
                CSS(filename=static_dir / name, url_fetcher=url_fetcher, font_config=font_config)
                for name in PRINT_STYLESHEETS
            ],
            image_cache=ImageCache(),
            font_subsets=FontSubsets(),
        )
    return _resources


class RenderTimeout(Exception):
    """A render ran past its time limit."""


class DocumentTooLong(Exception):
    """A document laid out to more pages than allowed."""


@contextmanager
def render_time_limit(seconds: float | None):
    """Raises RenderTimeout in the block after `seconds`. Only the main thread can take a signal: elsewhere (a
    threaded development server) the block runs unbounded, and the letter's body limit bounds it instead."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise RenderTimeout(f"The document took more than {seconds:g} s to render and was stopped.")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class RenderedDocument:
    """A laid-out document: its page count is known before the PDF is written."""

    document: Any
    page_count: int

    def write(self) -> bytes:
        with _writing(_process_resources()):
            return self.document.write_pdf(pdf_variant=PDF_VARIANT)


def _options(resources: _Resources) -> dict[str, Any]:
    return {
        "font_config": resources.font_config,
        "stylesheets": resources.stylesheets,
        "cache": resources.image_cache,
        "pdf_variant": PDF_VARIANT,
    }


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document to a tagged PDF, with this process's fonts, print stylesheets and fetcher."""
    resources = _process_resources()
    document = HTML(string=html, base_url=resources.base_url, url_fetcher=resources.url_fetcher)
    with _writing(resources):
        return document.write_pdf(**_options(resources))


def render_document(*, template_name: str, context: dict[str, Any], max_pages: int | None = None) -> RenderedDocument:
    """Lays out a template (as render_pdf) without writing it yet; DocumentTooLong past `max_pages`."""
    resources = _process_resources()
    html = HTML(
        string=render_to_string(template_name, context), base_url=resources.base_url, url_fetcher=resources.url_fetcher
    )
    document = html.render(**_options(resources))
    if max_pages is not None and len(document.pages) > max_pages:
        raise DocumentTooLong(f"The document runs to {len(document.pages)} pages; at most {max_pages} are allowed.")
    return RenderedDocument(document, len(document.pages))


def render_pdf(*, template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template (with only `context`: no request, no context processors) to a tagged PDF."""
    return html_to_pdf(render_to_string(template_name, context))


def htmls_to_pdf(htmls: Iterable[str], *, on_rendered=None) -> bytes:
    """Several HTML documents laid out one by one, written as one tagged PDF (the pages of each, in order).

    For long documents: each part is laid out on its own (layout time grows with a part's length, not the whole's),
    and `on_rendered(index)` is called after each part so that a worker can report its progress. The language and
    title are the first part's."""
    resources = _process_resources()
    documents = []
    for index, html in enumerate(htmls):
        document = HTML(string=html, base_url=resources.base_url, url_fetcher=resources.url_fetcher).render(
            font_config=resources.font_config, stylesheets=resources.stylesheets, cache=resources.image_cache
        )
        documents.append(document)
        if on_rendered:
            on_rendered(index)
    pages = [page for document in documents for page in document.pages]
    with _writing(resources):
        return documents[0].copy(pages).write_pdf(pdf_variant=PDF_VARIANT)
