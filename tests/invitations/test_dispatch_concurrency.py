"""Two sends of one letter started at the same moment, with different one-time keys (two confirmation pages, two
`send_invitations` commands), on real threads with a connection each, on the database the run uses (SQLite by
default; PostgreSQL with DATABASE_URL, as in CI): no error, each address once, the overlap counted as "already
has it", the rest sent."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection

from invitations import dispatch as dispatching
from invitations.demo import demo_letters_load
from invitations.models import Delivery, Dispatch
from outbox import sending
from outbox.models import OutgoingMail
from registrations.demo import demo_missions_load

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def letter(transactional_db, reference_data, demo_session, monkeypatch, settings):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))  # no broker: the rows tell all
    # send_invitations needs the portal's address (PORTAL_BASE_URL), whatever `make run` recorded in this checkout.
    monkeypatch.setenv("PORTAL_BASE_URL", "http://127.0.0.1:8131")
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8131"
    demo_missions_load()
    return demo_letters_load(session=demo_session)[0]


def at_once(*calls):
    """Runs each call on its own thread with its own connection, released together; returns results or errors."""
    barrier = threading.Barrier(len(calls), timeout=60)

    def run(call):
        try:
            connection.ensure_connection()
            barrier.wait()
            return call()
        except Exception as error:
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_sends_of_one_letter_at_once_send_each_address_once_and_count_the_overlap(letter, cofacilitator_user):
    # The Member States (193) and everyone (195) at the same moment: 193 addresses in common.
    results = at_once(
        lambda: dispatching.dispatch_create(letter=letter, audience="member-states", by=cofacilitator_user),
        lambda: dispatching.dispatch_create(letter=letter, audience="all", by=cofacilitator_user),
    )
    assert [type(result) for result in results] == [Dispatch, Dispatch]
    members, everyone = (Dispatch.objects.get(pk=result.pk) for result in results)
    outcome = {
        "members": (members.deliveries.count(), members.already_sent),
        "everyone": (everyone.deliveries.count(), everyone.already_sent),
    }
    # Whichever committed first has the overlap; the other counts it as already sent and sends the rest.
    assert outcome in (
        {"members": (193, 0), "everyone": (2, 193)},
        {"members": (0, 193), "everyone": (195, 0)},
    )
    emails = list(Delivery.objects.values_list("email", flat=True))
    assert len(emails) == len(set(emails)) == 195
    assert [(d.delivery_count, d.sent_count, d.failed_count) for d in (members, everyone)] == [
        (d.deliveries.count(), 0, 0) for d in (members, everyone)
    ]
    # One outgoing mail per delivery: the mails of the deliveries the loser skipped are gone with them.
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == sorted([email] for email in emails)


def test_two_send_invitations_commands_at_once_end_without_error(letter, capsys):
    results = at_once(
        lambda: call_command("send_invitations", "gcm-its-6", "--audience", "observer-states"),
        lambda: call_command("send_invitations", "gcm-its-6", "--audience", "all"),
    )
    assert results == [None, None]
    dispatches = Dispatch.objects.order_by("pk")
    assert sorted((d.deliveries.count(), d.already_sent) for d in dispatches) in (
        [(0, 2), (195, 0)],
        [(2, 0), (193, 2)],
    )
    assert Delivery.objects.count() == 195


def test_two_workers_finishing_at_once_and_two_resends_at_once_keep_the_dispatchs_counts(
    letter, cofacilitator_user, smtp_server, monkeypatch
):
    """Each worker adds its letter to the dispatch's counts in its own transaction: neither is lost; two resends of
    one failed letter at once queue it (and uncount it) once."""
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    vatican, palestine = (dispatch.deliveries.get(recipient_code=code) for code in ("VAT", "PSE"))
    # The letters themselves are not what is tested here (nor are two renders in one process's threads at once).
    monkeypatch.setattr(
        "invitations.rendering.delivery_email",
        lambda delivery: EmailMessage(subject="Letter", body="Excellency,", to=[delivery.email]),
    )
    smtp_server.replies[vatican.email] = ["550 5.7.1 Rejected"]
    results = at_once(*(lambda d=d: sending.mail_send(mail_id=d.mail_id) for d in (vatican, palestine)))
    assert sorted(results) == [
        "failed",
        "sent",
    ]
    dispatch.refresh_from_db()
    assert (dispatch.delivery_count, dispatch.sent_count, dispatch.failed_count) == (2, 1, 1)

    resend = lambda: dispatching.dispatch_resend_failed(dispatch=dispatch, by=cofacilitator_user)  # noqa: E731
    assert sorted(at_once(resend, resend)) == [0, 1]
    dispatch.refresh_from_db()
    assert (dispatch.delivery_count, dispatch.sent_count, dispatch.failed_count) == (2, 1, 0)
    recounted = dispatching.dispatch_recount(Dispatch.objects.get(pk=dispatch.pk))
    assert (recounted.delivery_count, recounted.sent_count, recounted.failed_count) == (2, 1, 0)
