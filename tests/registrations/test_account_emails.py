"""allauth's e-mails and what surrounds them: signed in after confirming (even hours later, in the same browser),
e-mails in the portal's name with the secretariat's contact and signature in the user's language, every link on the
port the portal serves, the favicon, the footer's privacy notice and accessibility statement."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from compact_portal import config
from outbox.models import OutgoingMail
from registrations import services
from tests.invitations.conftest import smtp_server  # noqa: F401  (the real SMTP server)
from tests.registrations.conftest import pdf_bytes, upload
from tests.registrations.test_accounts import confirmation_link

PASSWORD = "a-long-pass-phrase-2017"


def _sign_up(client, email, on_commit, *, language="en", **extra):
    """Signs up; the confirmation is stored in the outbox and sent by its task once the request's work commits."""
    with on_commit(execute=True):
        return client.post(
            f"/{language}/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}, **extra
        )


def test_signed_in_after_confirming_the_address_hours_later(
    client, db, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    _sign_up(client, "late.reader@mission.example.org", django_capture_on_commit_callbacks)
    later = time.time() + 3 * 60 * 60  # past allauth's default 15 minutes
    monkeypatch.setattr("allauth.account.internal.stagekit.time.time", lambda: later)
    response = client.post(confirmation_link(mailoutbox[0]))
    assert response.status_code == 302
    assert response.url == reverse("registrations:home")
    assert client.get(reverse("registrations:home")).status_code == 200  # signed in, not sent to the sign-in page


def test_account_emails_name_the_portal_and_are_signed_with_the_contact_in_the_users_language(
    client, db, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SECRETARIAT_CONTACT_EMAIL = "gcm-secretariat@un.example.org"
    _sign_up(
        client,
        "point.focal@mission.example.org",
        django_capture_on_commit_callbacks,
        language="fr",
        HTTP_HOST="127.0.0.1:8131",
    )
    (message,) = mailoutbox
    assert message.subject.startswith("[Portail du Pacte] ")
    body = message.body
    assert body.startswith("Bonjour,\n")
    assert "127.0.0.1:8131!" not in body and "Hello from" not in body
    assert body.rstrip().endswith(
        "Avec nos salutations distinguées,\n"
        "Le secrétariat du Portail du Pacte\n"
        "Des questions ? Écrivez à gcm-secretariat@un.example.org\n"
        "http://127.0.0.1:8131/"
    )


def test_an_account_mail_refused_with_5xx_is_failed_in_the_outgoing_mail_list_and_sent_again_by_the_secretariat(
    client,
    focal_mex,
    secretariat_user,
    smtp_server,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    smtp_server.replies[focal_mex.email.lower()] = ["550 5.1.1 No such user"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/accounts/password/reset/", {"email": focal_mex.email})
    mail = OutgoingMail.objects.get()
    assert (mail.kind, mail.to, mail.status, mail.attempts, mail.last_error) == (
        "account",
        [focal_mex.email],
        "failed",
        1,
        "550 5.1.1 No such user",
    )
    assert mail.subject.startswith("[Portail du Pacte] ")  # rendered in the language of the request
    assert smtp_server.messages == []

    del smtp_server.replies[focal_mex.email.lower()]
    client.force_login(secretariat_user)
    changelist = reverse("admin:outbox_outgoingmail_changelist")
    assert "550 5.1.1 No such user" in client.get(changelist).content.decode()
    # Its one-time link is for its owner: the secretariat sees the mail, not the link (it would reset the password).
    assert "/accounts/password/reset/key/" in mail.body
    page = client.get(reverse("admin:outbox_outgoingmail_change", args=[mail.pk])).content.decode()
    assert "/accounts/password/reset/key/" not in page and "Not shown: an account&#x27;s e-mail" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "resend", "_selected_action": [mail.pk]})
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("sent", 2)
    assert [(message["To"], message["Message-ID"]) for message in smtp_server.messages] == [
        (focal_mex.email, mail.message_id)
    ]


def test_portal_base_url_follows_the_served_port_unless_set(monkeypatch, tmp_path):
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    monkeypatch.setattr(config, "BASE_URL_RECORD", tmp_path / "portal-base-url")  # no `make run` recorded one
    monkeypatch.setenv("PORT", "8131")
    assert config.portal_base_url() == "http://127.0.0.1:8131"
    monkeypatch.delenv("PORT")
    assert config.portal_base_url() == "http://127.0.0.1:8000"
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example.org/")
    assert config.portal_base_url() == "https://portal.example.org"
    monkeypatch.setenv("PORTAL_BASE_URL", "portal.example.org")
    with pytest.raises(config.ConfigError):
        config.portal_base_url()


def test_every_link_in_every_email_points_at_the_port_the_portal_serves(
    db,
    client,
    monkeypatch,
    settings,
    open_session,
    mission_mex,
    focal_mex,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "8131")
    settings.PORTAL_BASE_URL = config.portal_base_url()  # as settings.py reads it when `make run` starts
    served = {"HTTP_HOST": "127.0.0.1:8131"}

    # allauth: sign-up confirmation, password reset (links built from the request).
    _sign_up(client, "new.person@example.org", django_capture_on_commit_callbacks, **served)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": focal_mex.email}, **served)
    # The portal's own notifications (links built from PORTAL_BASE_URL, as a worker does).
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    head = services.MemberData(family_name="Gómez-Camacho", function="Ambassador", email="head@example.org")
    services.registration_update(
        registration=registration, by=focal_mex, head=head, members=[], note_verbale=upload(pdf_bytes())
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_submit(registration=registration, by=focal_mex)

    links = []
    for message in mailoutbox:
        texts = [message.body] + [content for content, _ in getattr(message, "alternatives", [])]
        links += [link for text in texts for link in re.findall(r"https?://[^\s\"'<>]+", text)]
    assert len(mailoutbox) >= 3
    assert links
    assert {urlsplit(link).netloc for link in links} == {"127.0.0.1:8131"}


def test_favicon_is_linked_and_answers_at_the_usual_address(client, db):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/img/favicon.svg")
    page = client.get(reverse("sessions:list")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page


def test_footer_gives_the_secretariats_contact_privacy_notice_and_accessibility_statement(client, db, settings):
    settings.SECRETARIAT_CONTACT_EMAIL = "gcm-secretariat@un.example.org"
    page = client.get("/fr/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert '<a href="mailto:gcm-secretariat@un.example.org">gcm-secretariat@un.example.org</a>' in footer
    assert '<a href="/fr/privacy/">Avis de confidentialité</a>' in footer
    assert '<a href="/fr/accessibility/">Déclaration d’accessibilité</a>' in footer
    for path, title in [("/fr/privacy/", "Avis de confidentialité"), ("/ar/accessibility/", "بيان إمكانية الوصول")]:
        response = client.get(path)
        assert response.status_code == 200
        assert f"<h1>{title}</h1>" in response.content.decode()
