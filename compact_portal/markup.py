"""Markdown for text written by users (letter bodies), rendered to HTML that is safe to mark_safe.

The subset: paragraphs, line breaks, *emphasis*, **strong**, bullet and numbered lists, and links whose scheme
is http, https or mailto. Everything else stays as the text the user typed: raw HTML is escaped, headings,
quotes and code are not parsed, and an image (`![alt](url)`) is shown as its own source text, so a letter can
never make WeasyPrint fetch a URL of the user's choosing.
"""

from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.image import image as parse_image

ALLOWED_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


class _UserMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        try:
            scheme = urlsplit(url).scheme
        except ValueError:
            return False
        return scheme.lower() in ALLOWED_LINK_SCHEMES


def _image_as_text(state: StateInline, silent: bool) -> bool:
    """Consume `![alt](url)` as plain text, so that the link rule does not turn `[alt](url)` into a link."""
    start = state.pos
    if not parse_image(state, True):  # silent: only moves state.pos past the image
        return False
    if not silent:
        state.push("text", "", 0).content = state.src[start : state.pos]
    return True


_markdown = _UserMarkdown("zero", {"html": False}).enable(
    ["list", "emphasis", "link", "autolink", "newline", "escape", "entity"]
)
_markdown.inline.ruler.at("image", _image_as_text)
_markdown.enable("image")


@lru_cache(maxsize=64)  # a dispatch renders the same body for every recipient (placeholders are filled after)
def markdown_to_html(text: str) -> str:
    """Render user-written Markdown to HTML in which every character the user typed is escaped."""
    return _markdown.render(text)
