from datetime import timedelta
from email.utils import parseaddr

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from invitations import dispatch as dispatching
from invitations import selectors
from invitations.demo import demo_letters_load
from invitations.models import Delivery, Dispatch
from outbox import sending, workers
from outbox.models import OutgoingMail, WorkerHeartbeat
from registrations.demo import demo_missions_load
from registrations.models import PermanentMission
from tests.outbox.test_workers import a_dead_pid


@pytest.fixture
def letter(reference_data, demo_session):
    demo_missions_load()
    return demo_letters_load(session=demo_session)[0]


@pytest.fixture
def fast_retries(settings):
    settings.INVITATIONS_RETRY_BASE_SECONDS = 0.2
    settings.INVITATIONS_RETRY_MAX_SECONDS = 1


def _attachments(message):
    return [(part.get_filename(), part.get_payload(decode=True)) for part in message.walk() if part.get_filename()]


def _send_all_now(dispatch):
    """Runs each delivery's task body in this process, as a worker would (tests without a broker)."""
    return [sending.mail_send(mail_id=pk) for pk in dispatch.deliveries.values_list("mail_id", flat=True)]


# --- Creating a dispatch -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dispatch_creates_one_delivery_per_address_and_enqueues_only_after_commit(
    letter, cofacilitator_user, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    monkeypatch.setattr(sending, "mails_enqueue", enqueued.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dispatch = dispatching.dispatch_create(letter=letter, audience="member-states", by=cofacilitator_user)
    assert enqueued == []  # nothing reaches the broker before the commit
    for callback in callbacks:
        callback()
    ids = set(dispatch.deliveries.values_list("mail_id", flat=True))
    assert len(ids) == 193
    assert [set(batch) for batch in enqueued] == [ids]
    assert set(dispatch.deliveries.values_list("mail__status", flat=True)) == {"queued"}
    mexico = dispatch.deliveries.get(recipient_code="MEX")
    assert (mexico.email, mexico.recipient_name, mexico.values["head_name"]) == (
        "pm.mex@missions.example.org",
        "Permanent Mission of Mexico to the United Nations",
        "Juan José Gómez-Camacho",
    )


@pytest.mark.django_db
def test_the_same_send_form_submitted_twice_makes_one_dispatch(letter, cofacilitator_user, monkeypatch):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    key = Dispatch._meta.get_field("key").default()
    first = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user, key=key)
    second = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user, key=key)
    assert first.pk == second.pk
    assert Delivery.objects.count() == 2


@pytest.mark.django_db
def test_a_send_is_on_the_audit_trail_with_who_and_how_many(letter, cofacilitator_user, monkeypatch):
    from audit.models import AuditEntry

    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    entry = AuditEntry.objects.get(action="letter send")
    assert (entry.action, entry.actor_repr, entry.object_id, entry.session_id, entry.after) == (
        "letter send",
        "cofac@example.org",
        str(dispatch.pk),
        letter.session_id,
        {"letter": str(letter), "audience": "observer-states", "deliveries": 2, "already_sent": 0},
    )


@pytest.mark.django_db
def test_addresses_that_already_have_the_letter_are_left_out_and_counted(letter, cofacilitator_user, monkeypatch):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    everyone = dispatching.dispatch_create(letter=letter, audience="all", by=cofacilitator_user)
    assert (everyone.deliveries.count(), everyone.already_sent) == (193, 2)
    again = dispatching.dispatch_create(letter=letter, audience="all", by=cofacilitator_user)
    assert (again.deliveries.count(), again.already_sent) == (0, 195)


@pytest.mark.django_db
def test_an_address_in_another_case_is_the_address_that_already_has_the_letter(letter, cofacilitator_user, monkeypatch):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    dispatching.dispatch_create(letter=letter, audience="member-states", by=cofacilitator_user)
    csv_text = "name,email\nMexico,PM.MEX@Missions.Example.org \nSomeone new,New.Person@Example.org\n"
    again = dispatching.dispatch_create(letter=letter, audience="csv", by=cofacilitator_user, csv_text=csv_text)
    assert (list(again.deliveries.values_list("email", flat=True)), again.already_sent) == (
        ["new.person@example.org"],
        1,
    )
    assert Delivery.objects.filter(email__iexact="pm.mex@missions.example.org").count() == 1


