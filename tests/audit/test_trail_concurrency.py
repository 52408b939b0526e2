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
