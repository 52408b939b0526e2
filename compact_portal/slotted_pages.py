"""Signed-in pages rendered once per shape, then served with the request's own values put in their slots.

A form page that thousands of users open in the same minute (a dialogue's application form) is the same for all of
them but for a few values: their CSRF token, their name and e-mail address in the fields, their organization's name.
`slotted_response` renders the page once per process and per shape (the content's version, the language, the path,
whatever the caller's key holds: the header's menu, the message under the title) with a marker where each such value
goes, keeps the page cut at the markers in this process's memory, and answers each request by joining the pieces
with the request's values, escaped as the template would have escaped them. No template is rendered on a hit.

The caller puts `slot("name")` in the context wherever the template prints a per-request value, only where the
template prints it escaped as HTML (a text node or an attribute's value), and lists the raw values under the same
names; the CSRF token has its slot already (`{% csrf_token %}`). Everything else the template reads must be in the
caller's key, including what changes the markup around a value (an empty value often does: a field without one has
no `value` attribute). A page is rendered for the request alone, never kept, when messages are waiting to be shown
(they are the user's), when the request has a query string, or when its render wrote to the session.

This process's memory, not Redis: the pieces come from this process's templates and code, which a deployment changes
without changing any content's version (as the visitors' whole pages, sessions.public_cache.visitor_response).
"""

import hashlib
import re
import secrets
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

# Letters and digits only: escaping, |stringformat and format_html leave a marker as it is. Random per process, so
# no content entered by anyone can contain one.
_NONCE = secrets.token_hex(8)
_MARKER = re.compile(f"slot{_NONCE}([a-z_]+)end")
_CSRF = "csrf_token"
PAGE_SECONDS = 3600


def slot(name: str) -> str:
    """The marker of the value `name` in a page being rendered for `slotted_response`."""
    return f"slot{_NONCE}{name}end"


def _pieces(html: str) -> tuple[str, ...]:
    """The page cut at its markers: text, slot name, text, slot name, …, text."""
    return tuple(_MARKER.split(html))


def _keepable(request) -> bool:
    return request.method == "GET" and not request.META.get("QUERY_STRING") and not len(messages.get_messages(request))


def slotted_response(
    request, template: str, *, key: tuple, context: Callable[[], dict], values: dict[str, str]
) -> HttpResponse:
    """The page `template` renders with `context()` (called only when the page is not kept), for this request: its
    `values` (raw text, escaped here) and its CSRF token in their slots. `key` holds whatever else the page depends
    on besides the language and the path."""
    keepable = _keepable(request)
    shape = repr((request.path, translation.get_language(), sorted(values), *key))
    cache_key = "slotted." + hashlib.blake2b(shape.encode(), digest_size=16).hexdigest()
    memory = caches["public_pages"].local
    pieces = memory.get(cache_key) if keepable else None
    if pieces is None:
        page_context = context()
        page_context[_CSRF] = slot(_CSRF)
        session_was_modified = request.session.modified
        pieces = _pieces(render_to_string(template, page_context, request))
        # Kept unless the render wrote to the session: something in the page was then made for this request alone.
        if keepable and (session_was_modified or not request.session.modified):
            memory.set(cache_key, pieces, PAGE_SECONDS)
    return HttpResponse(_join(pieces, request, values))


def _join(pieces: tuple[str, ...], request, values: dict[str, str]) -> str:
    filled = {name: escape(value) for name, value in values.items()}
    if _CSRF in pieces[1::2]:
        filled[_CSRF] = get_token(request)  # one token for the page, as a render's context has
    return "".join(piece if index % 2 == 0 else filled[piece] for index, piece in enumerate(pieces))
