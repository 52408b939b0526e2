"""Public pages cached per language: a cached page costs no query with a shared cache (Redis), one in the embedded
default (local memory), and a change shows at once."""

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from sessions import public_cache
from sessions.models import AgendaItem, ThematicSession
from tests.conftest import require_service
from tests.sessions.conftest import session_change_data

pytestmark = pytest.mark.django_db

TEST_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _caches(*, redis_prefix: str | None, local: str) -> dict:
    """The portal's two caches as settings.py makes them: Redis under a key prefix of this test, or local memory."""
    if redis_prefix is None:
        default = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": local + "-default"}
    else:
        default = {
            "BACKEND": "compact_portal.redis_cache.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": redis_prefix,
        }
    return {
        "default": default,
        "public_pages": {"BACKEND": "compact_portal.page_cache.VersionedPageCache", "LOCATION": local},
    }


@pytest.fixture
def redis_prefix():
    """A key prefix of this test in the suite's Redis; its keys are deleted afterwards."""
    require_service("Redis", TEST_REDIS_URL, 6379)
    import redis

    prefix = f"test-public-pages-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    yield prefix
    client = redis.Redis.from_url(TEST_REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["local memory", "redis"])
def page_cache(request, settings):
    """Both ways the portal runs: the embedded default (local memory) and REDIS_URL (shared by all processes).
    Returns the number of queries a cached page costs."""
    if request.param == "redis":
        settings.CACHES = _caches(redis_prefix=request.getfixturevalue("redis_prefix"), local=uuid.uuid4().hex)
        return 0  # the sessions' rows come from the cache
    settings.CACHES = _caches(redis_prefix=None, local=uuid.uuid4().hex)
    return 1  # the sessions' rows, from the database: local memory is not shared with the worker and commands


def _content(response) -> str:
    """The page's content (its <main>, without the frame), or the whole .ics."""
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")] if "<main" in text else text


@pytest.fixture
def session(make_session, make_items):
    session = make_session(title="Climate and human mobility")
    make_items(session, 3)
    return session


@pytest.mark.parametrize("url_name", ["sessions:detail", "sessions:calendar"])
def test_a_cached_session_page_costs_no_query_with_redis_one_without(
    client, session, url_name, page_cache, django_assert_num_queries
):
    url = reverse(url_name, kwargs={"slug": session.slug})
    first = client.get(url)
    with django_assert_num_queries(page_cache):
        again = client.get(url)
    assert (again.status_code, _content(again)) == (200, _content(first))


def test_a_cached_session_list_costs_no_query_with_redis_one_without(
    client, session, make_session, page_cache, django_assert_num_queries
):
    make_session(title="Oceans")
    first = client.get(reverse("sessions:list"))
    with django_assert_num_queries(page_cache):
        again = client.get(reverse("sessions:list"))
    assert _content(again) == _content(first)