@pytest.mark.django_db
def test_one_address_twice_in_an_audience_makes_one_delivery(letter, cofacilitator_user, monkeypatch):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    PermanentMission.objects.filter(state__iso3="VAT").update(
        emails="pm.vat@missions.example.org\nPM.VAT@missions.example.org"
    )
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    assert sorted(dispatch.deliveries.values_list("email", flat=True)) == [
        "pm.pse@missions.example.org",
        "pm.vat@missions.example.org",
    ]
    assert dispatch.already_sent == 0


@pytest.mark.django_db
def test_the_database_refuses_one_letter_twice_to_one_address_in_another_case(letter, cofacilitator_user, monkeypatch):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    vatican = dispatch.deliveries.get(recipient_code="VAT")
    vatican.pk, vatican.email = None, "PM.Vat@Missions.Example.org"
    with pytest.raises(IntegrityError), transaction.atomic():
        vatican.save()


@pytest.mark.django_db
def test_missions_without_address_are_reported_not_sent(letter, cofacilitator_user, monkeypatch):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    PermanentMission.objects.filter(state__iso3__in=["VAT"]).update(emails="")
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    assert dispatch.without_email == "Permanent Observer Mission of the Holy See to the United Nations"
    assert list(dispatch.deliveries.values_list("recipient_code", flat=True)) == ["PSE"]


@pytest.mark.django_db
def test_secretariat_staff_may_not_send(letter, secretariat_user):
    with pytest.raises(PermissionDenied):
        dispatching.dispatch_create(letter=letter, audience="member-states", by=secretariat_user)
    assert not Dispatch.objects.exists()


# --- Sending one delivery ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_delivery_sent_once_when_task_runs_twice(letter, cofacilitator_user, smtp_server, monkeypatch):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    delivery = dispatch.deliveries.get(recipient_code="VAT")
    assert sending.mail_send(mail_id=delivery.mail_id) == "sent"
    assert sending.mail_send(mail_id=delivery.mail_id) == "claimed-elsewhere"
    assert len(smtp_server.to(delivery.email)) == 1
    delivery.mail.refresh_from_db()
    assert (delivery.mail.status, delivery.mail.attempts) == ("sent", 1)
    assert delivery.mail.message_id == f"<ITS6.letter{letter.pk}.delivery{delivery.pk}@compact-portal.example.org>"


@pytest.mark.django_db
def test_sent_email_has_text_reply_to_and_the_pdf_named_after_session_and_mission(
    letter, cofacilitator_user, smtp_server, monkeypatch
):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    dispatch = dispatching.dispatch_create(letter=letter, audience="all", by=cofacilitator_user)
    delivery = dispatch.deliveries.get(recipient_code="DEU")  # Germany corresponds in English
    sending.mail_send(mail_id=delivery.mail_id)
    [message] = smtp_server.to("pm.deu@missions.example.org")
    assert message["Subject"] == "Invitation: sixth informal thematic session, 12-13 October 2017, Geneva"
    assert parseaddr(message["Reply-To"])[1] == "gcm-secretariat@example.org"
    assert message["Message-ID"] == OutgoingMail.objects.get(pk=delivery.mail_id).message_id
    [(filename, pdf), (note_name, _note)] = _attachments(message)
    assert (filename, note_name) == ("ITS6-invitation-DEU.pdf", "ITS6-procedural-note-en.pdf")
    assert pdf.startswith(b"%PDF-")
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content().replace("\r\n", "\n")
    assert text.startswith("New York, 11 September 2017\n\nExcellency,\n\nWe are pleased to write to you")
    assert "12-13 October 2017 in Conference Room XIX at the United Nations Office at Geneva" in text


@pytest.mark.django_db
def test_a_letter_is_filled_once_for_its_subject_text_and_pdf(letter, cofacilitator_user, smtp_server, monkeypatch):
    from invitations import placeholders

    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    dispatch = dispatching.dispatch_create(letter=letter, audience="all", by=cofacilitator_user)
    delivery = dispatch.deliveries.get(recipient_code="DEU")
    filled = []
    session_values = placeholders.session_values
    monkeypatch.setattr(placeholders, "session_values", lambda *a, **k: filled.append(1) or session_values(*a, **k))

    sending.mail_send(mail_id=delivery.mail_id)

    [message] = smtp_server.to("pm.deu@missions.example.org")
    assert message["Subject"] == "Invitation: sixth informal thematic session, 12-13 October 2017, Geneva"
    assert len(filled) == 1  # the session's values (a query, dates to format) once, not for each part


