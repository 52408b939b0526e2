"""Capacity under concurrency, with real threads and one database connection each, on the database the run uses
(SQLite by default; PostgreSQL with DATABASE_URL, as in CI).

200 applications "arriving at the same moment": 200 tasks on a pool of 40 threads, each thread opening its
connection and then waiting at a threading.Barrier(40), so every batch of 40 calls the service at once (5 batches).
Why not 200 threads: PostgreSQL's max_connections is 100 by default (and other runs may share the server); 40
simultaneous transactions already contend for the same dialogue row at every step. Each task closes its
connection at the end, so nothing outlives the test (PostgreSQL could not drop the test database otherwise).
"""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from registrations.models import Organization, SlotApplication
from registrations.services import dialogue as dialogue_services

APPLICANTS = 200
WORKERS = 40


def run_at_once(calls: list, *, workers: int = WORKERS) -> list:
    """Runs `calls` (each a function of no arguments) on `workers` threads released together by a barrier; returns
    each call's result or the exception it raised, in the order of `calls`."""
    assert len(calls) % workers == 0, "every batch must fill the barrier"
    barrier = threading.Barrier(workers, timeout=60)

    def run(call):
        try:
            connection.ensure_connection()
            barrier.wait()
            return call()
        except Exception as error:
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))


@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_applications_for_10_slots_end_with_10_confirmed_and_190_waitlisted_in_arrival_order(
    make_dialogue, make_organization, mailoutbox
):
    dialogue = make_dialogue(start="09:00", end="09:35", chair_minutes=5)  # 30 minutes ÷ 3 = 10 slots
    assert dialogue.slot_count == 10
    organizations = [make_organization() for _ in range(APPLICANTS)]

    def apply(organization):
        return lambda: dialogue_services.application_submit(
            dialogue=dialogue,
            organization=organization,
            by=organization.focal_point,
            speaker_name=f"Speaker {organization.pk}",
            speaker_function="Director",
            summary="Decent work.",
        )

    started = time.monotonic()
    results = run_at_once([apply(organization) for organization in organizations])
    elapsed = time.monotonic() - started
    print(f"\n{APPLICANTS} applications on {WORKERS} threads ({connection.vendor}): {elapsed:.2f} s")

    errors = [result for result in results if isinstance(result, Exception)]
    assert errors == []
    applications = list(SlotApplication.objects.filter(dialogue=dialogue).order_by("sequence"))
    assert Counter(a.status for a in applications) == {"confirmed": 10, "waitlisted": 190}
    assert [a.sequence for a in applications] == list(range(1, APPLICANTS + 1))
    # Arrival order: the first ten to take the lock speak, in that order; the others wait in that order.
    expected = [("confirmed", n) for n in range(1, 11)] + [("waitlisted", n) for n in range(1, 191)]
    assert [(a.status, a.position) for a in applications] == expected
    dialogue.refresh_from_db()
    assert dialogue.next_sequence == APPLICANTS
    # Each thread's return value agrees with what the database holds.
    assert sorted((r.sequence, r.status) for r in results) == [(a.sequence, a.status) for a in applications]
    # Everybody is told once, after the commit; the confirmed ones get their slot as a calendar file.
    assert len(mailoutbox) == APPLICANTS
    with_calendar = [m for m in mailoutbox if any(name.endswith(".ics") for name, *_ in m.attachments)]
    assert len(with_calendar) == 10


@pytest.mark.django_db(transaction=True)
def test_one_organization_applying_40_times_at_once_gets_one_application(make_dialogue, make_organization):
    dialogue = make_dialogue()
    organization = make_organization()

    def apply():
        return dialogue_services.application_submit(
            dialogue=dialogue,
            organization=Organization.objects.get(pk=organization.pk),
            by=organization.focal_point,
            speaker_name="Same speaker",
            speaker_function="Director",
            summary="Once.",
        )

    results = run_at_once([apply] * WORKERS)

    refused = [r for r in results if isinstance(r, ValidationError)]
    accepted = [r for r in results if isinstance(r, SlotApplication)]
    assert (len(accepted), len(refused)) == (1, WORKERS - 1)
    assert {message for r in refused for message in r.messages} == {
        f"{organization} has already applied for this dialogue."
    }
    assert SlotApplication.objects.filter(dialogue=dialogue).count() == 1
