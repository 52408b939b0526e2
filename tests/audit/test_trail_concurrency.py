"""Concurrent writers take turns on the chain head: the chain never forks (real threads, one connection each, on
the database the run uses: SQLite by default, PostgreSQL with DATABASE_URL)."""

import pytest
from django.db import transaction

from audit import trail
from audit.models import AuditEntry
from tests.registrations.services.test_dialogue_concurrency import run_at_once

WRITERS = 20


@pytest.mark.django_db(transaction=True)
def test_simultaneous_appends_make_one_unbroken_chain():
    def append(number):
        def call():
            with transaction.atomic():
                return trail.record(actor=None, action="test append", object_repr=f"writer {number}").seq

        return call

    results = run_at_once([append(number) for number in range(WRITERS * 2)], workers=WRITERS)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(results) == list(range(1, WRITERS * 2 + 1))
    assert AuditEntry.objects.count() == WRITERS * 2
    assert str(trail.verify()) == f"{WRITERS * 2} entries, chain intact"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_appends_of_several_entries_each_keep_theirs_together():
    def append(number):
        def call():
            with transaction.atomic():
                entries = trail.append(
                    *(trail.entry(actor=None, action="test append", object_repr=f"writer {number}") for _ in range(3))
                )
            return [entry.seq for entry in entries]

        return call

    results = run_at_once([append(number) for number in range(WRITERS)], workers=WRITERS)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert all(seqs == list(range(seqs[0], seqs[0] + 3)) for seqs in results)  # each writer's three in a row
    assert sorted(seq for seqs in results for seq in seqs) == list(range(1, WRITERS * 3 + 1))
    assert str(trail.verify()) == f"{WRITERS * 3} entries, chain intact"