@pytest.mark.django_db
def test_transient_4xx_then_success_is_sent_once_after_two_attempts(
    letter, cofacilitator_user, smtp_server, monkeypatch, fast_retries
):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    retries = []
    monkeypatch.setattr("outbox.tasks.send_mail.apply_async", lambda args, countdown: retries.append(countdown))
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    delivery = dispatch.deliveries.get(recipient_code="PSE")
    smtp_server.replies[delivery.email] = ["451 4.7.1 Greylisted, try again later"]
    assert sending.mail_send(mail_id=delivery.mail_id) == "retrying"
    delivery.mail.refresh_from_db()
    assert (delivery.mail.status, delivery.mail.attempts, delivery.mail.last_error) == (
        "retrying",
        1,
        "451 4.7.1 Greylisted, try again later",
    )
    assert retries == [0.2]
    assert sending.mail_send(mail_id=delivery.mail_id) == "claimed-elsewhere"  # not due yet
    due = OutgoingMail.objects.get(pk=delivery.mail_id).next_attempt_at
    assert due > timezone.now()
    OutgoingMail.objects.filter(pk=delivery.mail_id).update(next_attempt_at=timezone.now())  # the backoff has passed
    assert sending.mail_send(mail_id=delivery.mail_id) == "sent"
    delivery.mail.refresh_from_db()
    assert (delivery.mail.status, delivery.mail.attempts, delivery.mail.last_error) == ("sent", 2, "")
    assert len(smtp_server.to(delivery.email)) == 1


@pytest.mark.django_db
def test_permanent_5xx_fails_at_once_with_the_reply_kept(letter, cofacilitator_user, smtp_server, monkeypatch):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    delivery = dispatch.deliveries.get(recipient_code="VAT")
    smtp_server.replies[delivery.email] = ["550 5.1.1 Mailbox unknown"]
    assert sending.mail_send(mail_id=delivery.mail_id) == "failed"
    delivery.mail.refresh_from_db()
    assert (delivery.mail.status, delivery.mail.attempts, delivery.mail.last_error) == (
        "failed",
        1,
        "550 5.1.1 Mailbox unknown",
    )
    assert smtp_server.to(delivery.email) == []


@pytest.mark.django_db
def test_transient_failures_give_up_after_the_last_attempt(
    letter, cofacilitator_user, smtp_server, monkeypatch, settings, fast_retries
):
    settings.INVITATIONS_MAX_ATTEMPTS = 2
    settings.INVITATIONS_RETRY_BASE_SECONDS = 0
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    monkeypatch.setattr("outbox.tasks.send_mail.apply_async", lambda args, countdown: None)
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    delivery = dispatch.deliveries.get(recipient_code="VAT")
    smtp_server.replies[delivery.email] = ["421 4.3.2 Service shutting down"] * 5
    assert [sending.mail_send(mail_id=delivery.mail_id) for _ in range(3)] == [
        "retrying",
        "failed",
        "claimed-elsewhere",
    ]


@pytest.mark.django_db
def test_smtp_server_down_means_retrying_not_lost(letter, cofacilitator_user, settings, monkeypatch, fast_retries):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    monkeypatch.setattr("outbox.tasks.send_mail.apply_async", lambda args, countdown: None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    assert set(_send_all_now(dispatch)) == {"retrying"}
    assert all(
        "Connection refused" in error for error in dispatch.deliveries.values_list("mail__last_error", flat=True)
    )


# --- Sweeper -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sweeper_requeues_deliveries_a_dead_worker_left_in_sending_and_they_end_sent_once(
    letter, cofacilitator_user, smtp_server, monkeypatch, settings
):
    requeued = []
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids, **queue: requeued.extend(ids) or len(ids))
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    stuck = dispatch.deliveries.get(recipient_code="VAT")
    assert sending.mail_claim(mail_id=stuck.mail_id)  # a worker claimed it, then died
    requeued.clear()
    assert sending.mails_sweep() == {"orphaned": 0, "requeued": 0}  # not stale yet: the worker may live
    OutgoingMail.objects.filter(pk=stuck.mail_id).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.INVITATIONS_SENDING_TIMEOUT_SECONDS + 1)
    )
    assert sending.mails_sweep() == {"orphaned": 1, "requeued": 1}
    assert requeued == [stuck.mail_id]
    assert sending.mail_send(mail_id=stuck.mail_id) == "sent"
    assert sending.mail_send(mail_id=stuck.mail_id) == "claimed-elsewhere"
    stuck.mail.refresh_from_db()
    assert (stuck.mail.status, stuck.mail.attempts) == ("sent", 2)
    assert len(smtp_server.to(stuck.email)) == 1


