"""The public pages of a signed-in user are their own (menu, their organization's notice, their token) around the
cached content; a visitor's page is served whole from the cache (sessions.public_cache.visitor_response). Neither ever
shows a trace of the other, in either order."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

VISITOR_MENU = "Sign in"


@pytest.fixture
def focal_point_awaiting(make_organization):
    """The focal point of an organization not accredited yet: the session page tells them so (a per-user block)."""
    return make_organization(name="Riverside Alliance", accredited=False).focal_point


def _personal_traces(page: str) -> list[str]:
    return [
        trace for trace in ("Riverside Alliance", "Sign out", "csrfmiddlewaretoken", "My organization") if trace in page
    ]


@pytest.mark.parametrize("url_name", ["sessions:detail", "registrations:dialogue_speakers", "sessions:list"])
def test_a_signed_in_page_then_a_visitors_then_the_reverse(client, make_session, focal_point_awaiting, url_name):
    session = make_session(title="Climate and human mobility")
    url = reverse(url_name) if url_name == "sessions:list" else reverse(url_name, kwargs={"slug": session.slug})
    user = client.__class__()
    user.force_login(focal_point_awaiting)

    signed_in = user.get(url)
    visitor = client.get(url)
    visitor_again = client.get(url)  # whole, from the cache
    signed_in_again = user.get(url)  # their own, not the visitor's

    expected = ["Sign out", "csrfmiddlewaretoken", "My organization"]
    if url_name == "sessions:detail":
        expected.insert(0, "Riverside Alliance")
    assert _personal_traces(signed_in.content.decode()) == expected
    assert _personal_traces(signed_in_again.content.decode()) == expected
    assert [_personal_traces(page.content.decode()) for page in (visitor, visitor_again)] == [[], []]
    assert VISITOR_MENU in visitor_again.content.decode()
    assert VISITOR_MENU not in signed_in_again.content.decode()
    assert "private" in signed_in_again["Cache-Control"]
    assert visitor_again.templates == []


def test_a_visitor_after_signing_out_gets_the_visitors_page(client, make_session, focal_point_awaiting):
    session = make_session()
    url = reverse("sessions:detail", kwargs={"slug": session.slug})
    assert client.get(url).status_code == 200  # the visitor's page is cached
    client.force_login(focal_point_awaiting)
    assert "Riverside Alliance" in client.get(url).content.decode()
    client.post(reverse("account_logout"))
    assert _personal_traces(client.get(url).content.decode()) == []
