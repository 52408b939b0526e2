"""Public pages cached per language: a cached page costs one query, and a change shows at once."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from sessions import public_cache
from sessions.models import AgendaItem, ThematicSession
from tests.sessions.conftest import session_change_data

pytestmark = pytest.mark.django_db


def _content(response) -> str:
    """The page without its frame (the language form's CSRF token differs per request), or the whole .ics."""
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")] if "<main" in text else text


@pytest.fixture
def session(make_session, make_items):
    session = make_session(title="Climate and human mobility")
    make_items(session, 3)
    return session


@pytest.mark.parametrize("url_name", ["sessions:detail", "sessions:calendar"])
def test_a_cached_session_page_costs_one_query(client, session, url_name, django_assert_num_queries):
    url = reverse(url_name, kwargs={"slug": session.slug})
    first = client.get(url)
    with django_assert_num_queries(1):  # the session's version
        again = client.get(url)
    assert (again.status_code, _content(again)) == (200, _content(first))


def test_a_cached_session_list_costs_one_query(client, session, make_session, django_assert_num_queries):
    make_session(title="Oceans")
    first = client.get(reverse("sessions:list"))
    with django_assert_num_queries(1):  # every session's version
        again = client.get(reverse("sessions:list"))
    assert _content(again) == _content(first)


def test_pages_are_cached_per_language(client, session):
    ThematicSession.objects.filter(pk=session.pk).update(translations={"fr": {"title": "Climat et mobilité humaine"}})
    public_cache.public_pages_changed(session=session)
    english = client.get(reverse("sessions:detail", kwargs={"slug": session.slug})).content.decode()
    with_french = client.get(f"/fr/sessions/{session.slug}/").content.decode()
    assert ("Climate and human mobility" in english, "Climat et mobilité humaine" in english) == (True, False)
    assert "Climat et mobilité humaine" in with_french


def test_a_session_saved_in_the_admin_shows_at_once_on_its_pages(client, session, secretariat_user):
    detail = reverse("sessions:detail", kwargs={"slug": session.slug})
    ics = reverse("sessions:calendar", kwargs={"slug": session.slug})
    listing = reverse("sessions:list")
    before = [client.get(url).content.decode() for url in (detail, ics, listing)]
    assert ["Climate and human mobility" in page for page in before] == [True, True, True]

    staff = client.__class__()
    staff.force_login(secretariat_user)
    change = reverse("admin:consultations_thematicsession_change", args=[session.pk])
    response = staff.post(change, session_change_data(session, title="Disasters and mobility"))
    assert response.status_code == 302

    after = [client.get(url).content.decode() for url in (detail, ics, listing)]
    assert ["Disasters and mobility" in page for page in after] == [True, True, True]
    assert ["Climate and human mobility" in page for page in after] == [False, False, False]


def test_an_agenda_item_changed_in_the_admin_shows_at_once(client, session, secretariat_user):
    detail = reverse("sessions:detail", kwargs={"slug": session.slug})
    assert "Item 0" in client.get(detail).content.decode()
    item = AgendaItem.objects.get(session=session, title="Item 0")
    staff = client.__class__()
    staff.force_login(secretariat_user)
    response = staff.post(
        reverse("admin:consultations_agendaitem_delete", args=[item.pk]), {"post": "yes"}, follow=False
    )
    assert response.status_code == 302
    assert "Item 0" not in client.get(detail).content.decode()


def test_a_session_made_draft_leaves_the_public_pages(client, session, secretariat_user):
    detail = reverse("sessions:detail", kwargs={"slug": session.slug})
    assert client.get(detail).status_code == 200
    staff = client.__class__()
    staff.force_login(secretariat_user)
    change = reverse("admin:consultations_thematicsession_change", args=[session.pk])
    assert staff.post(change, session_change_data(session, status="draft")).status_code == 302
    assert client.get(detail).status_code == 404
    assert "Climate and human mobility" not in client.get(reverse("sessions:list")).content.decode()


def test_the_key_changes_when_the_registration_deadline_passes_without_a_save(session):
    deadline = datetime(2030, 4, 1, 16, 0, tzinfo=UTC)
    ThematicSession.objects.filter(pk=session.pk).update(registration_deadline=deadline)
    before = public_cache.session_page(slug=session.slug, now=deadline - timedelta(seconds=1))
    at = public_cache.session_page(slug=session.slug, now=deadline)
    later = public_cache.session_page(slug=session.slug, now=deadline + timedelta(days=1))
    listing = [public_cache.session_list_page(now=now).key for now in (deadline - timedelta(seconds=1), deadline)]
    assert (before.key != at.key, at.key == later.key, listing[0] != listing[1]) == (True, True, True)


def test_public_pages_changed_bumps_one_session_or_all(session, make_session):
    other = make_session()
    public_cache.public_pages_changed(session=session)
    assert dict(ThematicSession.objects.values_list("pk", "public_version")) == {session.pk: 2, other.pk: 1}
    public_cache.public_pages_changed()
    assert dict(ThematicSession.objects.values_list("pk", "public_version")) == {session.pk: 3, other.pk: 2}