@pytest.mark.django_db
def test_the_redelivered_task_takes_over_at_once_from_a_process_of_this_host_that_died(
    letter, cofacilitator_user, smtp_server, monkeypatch
):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids, **queue: len(ids))
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    stuck = dispatch.deliveries.get(recipient_code="VAT")
    assert sending.mail_claim(mail_id=stuck.mail_id)
    assert sending.mail_send(mail_id=stuck.mail_id) == "claimed-elsewhere"  # its claimant (we) is alive
    dead = f"{workers.this_worker().rpartition(':')[0]}:{a_dead_pid()}"  # killed -9 mid-send, its message redelivered
    OutgoingMail.objects.filter(pk=stuck.mail_id).update(claimed_by=dead)
    assert sending.mail_send(mail_id=stuck.mail_id) == "sent"
    stuck.mail.refresh_from_db()
    assert (stuck.mail.status, stuck.mail.attempts, stuck.mail.claimed_by) == ("sent", 2, workers.this_worker())
    assert len(smtp_server.to(stuck.email)) == 1


@pytest.mark.django_db
def test_the_sweeper_rescues_a_delivery_whose_worker_on_another_host_went_silent_on_its_own_queue(
    letter, cofacilitator_user, monkeypatch, settings
):
    settings.WORKER_DEAD_AFTER_SECONDS = 30
    rescued = []
    monkeypatch.setattr(
        sending, "mails_enqueue", lambda ids, **queue: (ids and rescued.append((ids, queue))) or len(ids)
    )
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    stuck = dispatch.deliveries.get(recipient_code="VAT")
    claimed_at = timezone.now()
    WorkerHeartbeat.objects.create(name="worker-2.example.org:4242", started_at=claimed_at, beat_at=claimed_at)
    OutgoingMail.objects.filter(pk=stuck.mail_id).update(
        status="sending", claimed_at=claimed_at, claimed_by="worker-2.example.org:4242", attempts=1
    )
    rescued.clear()
    alive = claimed_at + timedelta(seconds=30)
    assert sending.mails_sweep(now=alive) == {"orphaned": 0, "requeued": 0}
    silent = claimed_at + timedelta(seconds=31)
    assert sending.mails_sweep(now=silent) == {"orphaned": 1, "requeued": 1}
    assert rescued == [([stuck.mail_id], {"queue": "sweeper"})]
    stuck.mail.refresh_from_db()
    assert (stuck.mail.status, stuck.mail.next_attempt_at, stuck.mail.last_error) == (
        "retrying",
        silent,
        "The worker stopped while sending; queued again by the sweeper.",
    )


@pytest.mark.django_db
def test_sweeper_leaves_recently_queued_deliveries_to_their_tasks(letter, cofacilitator_user, monkeypatch, settings):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: len(ids))
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    assert sending.mails_sweep() == {"orphaned": 0, "requeued": 0}
    OutgoingMail.objects.filter(delivery__dispatch=dispatch).update(
        enqueued_at=timezone.now() - timedelta(seconds=settings.INVITATIONS_REQUEUE_AFTER_SECONDS + 1)
    )
    assert sending.mails_sweep() == {"orphaned": 0, "requeued": 2}


# --- Resending -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_resend_failed_queues_only_the_failed_ones(
    letter, cofacilitator_user, smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: queued.append(sorted(ids)) or len(ids))
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    vat = dispatch.deliveries.get(recipient_code="VAT")
    smtp_server.replies[vat.email] = ["550 5.7.1 Rejected"]
    assert sorted(_send_all_now(dispatch)) == ["failed", "sent"]
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatching.dispatch_resend_failed(dispatch=dispatch, by=cofacilitator_user) == 1
    assert queued == [[vat.mail_id]]
    assert sending.mail_send(mail_id=vat.mail_id) == "sent"
    assert selectors.dispatch_progress(dispatch) | {} == {
        "total": 2,
        "sent": 2,
        "failed": 0,
        "pending": 0,
        "retrying": 0,
        "done": True,
        "percent_sent": 100.0,
        "percent_failed": 0.0,
        "percent_pending": 0.0,
    }


