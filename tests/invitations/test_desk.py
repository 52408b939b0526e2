"""The co-facilitators' desk on the admin's index: their sessions' letters, dispatches still sending with their
bars, failed deliveries; the same queries for 1 and 50 dispatches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compact_portal import desk
from invitations.demo import demo_letters_load
from registrations.demo import demo_missions_load
from tests.invitations.test_admin import _dispatch_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(reference_data, demo_session):
    demo_missions_load()
    return demo_letters_load(session=demo_session)[0]


def _rows(user, key):
    return next(entry.rows for entry in desk.desk_for(user) if entry.key == key)


def test_index_is_the_cofacilitators_desk(client, cofacilitator_user, letter):
    client.force_login(cofacilitator_user)
    response = client.get(reverse("admin:index"))
    assert response.context["title"] == "Co-facilitators’ desk"
    assert [entry.title for entry in response.context["desk"]] == [
        "Letters of the open sessions",
        "Dispatches in progress",
        "Failed deliveries",
        "Missions' answers",
    ]
    assert "<title>Co-facilitators’ desk | Compact Portal</title>" in response.content.decode()


def test_dispatches_in_progress_carry_their_bar_and_failed_ones_link_to_their_failures(cofacilitator_user, letter):
    sending = _dispatch_with(letter, cofacilitator_user, ["sent", "sent", "failed", "queued"])
    _dispatch_with(letter, cofacilitator_user, ["sent", "sent"])  # finished: not in progress
    in_progress = _rows(cofacilitator_user, desk.DISPATCHES)
    assert [(row.url, row.count, row.progress) for row in in_progress] == [
        (
            reverse("admin:invitations_dispatch_change", args=[sending.pk]),
            1,
            {
                "total": 4,
                "sent": 2,
                "failed": 1,
                "pending": 1,
                "retrying": 0,
                "done": False,
                "percent_sent": 50.0,
                "percent_failed": 25.0,
                "percent_pending": 25.0,
            },
        )
    ]
    assert [(row.label, row.url, row.count) for row in _rows(cofacilitator_user, desk.FAILED)] == [
        (
            "Invitation (en) to an uploaded list (CSV)",  # was "(csv)", and "to all member states' missions"
            reverse("admin:invitations_dispatch_change", args=[sending.pk]) + "?status=failed",
            1,
        )
    ]
    # One letter, its French and Spanish versions included.
    assert [(row.label, row.count, row.note, row.url) for row in _rows(cofacilitator_user, desk.LETTERS)] == [
        (
            "Invitation (English)",
            4,
            "sent to 4 addresses",
            reverse("admin:invitations_letter_change", args=[letter.pk]),
        ),
    ]


def test_a_letter_not_sent_yet_says_so_without_a_zero(client, cofacilitator_user, letter):
    assert [(row.label, row.count, row.note) for row in _rows(cofacilitator_user, desk.LETTERS)] == [
        ("Invitation (English)", None, "not sent yet")
    ]
    client.force_login(cofacilitator_user)
    page = " ".join(client.get(reverse("admin:index")).content.decode().split())
    assert '<span class="desk-note">not sent yet</span>' in page
    assert "Invitation (en)" not in page


def test_secretariat_desk_has_no_dispatch_sections(secretariat_user, letter):
    assert desk.DISPATCHES not in [entry.key for entry in desk.desk_for(secretariat_user)]


def test_index_runs_the_same_queries_for_1_and_50_dispatches(client, cofacilitator_user, letter):
    client.force_login(cofacilitator_user)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(context.captured_queries)

    _dispatch_with(letter, cofacilitator_user, ["sent", "failed", "queued"])
    one = queries()
    for _ in range(49):
        _dispatch_with(letter, cofacilitator_user, ["sent", "failed", "queued"])
    assert queries() == one
