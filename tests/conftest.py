"""Fixtures shared by the whole suite: demo data, staff users, and real services that fail (never skip) in CI."""

import os
import socket
import uuid
from datetime import date, time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group

from compact_portal import roles

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(name: str, url: str, default_port: int) -> None:
    """Skips outside CI when a service is not running here; in CI a missing service fails the test."""
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2).close()
    except OSError as error:
        message = f"{name} is not reachable at {url} ({error})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language: LocaleMiddleware activates the language of a request
    (/ar/…) in the thread that serves it, the test's thread when the test client makes the request."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _cache_per_test(settings):
    """Each test starts with an empty cache of its own: ids repeat after a rolled-back test, so a public page cached
    in one test (keyed by session id and version, sessions.public_cache) would otherwise be served in the next."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
        "public_pages": {"BACKEND": "compact_portal.page_cache.VersionedPageCache", "LOCATION": uuid.uuid4().hex},
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def reference_data(db):
    from registrations.reference import reference_data_load

    reference_data_load()


@pytest.fixture
def demo_session(db):
    """The sixth informal thematic session with its programme, as the demo loads it."""
    from sessions.demo import demo_sessions_load

    return demo_sessions_load()


@pytest.fixture
def make_session(db):
    """A fresh session, for tests that shape their own agenda."""
    from sessions.models import Process, ThematicSession, Venue

    counter = iter(range(1, 1000))

    def make(**overrides):
        number = next(counter)
        process, _ = Process.objects.get_or_create(name="Test process", defaults={"short_name": "TP"})
        venue, _ = Venue.objects.get_or_create(
            duty_station="Geneva", building="Palais des Nations", room="Room XX", defaults={"timezone": "Europe/Zurich"}
        )
        values = {
            "process": process,
            "number": number,
            "title": f"Test session {number}",
            "slug": f"test-session-{number}",
            "start_date": date(2030, 5, 6),
            "end_date": date(2030, 5, 7),
            "venue": venue,
            "status": ThematicSession.Status.PUBLISHED,
        }
        values.update(overrides)
        return ThematicSession.objects.create(**values)

    return make


@pytest.fixture
def make_items():
    from sessions.models import AgendaItem

    def make(session, count: int):
        items = [
            AgendaItem(
                session=session,
                day=session.start_date,
                start_time=time(hour=7 + i // 6, minute=(i % 6) * 10),
                end_time=time(hour=7 + i // 6, minute=(i % 6) * 10 + 9),
                kind=AgendaItem.Kind.PANEL,
                title=f"Item {i}",
            )
            for i in range(count)
        ]
        return AgendaItem.objects.bulk_create(items)

    return make


@pytest.fixture
def secretariat_user(db, django_user_model):
    user = django_user_model.objects.create_user("sec@example.org", "sec@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.SECRETARIAT))
    return user


@pytest.fixture
def cofacilitator_user(db, django_user_model):
    user = django_user_model.objects.create_user("cofac@example.org", "cofac@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.CO_FACILITATORS))
    return user
