"""Celery's options read for every message are stated in Django's settings (compact_portal/settings.py), at
Celery's own defaults: sending a message misses none of them, and behaves as without them."""

import pytest
from celery.app.defaults import DEFAULTS
from django.conf import LazySettings, settings

from compact_portal.celery import app

PER_MESSAGE_OPTIONS = [
    "task_always_eager",
    "task_repr_maxlevels",
    "task_send_sent_event",
    "broker_pool_acquire_timeout",
]


@pytest.fixture
def memory_broker():
    """The app on kombu's in-process broker: what a message's making reads is Celery's, whatever the transport."""
    saved = app.conf.broker_url, app.conf.broker_transport
    app.conf.broker_url, app.conf.broker_transport = "memory://", None
    app._pool = None
    app.amqp._producer_pool = None
    yield app
    app.conf.broker_url, app.conf.broker_transport = saved
    app._pool = None
    app.amqp._producer_pool = None


def _settings_missed(monkeypatch) -> list[str]:
    """Records the names looked up in Django's settings and not found there."""
    missed = []
    look_up = LazySettings.__getattr__

    def recording(self, name):
        try:
            return look_up(self, name)
        except AttributeError:
            missed.append(name)
            raise

    monkeypatch.setattr(LazySettings, "__getattr__", recording)
    return missed


def test_sending_a_task_misses_no_setting(memory_broker, monkeypatch):
    from registrations.tasks import notify_application_event

    notify_application_event.apply_async((1,))  # the first connects (the broker's options are read once)
    missed = _settings_missed(monkeypatch)
    notify_application_event.apply_async((2,))
    notify_application_event.delay(3)

    assert missed == [], f"state these in compact_portal/settings.py at Celery's defaults: {sorted(set(missed))}"


def test_the_per_message_options_are_celerys_defaults():
    for option in PER_MESSAGE_OPTIONS:
        assert getattr(settings, f"CELERY_{option.upper()}") == DEFAULTS[option]
        assert app.conf[option] == DEFAULTS[option]


def test_an_option_set_on_the_app_or_in_the_settings_still_wins(settings):
    """Tests make tasks eager on the app (tests/registrations/conftest.py) or change Django's settings."""
    had_eager = "task_always_eager" in app.conf.changes
    previous = app.conf.changes.get("task_always_eager")
    app.conf.task_always_eager = True
    try:
        assert app.conf.task_always_eager is True
    finally:
        if had_eager:
            app.conf.changes["task_always_eager"] = previous
        else:
            del app.conf.changes["task_always_eager"]
    settings.CELERY_TASK_REPR_MAXLEVELS = 5
    assert app.conf.task_repr_maxlevels == 5
