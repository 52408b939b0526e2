"""notify_once: the one claim/send/release of every notification."""

import subprocess
import sys

import pytest

from outbox.models import OutgoingMail
from outbox.notify import notify_once


@pytest.mark.django_db
def test_a_notification_is_made_once_and_an_error_gives_the_claim_back_for_the_retry():
    # Any row with an empty timestamp will do; outbox's own model has one (claimed_at).
    row = OutgoingMail.objects.create(
        kind="test", subject="s", from_email="a@example.org", to=["b@example.org"], body=""
    )
    made = []

    def broken():
        raise OSError("the template is gone")

    with pytest.raises(OSError):
        notify_once(OutgoingMail.objects, pk=row.pk, field="claimed_at", send=broken)
    assert OutgoingMail.objects.get(pk=row.pk).claimed_at is None  # given back: the retry makes it
    results = [
        notify_once(OutgoingMail.objects, pk=row.pk, field="claimed_at", send=lambda: made.append(1)) for _ in "ab"
    ]
    assert results == [True, False]
    assert made == [1]
    assert OutgoingMail.objects.get(pk=row.pk).claimed_at is not None
    # A row the queryset no longer holds (its status moved on) is not notified.
    other = OutgoingMail.objects.create(
        kind="test", subject="s", from_email="a@example.org", to=["c@example.org"], body=""
    )
    assert (
        notify_once(OutgoingMail.objects.filter(status="sent"), pk=other.pk, field="claimed_at", send=made.clear)
        is False
    )
    assert made == [1]


def test_enqueue_on_commit_finds_a_task_whose_module_no_one_imported_yet():
    # A fresh process, as a web process is: registrations/tasks.py is not imported until a task of it is queued.
    code = """
import django
django.setup()
import sys
from celery.contrib.django.task import DjangoTask
from outbox.notify import enqueue_on_commit
assert "registrations.tasks" not in sys.modules
DjangoTask.delay_on_commit = lambda task, *args: print(task.name, args)  # no broker, no database needed
enqueue_on_commit("registrations.close_due_non_objection_lists")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, "registrations.close_due_non_objection_lists ()"), (
        result.stderr
    )
