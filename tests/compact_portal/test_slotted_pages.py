"""Pages kept per shape with the request's values put in (compact_portal.slotted_pages): each value escaped as the
template escapes it, one CSRF token per page, and nothing kept that was made for one request."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import _check_token_format, _unmask_cipher_token

from compact_portal import slotted_pages

TEMPLATE = '<p>{{ name }}</p><input value="{{ name }}">{% csrf_token %}<i>{{ fixed }}</i>{% csrf_token %}'


@pytest.fixture
def template(settings, tmp_path):
    (tmp_path / "slotted.html").write_text(TEMPLATE)
    (tmp_path / "writes.html").write_text("{{ writes }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]  # the engines are made anew (a signal)
    return "slotted.html"


def _request(rf, query: str = ""):
    request = rf.get("/en/somewhere/" + query)
    request.session, request.user = SessionStore(), AnonymousUser()
    request._messages = FallbackStorage(request)
    return request


def _respond(request, template, name: str, calls: list):
    def context():
        calls.append(1)
        return {"name": slotted_pages.slot("name"), "fixed": "Fixed & <same>"}

    return slotted_pages.slotted_response(request, template, key=("k",), context=context, values={"name": name})


def test_values_are_escaped_as_the_template_escapes_them_and_the_page_is_rendered_once(rf, template, db):
    calls = []
    first = _respond(_request(rf), template, "O'Brien & <Sons>", calls).content.decode()
    second = _respond(_request(rf), template, "Ada", calls).content.decode()
    assert calls == [1]
    assert first.startswith('<p>O&#x27;Brien &amp; &lt;Sons&gt;</p><input value="O&#x27;Brien &amp; &lt;Sons&gt;">')
    assert second.startswith('<p>Ada</p><input value="Ada">') and "<i>Fixed &amp; &lt;same&gt;</i>" in second


def test_one_valid_token_per_page(rf, template, db):
    request = _request(rf)
    page = _respond(request, template, "Ada", []).content.decode()
    tokens = [part.split('"', 1)[0] for part in page.split('name="csrfmiddlewaretoken" value="')[1:]]
    assert len(tokens) == 2 and tokens[0] == tokens[1]
    _check_token_format(tokens[0])
    assert _unmask_cipher_token(tokens[0]) == request.META["CSRF_COOKIE"]  # the secret its cookie will hold
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"]


def test_a_page_asked_with_a_query_string_or_with_messages_waiting_is_rendered_and_not_kept(rf, template, db):
    calls = []
    _respond(_request(rf, "?next=/"), template, "Ada", calls)
    with_message = _request(rf)
    with_message._messages.add(20, "Welcome")
    _respond(with_message, template, "Ada", calls)
    _respond(_request(rf), template, "Ada", calls)
    assert calls == [1, 1, 1]


def test_a_page_whose_render_wrote_the_session_is_not_kept(rf, template, db):
    calls = []

    def respond():
        request = _request(rf)

        def context():
            calls.append(1)
            return {"writes": lambda: request.session.__setitem__("seen", True) or "written"}

        return slotted_pages.slotted_response(request, "writes.html", key=(), context=context, values={})

    assert respond().content == b"written"
    respond()
    assert calls == [1, 1]
