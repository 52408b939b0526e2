"""Registration notifications go through the outbox: a refusal is visible in the outgoing-mail list, not dropped."""

from outbox import sending
from outbox.models import OutgoingMail
from registrations import services
from tests.invitations.conftest import smtp_server  # noqa: F401  (the real SMTP server)


def test_a_notification_refused_with_5xx_is_failed_in_the_outbox_with_the_reply_and_sent_again_later(
    open_session,
    mission_mex,
    focal_mex,
    make_registration,
    django_capture_on_commit_callbacks,
    smtp_server,  # noqa: F811
):
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    smtp_server.replies[focal_mex.email.lower()] = ["554 5.7.1 Rejected by policy"]
    # After the commit: the notification's task writes the mail, the outbox's task sends it (here, in this process).
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_submit(registration=registration, by=focal_mex)
    mail = OutgoingMail.objects.get()
    assert (mail.kind, mail.to, mail.subject, mail.status, mail.attempts, mail.last_error) == (
        "registration",
        [focal_mex.email],
        f"{open_session.code}, delegation of Mexico: registration received",
        "failed",
        1,
        "554 5.7.1 Rejected by policy",
    )
    assert smtp_server.messages == []
    assert registration.events.get().notified_at is not None  # the event was told once; the mail records the rest
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.mail_resend(mail=mail) is True
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 2, "")
    assert [message["Message-ID"] for message in smtp_server.messages] == [mail.message_id]