def test_with_redis_a_change_shows_at_once_on_the_next_hit(
    client, session, page_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    detail = reverse("sessions:detail", kwargs={"slug": session.slug})
    assert "Climate and human mobility" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ThematicSession.objects.filter(pk=session.pk).update(title="Disasters and mobility")
        public_cache.public_pages_changed(session=session)
    changed = client.get(detail).content.decode()
    with django_assert_num_queries(page_cache):
        again = client.get(detail).content.decode()
    assert ("Disasters and mobility" in changed, "Climate and human mobility" in changed) == (True, False)
    assert _content_of(again) == _content_of(changed)


def _content_of(text: str) -> str:
    return text[text.index("<main") : text.index("</main>")]


def test_a_change_made_by_another_process_sharing_redis_shows_at_once(
    client, session, settings, redis_prefix, django_capture_on_commit_callbacks
):
    """Two web processes: each keeps pages in its own memory (a LOCATION of its own) and shares Redis. One serves
    the page; the other commits a change; the first serves the change at its next request."""
    detail = reverse("sessions:detail", kwargs={"slug": session.slug})
    first_process, second_process = (_caches(redis_prefix=redis_prefix, local=uuid.uuid4().hex) for _ in range(2))
    settings.CACHES = first_process
    assert "Climate and human mobility" in client.get(detail).content.decode()
    settings.CACHES = second_process
    assert "Climate and human mobility" in client.get(detail).content.decode()  # rendered once: read from Redis
    with django_capture_on_commit_callbacks(execute=True):
        ThematicSession.objects.filter(pk=session.pk).update(title="Disasters and mobility")
        public_cache.public_pages_changed(session=session)
    settings.CACHES = first_process
    page = client.get(detail).content.decode()
    assert ("Disasters and mobility" in page, "Climate and human mobility" in page) == (True, False)


def test_without_a_generation_in_redis_the_rows_come_from_the_database(
    client, session, settings, redis_prefix, django_assert_num_queries
):
    """Redis emptied (or a first start): the next request reads the rows from the database, once."""
    from django.core.cache import caches

    settings.CACHES = _caches(redis_prefix=redis_prefix, local=uuid.uuid4().hex)
    detail = reverse("sessions:detail", kwargs={"slug": session.slug})
    client.get(detail)
    caches["default"].delete("public_pages.generation")  # never clear(): that would empty the whole Redis database
    ThematicSession.objects.filter(pk=session.pk).update(title="Disasters and mobility", public_version=5)
    with django_assert_num_queries(1):
        key = public_cache.session_page(slug=session.slug).key
    assert key.split(".")[:2] == [str(session.pk), "5"]


def test_pages_are_cached_per_language(client, session):
    ThematicSession.objects.filter(pk=session.pk).update(translations={"fr": {"title": "Climat et mobilité humaine"}})
    public_cache.public_pages_changed(session=session)
    english = client.get(reverse("sessions:detail", kwargs={"slug": session.slug})).content.decode()
    with_french = client.get(f"/fr/sessions/{session.slug}/").content.decode()
    assert ("Climate and human mobility" in english, "Climat et mobilité humaine" in english) == (True, False)
    assert "Climat et mobilité humaine" in with_french


def test_a_session_saved_in_the_admin_shows_at_once_on_its_pages(
    client, session, secretariat_user, page_cache, django_capture_on_commit_callbacks
):
    detail = reverse("sessions:detail", kwargs={"slug": session.slug})
    ics = reverse("sessions:calendar", kwargs={"slug": session.slug})
    listing = reverse("sessions:list")
    before = [client.get(url).content.decode() for url in (detail, ics, listing)]
    assert ["Climate and human mobility" in page for page in before] == [True, True, True]

    staff = client.__class__()
    staff.force_login(secretariat_user)
    change = reverse("admin:consultations_thematicsession_change", args=[session.pk])
    with django_capture_on_commit_callbacks(execute=True):
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


def test_a_session_made_draft_leaves_the_public_pages(
    client, session, secretariat_user, page_cache, django_capture_on_commit_callbacks
):
    detail = reverse("sessions:detail", kwargs={"slug": session.slug})
    assert client.get(detail).status_code == 200
    staff = client.__class__()
    staff.force_login(secretariat_user)
    change = reverse("admin:consultations_thematicsession_change", args=[session.pk])
    with django_capture_on_commit_callbacks(execute=True):
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


# --- A visitor's page, whole -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["sessions:detail", "sessions:list"])
def test_a_visitors_page_is_served_whole_the_second_time(client, session, url_name, page_cache):
    url = reverse(url_name, kwargs={"slug": session.slug}) if url_name == "sessions:detail" else reverse(url_name)
    first = client.get(url)
    again = client.get(url)
    assert ("base.html" in [t.name for t in first.templates], again.templates) == (True, [])
    assert (again.status_code, again.content) == (200, first.content)


def test_a_visitors_page_holds_nothing_of_the_request_and_says_how_to_cache_it(client, session):
    url = reverse("sessions:detail", kwargs={"slug": session.slug})
    for response in (client.get(url), client.get(url)):
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert not response.cookies
        assert ("Cookie" in response["Vary"], response["Cache-Control"]) == (True, "no-cache")
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_a_visitors_page_changes_at_once_whole(client, session, django_capture_on_commit_callbacks):
    url = reverse("sessions:detail", kwargs={"slug": session.slug})
    client.get(url)
    etag = client.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        ThematicSession.objects.filter(pk=session.pk).update(title="Disasters and mobility")
        public_cache.public_pages_changed(session=session)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert (changed.status_code, "Disasters and mobility" in changed.content.decode()) == (200, True)


def test_a_page_asked_with_a_query_string_or_a_session_is_rendered(client, session):
    url = reverse("sessions:detail", kwargs={"slug": session.slug})
    client.get(url)
    assert client.get(url + "?utm=1").templates != []
    client.cookies["sessionid"] = "not-a-session"
    with_session = client.get(url)
    assert (with_session.templates != [], "private" in with_session["Cache-Control"]) == (True, True)


def test_a_page_made_for_this_request_is_never_kept(rf, session):
    """A page that used a CSRF token (or set a cookie, or wrote the session) is the visitor's own: rendered again."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    rendered = []

    def render(request):
        rendered.append(get_token(request))
        return HttpResponse(f"<p>{rendered[-1]}</p>")

    page = public_cache.session_page(slug=session.slug)
    for _ in range(2):
        request = rf.get("/en/")
        request.session, request.user = SessionStore(), AnonymousUser()
        response = public_cache.visitor_response(request, page, lambda request=request: render(request))
        assert rendered[-1] in response.content.decode()
    assert len(rendered) == 2


# --- Admin saves: one bump, of the sessions concerned ----------------------------------------------------------------


def _versions() -> dict:
    return dict(ThematicSession.objects.values_list("pk", "public_version"))


def test_a_session_saved_in_the_admin_bumps_its_version_once_and_no_other(
    client, session, make_session, secretariat_user
):
    other = make_session(title="Oceans")
    before = _versions()
    client.force_login(secretariat_user)
    change = reverse("admin:consultations_thematicsession_change", args=[session.pk])
    assert client.post(change, session_change_data(session, title="Disasters and mobility")).status_code == 302
    assert _versions() == {session.pk: before[session.pk] + 1, other.pk: before[other.pk]}


def test_an_agenda_item_moved_in_the_admin_changes_both_sessions_pages_and_no_other(
    client, session, make_session, secretariat_user
):
    target, untouched = make_session(title="Oceans"), make_session(title="Deserts")
    item = AgendaItem.objects.get(session=session, title="Item 0")
    before = _versions()
    client.force_login(secretariat_user)
    data = {
        "session": target.pk,
        "day": target.start_date.isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "kind": "panel",
        "title": "Item 0",
        "roles-TOTAL_FORMS": 0,
        "roles-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:consultations_agendaitem_change", args=[item.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _versions() == {
        session.pk: before[session.pk] + 1,
        target.pk: before[target.pk] + 1,
        untouched.pk: before[untouched.pk],
    }
    assert "Item 0" in client.get(reverse("sessions:detail", kwargs={"slug": target.slug})).content.decode()


def test_a_venue_saved_in_the_admin_bumps_every_session_once(client, session, make_session, secretariat_user):
    other = make_session(title="Oceans")
    before = _versions()
    client.force_login(secretariat_user)
    venue = session.venue
    data = {
        "duty_station": venue.duty_station,
        "building": "Palais Wilson",
        "room": venue.room,
        "timezone": venue.timezone,
    }
    response = client.post(reverse("admin:consultations_venue_change", args=[venue.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _versions() == {session.pk: before[session.pk] + 1, other.pk: before[other.pk] + 1}