# --- The dispatch's kept counts ------------------------------------------------------------------------------------


def kept_counts(dispatch) -> tuple[int, int, int]:
    """(deliveries, sent, failed) as kept on the dispatch, after checking that they equal a recount."""
    dispatch.refresh_from_db()
    kept = (dispatch.delivery_count, dispatch.sent_count, dispatch.failed_count)
    recounted = dispatching.dispatch_recount(Dispatch.objects.get(pk=dispatch.pk))
    assert kept == (recounted.delivery_count, recounted.sent_count, recounted.failed_count)
    return kept


@pytest.mark.django_db
def test_the_kept_counts_equal_a_recount_after_every_change_of_a_letters_mail(
    letter, cofacilitator_user, smtp_server, monkeypatch, settings, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids, **queue: len(ids))
    monkeypatch.setattr("outbox.tasks.send_mail.apply_async", lambda *args, **options: None)  # the retry's message
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    vatican, palestine = (dispatch.deliveries.get(recipient_code=code) for code in ("VAT", "PSE"))
    assert kept_counts(dispatch) == (2, 0, 0)

    smtp_server.replies[vatican.email] = ["451 4.3.0 Try again later", "550 5.7.1 Rejected"]
    assert sending.mail_send(mail_id=vatican.mail_id) == "retrying"
    assert kept_counts(dispatch) == (2, 0, 0)
    OutgoingMail.objects.filter(pk=vatican.mail_id).update(next_attempt_at=timezone.now())  # due now
    assert sending.mail_send(mail_id=vatican.mail_id) == "failed"
    assert kept_counts(dispatch) == (2, 0, 1)

    # A worker dies holding Palestine's letter: the sweeper re-queues it, another sends it.
    assert sending.mail_claim(mail_id=palestine.mail_id)
    OutgoingMail.objects.filter(pk=palestine.mail_id).update(claimed_by=f"{workers._HOST}:{a_dead_pid()}")
    assert sending.mails_sweep()["orphaned"] == 1
    assert kept_counts(dispatch) == (2, 0, 1)
    assert sending.mail_send(mail_id=palestine.mail_id) == "sent"
    assert kept_counts(dispatch) == (2, 1, 1)
    # The first worker was only slow: its late failure changes nothing (the letter is sent, counted once).
    late = OutgoingMail.objects.get(pk=palestine.mail_id)
    assert sending._record_failure(late, sending.SmtpFailure(transient=False, reply="550 late")) == "claimed-elsewhere"
    assert OutgoingMail.objects.get(pk=palestine.mail_id).status == "sent"
    assert kept_counts(dispatch) == (2, 1, 1)

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatching.dispatch_resend_failed(dispatch=dispatch, by=cofacilitator_user) == 1
        assert dispatching.dispatch_resend_failed(dispatch=dispatch, by=cofacilitator_user) == 0  # none failed now
    assert kept_counts(dispatch) == (2, 1, 0)
    smtp_server.replies[vatican.email] = ["550 5.7.1 Rejected again"]
    assert sending.mail_send(mail_id=vatican.mail_id) == "failed"
    assert kept_counts(dispatch) == (2, 1, 1)
    # The outgoing-mail list's "send again", one mail.
    assert sending.mail_resend(mail=OutgoingMail.objects.get(pk=vatican.mail_id), by=cofacilitator_user)
    assert kept_counts(dispatch) == (2, 1, 0)
    assert sending.mail_send(mail_id=vatican.mail_id) == "sent"
    assert kept_counts(dispatch) == (2, 2, 0)


@pytest.mark.django_db
def test_a_letter_that_cannot_be_rendered_is_counted_failed(letter, cofacilitator_user, smtp_server, monkeypatch):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids, **queue: len(ids))
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)

    def unrenderable(delivery):
        raise RuntimeError("no fonts")

    monkeypatch.setattr("invitations.rendering.delivery_email", unrenderable)
    assert sorted(_send_all_now(dispatch)) == ["failed", "failed"]
    assert kept_counts(dispatch) == (2, 0, 2)
