"""Dispatch through a real Celery worker consuming from Redis, sending to a real SMTP server."""

import io
import time

import pytest
from pypdf import PdfReader

from invitations import dispatch as dispatching
from invitations import selectors
from invitations.demo import demo_letters_load
from invitations.tasks import deliver
from outbox import sending
from outbox.models import OutgoingMail
from outbox.tasks import send_mail
from registrations.demo import demo_missions_load
from tests.invitations.conftest import use_broker

pytestmark = [pytest.mark.celery_worker, pytest.mark.timeout(600)]


@pytest.fixture
def letter(transactional_db, reference_data, demo_session):
    demo_missions_load()
    return demo_letters_load(session=demo_session)[0]


def wait_until_done(dispatch, *, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress = selectors.dispatch_progress(dispatch)
        if progress["done"]:
            return progress
        time.sleep(0.2)
    pytest.fail(f"dispatch not done after {seconds} s: {selectors.dispatch_progress(dispatch)}")


def pdf_text(message) -> tuple[str, str]:
    [(filename, data), _note] = [
        (part.get_filename(), part.get_payload(decode=True)) for part in message.walk() if part.get_filename()
    ]
    return filename, "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_all_member_states_get_exactly_one_message_each_with_their_own_pdf(
    letter, cofacilitator_user, smtp_server, celery_worker
):
    dispatch = dispatching.dispatch_create(letter=letter, audience="member-states", by=cofacilitator_user)
    progress = wait_until_done(dispatch, seconds=300)
    assert (progress["sent"], progress["failed"]) == (193, 0)
    assert len(smtp_server.messages) == 193
    assert len({message["To"] for message in smtp_server.messages}) == 193
    for delivery in dispatch.deliveries.select_related("mission", "revision"):
        [message] = smtp_server.to(delivery.email)
        filename, text = pdf_text(message)
        assert filename == f"ITS6-invitation-{delivery.recipient_code}.pdf"
        # The mission is named in its letter's language (English where no name is given in that language).
        name, _language = delivery.mission.name_in(delivery.revision.language)
        assert name in " ".join(text.split()), name
        assert message["Message-ID"] == delivery.mail.message_id
    # Each mission in its language of correspondence, the main text (English) where the letter has no version.
    for iso3, language, subject in [
        ("FRA", "fr", "Invitation : sixième session thématique informelle, 12 et 13 octobre 2017, Genève"),
        ("MEX", "es", "Invitación: sexta sesión temática oficiosa, 12 y 13 de octubre de 2017, Ginebra"),
        ("DEU", "en", "Invitation: sixth informal thematic session, 12-13 October 2017, Geneva"),
        ("CHN", "en", "Invitation: sixth informal thematic session, 12-13 October 2017, Geneva"),
    ]:
        [message] = smtp_server.to(f"pm.{iso3.lower()}@missions.example.org")
        [data, _note] = [part.get_payload(decode=True) for part in message.walk() if part.get_filename()]
        assert PdfReader(io.BytesIO(data)).trailer["/Root"]["/Lang"] == language
        # Django folds a long encoded subject after "Subject:": the parsed value starts with the fold's space.
        assert message["Subject"].strip() == subject


def test_a_task_delivered_twice_sends_once(letter, cofacilitator_user, smtp_server, celery_worker, monkeypatch):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids: 0)  # we put the messages on ourselves
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    pse, vat = dispatch.deliveries.order_by("email")
    send_mail.delay(pse.mail_id)
    send_mail.delay(pse.mail_id)
    # A message put on the broker by the version before letters were outgoing mails: by delivery id.
    deliver.delay(vat.pk)
    send_mail.delay(vat.mail_id)
    assert wait_until_done(dispatch, seconds=60)["sent"] == 2
    time.sleep(1)  # let the duplicates run too
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(dispatch.deliveries.values_list("email", flat=True))
    assert set(dispatch.deliveries.values_list("mail__attempts", flat=True)) == {1}


def test_greylisting_4xx_then_success_through_the_broker(
    letter, cofacilitator_user, smtp_server, celery_worker, settings
):
    settings.INVITATIONS_RETRY_BASE_SECONDS = 1
    smtp_server.replies["pm.vat@missions.example.org"] = ["450 4.2.0 Greylisted"]
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    assert wait_until_done(dispatch, seconds=60)["sent"] == 2
    vatican = dispatch.deliveries.get(recipient_code="VAT")
    assert (vatican.mail.attempts, len(smtp_server.to(vatican.email))) == (2, 1)


def test_a_broker_outage_at_send_time_loses_nothing(letter, cofacilitator_user, smtp_server, redis_broker, settings):
    # The broker is down while the co-facilitator clicks "send": the rows are written, the wake-ups fail.
    working_broker = redis_broker.conf.broker_url
    use_broker(redis_broker, "redis://127.0.0.1:9/0")
    started = time.monotonic()
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    assert time.monotonic() - started < 30  # the request does not hang on the dead broker
    assert set(dispatch.deliveries.values_list("mail__status", flat=True)) == {"queued"}
    # The broker comes back; the sweeper (Celery beat) finds the overdue rows and a worker sends them.
    use_broker(redis_broker, working_broker)
    settings.INVITATIONS_REQUEUE_AFTER_SECONDS = 0
    from celery.contrib.testing.worker import start_worker

    with start_worker(redis_broker, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert sending.mails_sweep()["requeued"] == 2
        assert wait_until_done(dispatch, seconds=60)["sent"] == 2
    assert len(smtp_server.messages) == 2
    assert OutgoingMail.objects.filter(kind="letter", status="sent").count() == 2
