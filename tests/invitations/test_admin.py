"""The letters' admin: who may preview and send, the confirmation with its count, one dispatch per confirmation,
the progress page and its JSON, resending the failed, the CSV export, and N+1 guards."""

import csv
import io
import re
import uuid
from datetime import UTC

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit import trail
from audit.models import AuditEntry
from invitations import dispatch as dispatching
from invitations.demo import demo_letters_load
from invitations.models import Delivery, Dispatch, Letter
from invitations.placeholders import PLACEHOLDERS
from invitations.services import VERSION_FIELDS, letter_revision_for
from outbox import sending
from outbox.models import OutgoingMail
from registrations.demo import demo_missions_load
from registrations.models import PermanentMission
from tests.invitations.conftest import delivery_with_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(reference_data, demo_session):
    demo_missions_load()
    return demo_letters_load(session=demo_session)[0]


@pytest.fixture
def enqueued(monkeypatch):
    """Stands in for the broker: records the ids each on-commit enqueue would have put on it."""
    batches = []
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids, **queue: batches.append(sorted(ids)) or len(ids))
    return batches


def _url(name, *args):
    return reverse(f"admin:invitations_{name}", args=args)


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def _review(client, letter, audience, csv_text=None):
    data = {"step": "review", "audience": audience}
    if csv_text is not None:
        data["csv_file"] = io.BytesIO(csv_text.encode("utf-8"))
        data["csv_file"].name = "list.csv"
    return client.post(_url("letter_send", letter.pk), data)


def _confirm_data(response) -> dict:
    form = response.context["send_form"]
    return {"step": "send", **{name: form.initial[name] for name in ("audience", "csv_text", "key")}}


def _dispatch_with(letter, user, statuses: list[str]) -> Dispatch:
    dispatch = Dispatch.objects.create(letter=letter, audience=Dispatch.Audience.CSV, created_by=user)
    now = timezone.now()
    revision = letter_revision_for(letter=letter, language=letter.language)
    for index, status in enumerate(statuses):
        delivery_with_mail(
            dispatch=dispatch,
            letter=letter,
            revision=revision,
            email=f"d{dispatch.pk}-{index}@example.org",
            recipient_name=f"Recipient {index:03d}",
            recipient_code=f"R{index:03d}",
            status=status,
            attempts=1 if status != "queued" else 0,
            sent_at=now if status == "sent" else None,
            message_id=f"<m{index}@example.org>" if status == "sent" else "",
            last_error="550 5.1.1 No such user" if status == "failed" else "",
        )
    return dispatch


# --- Who may do what ------------------------------------------------------------------------------------------------


def test_secretariat_may_open_and_preview_letters_but_not_send(client, secretariat_user, letter):
    client.force_login(secretariat_user)
    statuses = {
        name: client.get(url).status_code
        for name, url in {
            "list": _url("letter_changelist"),
            "change": _url("letter_change", letter.pk),
            "preview": _url("letter_preview", letter.pk),
            "preview pdf": _url("letter_preview_pdf", letter.pk),
            "send": _url("letter_send", letter.pk),
        }.items()
    }
    statuses["send (post)"] = _review(client, letter, "member-states").status_code
    assert statuses == {"list": 200, "change": 200, "preview": 200, "preview pdf": 200, "send": 403, "send (post)": 403}
    change_page = client.get(_url("letter_change", letter.pk)).content.decode()
    assert _url("letter_preview", letter.pk) in change_page
    assert _url("letter_send", letter.pk) not in change_page
    assert Dispatch.objects.count() == 0


def test_cofacilitator_sees_the_send_button(client, cofacilitator_user, letter):
    client.force_login(cofacilitator_user)
    page = client.get(_url("letter_change", letter.pk)).content.decode()
    assert f'<a href="{_url("letter_send", letter.pk)}">Send…</a>' in page


def test_nobody_adds_changes_or_deletes_dispatches_or_deliveries_by_hand(client, admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    rights = {
        model.__name__: (
            admin.site._registry[model].has_add_permission(request),
            admin.site._registry[model].has_change_permission(request),
            admin.site._registry[model].has_delete_permission(request),
            admin.site._registry[model].has_view_permission(request),
        )
        for model in (Dispatch, Delivery)
    }
    assert rights == {"Dispatch": (False, False, False, True), "Delivery": (False, False, False, True)}
    client.force_login(admin_user)
    assert client.get(_url("dispatch_add")).status_code == 403
    assert client.get(_url("delivery_add")).status_code == 403


# --- Composing --------------------------------------------------------------------------------------------------------


def test_change_page_lists_every_placeholder_with_its_description_under_the_body(client, cofacilitator_user, letter):
    client.force_login(cofacilitator_user)
    page = client.get(_url("letter_change", letter.pk)).content.decode()
    listed = dict(re.findall(r"<dt><code>\{\{ (\w+) \}\}</code></dt><dd>(.*?)</dd>", page))
    assert listed == {name: description.replace("'", "&#x27;") for name, description in PLACEHOLDERS.items()}


def _letter_post(session, **overrides):
    data = {
        "session": session.pk,
        "kind": "reminder",
        "language": "en",
        "place_date": "New York, 2 October 2017",
        "subject": "Reminder: {{ session_title }}",
        "salutation": "Excellency,",
        "body": "Dear {{ mission_name }}, the session is on {{ session_dates }}.",
        "closing": "Please accept, Excellency, the assurances of our highest consideration.",
        "addressee": "Permanent Missions\nto the United Nations\nNEW YORK",
        "signatories-TOTAL_FORMS": 0,
        "signatories-INITIAL_FORMS": 0,
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
    }
    return data | overrides


def _change_post(letter, **overrides) -> dict:
    """The change form of a saved letter as the page shows it (its versions and signatories included)."""
    data = _letter_post(letter.session, kind=letter.kind, language=letter.language)
    data |= {field: getattr(letter, field) for field in ("place_date", "subject", "salutation", "body", "closing")}
    data |= {"addressee": letter.addressee, "attachments": [d.pk for d in letter.attachments.all()]}
    versions = list(letter.versions.order_by("pk"))
    data |= {"versions-TOTAL_FORMS": len(versions), "versions-INITIAL_FORMS": len(versions)}
    for index, version in enumerate(versions):
        for field in ("id", "language", "place_date", "subject", "salutation", "body", "closing", "addressee"):
            data[f"versions-{index}-{field}"] = getattr(version, field)
        data[f"versions-{index}-signatory_titles"] = version.signatory_titles
        data[f"versions-{index}-letter"] = letter.pk
    signatories = list(letter.signatories.order_by("order"))
    data |= {"signatories-TOTAL_FORMS": len(signatories), "signatories-INITIAL_FORMS": len(signatories)}
    for index, signatory in enumerate(signatories):
        for field in ("id", "order", "name", "title", "letterhead"):
            data[f"signatories-{index}-{field}"] = getattr(signatory, field)
        data[f"signatories-{index}-letter"] = letter.pk
    return data | overrides


def test_a_version_saved_from_the_browser_keeps_each_signatorys_title(client, secretariat_user, letter):
    """A browser sends a textarea's line breaks as CRLF: saving the letter's page must not put every signatory's
    title under the first one (the French letter signed "Ambassadeur ... du Mexique ... de la Suisse" by
    Mexico's co-facilitator, Switzerland's in English)."""
    from invitations.rendering import letter_content

    data = _change_post(letter)
    data |= {key: value.replace("\n", "\r\n") for key, value in data.items() if isinstance(value, str)}
    client.force_login(secretariat_user)
    assert client.post(_url("letter_change", letter.pk), data).status_code == 302

    assert [s["title"].splitlines() for s in letter_content(letter, language="fr")["signatories"]] == [
        ["Ambassadeur et Représentant permanent", "du Mexique auprès de l’Organisation des Nations Unies"],
        ["Ambassadeur et Représentant permanent", "de la Suisse auprès de l’Organisation des Nations Unies"],
    ]


def test_the_letters_page_saved_unchanged_from_the_browser_records_no_edit(client, secretariat_user, letter):
    """Every field came back with CRLF line breaks: stored as sent, the trail had an edit of every text field of the
    letter, its versions and signatories (and the next `manage.py demo` another, back to LF)."""
    data = _change_post(letter)
    data |= {key: value.replace("\n", "\r\n") for key, value in data.items() if isinstance(value, str)}
    entries = AuditEntry.objects.count()
    client.force_login(secretariat_user)
    assert client.post(_url("letter_change", letter.pk), data).status_code == 302
    assert AuditEntry.objects.count() == entries
    letter.refresh_from_db()
    assert "\n" in letter.addressee and "\r" not in letter.addressee
    assert not [v for v in letter.versions.values_list("body", "addressee", "signatory_titles") if "\r" in "".join(v)]


def test_a_new_letter_without_signatories_is_signed_by_the_session_cofacilitators(
    client, secretariat_user, demo_session
):
    client.force_login(secretariat_user)
    response = client.post(_url("letter_add"), _letter_post(demo_session))
    assert response.status_code == 302
    letter = Letter.objects.get(kind="reminder")
    expected = [link.person.full_name for link in demo_session.co_facilitator_links.select_related("person")]
    assert list(letter.signatories.values_list("order", "name")) == list(enumerate(expected))
    assert len(expected) == 2


def test_a_new_letter_keeps_the_signatories_entered(client, secretariat_user, demo_session):
    client.force_login(secretariat_user)
    data = _letter_post(demo_session) | {
        "signatories-TOTAL_FORMS": 1,
        "signatories-0-order": 0,
        "signatories-0-name": "Only Signer",
        "signatories-0-title": "Ambassador",
        "signatories-0-letterhead": "",
    }
    assert client.post(_url("letter_add"), data).status_code == 302
    assert list(Letter.objects.get(kind="reminder").signatories.values_list("name", flat=True)) == ["Only Signer"]


def test_an_unknown_placeholder_is_refused_when_saving(client, secretariat_user, demo_session):
    client.force_login(secretariat_user)
    response = client.post(_url("letter_add"), _letter_post(demo_session, body="Hello {{ mision_name }}"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "body": ["Unknown placeholder: mision_name. Use one of the placeholders listed under the body."]
    }
    assert not Letter.objects.filter(kind="reminder").exists()


def test_a_body_over_the_limit_is_refused_with_the_limit_named(client, secretariat_user, demo_session):
    client.force_login(secretariat_user)
    body = "Word " * 4001  # 20,004 characters: the form strips the trailing space
    response = client.post(_url("letter_add"), _letter_post(demo_session, body=body))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "body": [
            "The body has 20,004 characters; a letter's body may have at most 20,000. "
            "Send a long text as an attached session document."
        ]
    }


def _plain_text_and_pdf(message) -> tuple[str, str]:
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    [pdf] = [part.get_payload(decode=True) for part in message.walk() if "-invitation-" in (part.get_filename() or "")]
    return text, _pdf_text(pdf)


def test_a_letter_refused_with_5xx_is_failed_in_the_outgoing_mail_list_and_sent_again_with_its_pinned_text(
    client, secretariat_user, cofacilitator_user, letter, enqueued, smtp_server, django_capture_on_commit_callbacks
):
    dispatch = dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    vatican = dispatch.deliveries.get(recipient_code="VAT")
    smtp_server.replies[vatican.email] = ["550 5.1.1 Mailbox unknown"]
    assert sending.mail_send(mail_id=vatican.mail_id) == "failed"
    original_closing = letter.closing
    client.force_login(secretariat_user)
    edit = _change_post(letter, closing="EDITED AFTER SENDING: yours truly.")
    assert client.post(_url("letter_change", letter.pk), edit).status_code == 302

    outgoing = reverse("admin:outbox_outgoingmail_changelist")
    client.force_login(cofacilitator_user)
    page = client.get(outgoing, {"kind": "letter"})
    assert [(m.kind, m.to, m.status, m.attempts, m.last_error) for m in page.context["cl"].result_list] == [
        ("letter", ["pm.vat@missions.example.org"], "failed", 1, "550 5.1.1 Mailbox unknown"),
        ("letter", ["pm.pse@missions.example.org"], "queued", 0, ""),
    ]
    assert f'<a href="{_url("dispatch_change", dispatch.pk)}">Dispatch {dispatch.pk}</a>' in page.content.decode()
    # The letter is made when it is sent: its row stores no body and no PDF.
    assert OutgoingMail.objects.filter(pk=vatican.mail_id).values_list("body", "attachments").get() == ("", [])

    resend = {"action": "resend", "_selected_action": [vatican.mail_id]}
    client.force_login(secretariat_user)  # may send notifications again, not letters (co-facilitators send those)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(outgoing, resend).status_code == 302
    assert (OutgoingMail.objects.get(pk=vatican.mail_id).status, enqueued) == ("failed", [])
    client.force_login(cofacilitator_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(outgoing, resend).status_code == 302
    assert enqueued == [[vatican.mail_id]]
    assert sending.mail_send(mail_id=vatican.mail_id) == "sent"
    [message] = smtp_server.to(vatican.email)
    text, pdf = _plain_text_and_pdf(message)
    assert (original_closing in text, original_closing in pdf) == (True, True)
    assert ("EDITED AFTER SENDING" in text, "EDITED AFTER SENDING" in pdf) == (False, False)
    assert message["Message-ID"] == f"<ITS6.letter{letter.pk}.delivery{vatican.pk}@compact-portal.example.org>"


def test_a_sent_letter_edited_by_the_secretariat_sends_its_original_text_to_queued_and_resent_deliveries(
    client, secretariat_user, cofacilitator_user, letter, enqueued, smtp_server
):
    dispatch = dispatching.dispatch_create(letter=letter, audience="member-states", by=cofacilitator_user)
    queued = dispatch.deliveries.get(recipient_code="DEU")
    failed = dispatch.deliveries.get(recipient_code="IND")
    OutgoingMail.objects.filter(pk=failed.mail_id).update(
        status="failed", attempts=8, last_error="550 5.1.1 No such user"
    )
    dispatching.dispatch_recount(dispatch)  # as the outbox keeps the counts when it fails a mail
    original_closing = letter.closing

    client.force_login(secretariat_user)
    page = client.get(_url("letter_change", letter.pk))
    assert "This letter has been sent." in page.content.decode()
    response = client.post(
        _url("letter_change", letter.pk), _change_post(letter, closing="EDITED AFTER SENDING: yours truly.")
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.closing == "EDITED AFTER SENDING: yours truly."

    assert dispatching.dispatch_resend_failed(dispatch=dispatch, by=cofacilitator_user) == 1
    assert [sending.mail_send(mail_id=d.mail_id) for d in (queued, failed)] == ["sent", "sent"]
    for address in ("pm.deu@missions.example.org", "pm.ind@missions.example.org"):
        [message] = smtp_server.to(address)
        text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
        [pdf] = [
            part.get_payload(decode=True) for part in message.walk() if "-invitation-" in (part.get_filename() or "")
        ]
        assert original_closing in text
        assert "EDITED AFTER SENDING" not in text
        assert "EDITED AFTER SENDING" not in _pdf_text(pdf)
        assert original_closing in _pdf_text(pdf)
    # The edit is a new revision, for later dispatches only.
    later = dispatching.dispatch_create(
        letter=letter, audience="csv", by=cofacilitator_user, csv_text="name,email\nLater,later@example.org\n"
    )
    assert later.deliveries.get().revision.content["closing"] == "EDITED AFTER SENDING: yours truly."
    assert queued.revision.content["closing"] == original_closing


def test_edits_of_a_letter_its_versions_and_signatories_are_on_its_audit_trail_before_and_after(
    client, secretariat_user, letter
):
    french = letter.versions.get(language="fr")
    spanish = letter.versions.get(language="es")
    first = letter.signatories.get(order=0)
    versions = list(letter.versions.order_by("pk"))
    data = _change_post(letter, closing="Yours truly.")
    data[f"versions-{versions.index(french)}-subject"] = "Rappel : {{ session_title }}"
    data[f"versions-{versions.index(spanish)}-DELETE"] = "on"
    data["signatories-0-title"] = "Permanent Representative"
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    client.force_login(secretariat_user)
    response = client.post(_url("letter_change", letter.pk), data)
    assert response.status_code == 302
    rows = AuditEntry.objects.filter(seq__gt=last).order_by("seq")
    assert [(e.action, e.actor_repr, e.object_repr, e.before, e.after, e.session_id) for e in rows] == [
        (
            "letter edit",
            "sec@example.org",
            str(letter),
            {"closing": letter.closing},
            {"closing": "Yours truly."},
            letter.session_id,
        ),
        (
            "letter version edit",
            "sec@example.org",
            f"{letter}: French version",
            {"subject": french.subject},
            {"subject": "Rappel : {{ session_title }}"},
            letter.session_id,
        ),
        (
            "letter version delete",
            "sec@example.org",
            f"{letter}: Spanish version",
            {field: getattr(spanish, field) for field in VERSION_FIELDS},
            None,
            letter.session_id,
        ),
        (
            "signatory edit",
            "sec@example.org",
            f"{letter}: signatory {first.name}",
            {"title": first.title},
            {"title": "Permanent Representative"},
            letter.session_id,
        ),
    ]
    page = client.get(_url("letter_change", letter.pk)).content.decode()
    trail_table = page[page.index('<table class="audit-trail">') :]
    assert "letter version edit" in trail_table and "Rappel : {{ session_title }}" in trail_table
    assert trail.verify().intact

    # Saved again unchanged: nothing to record.
    last = rows.last().seq
    unchanged = _change_post(Letter.objects.get(pk=letter.pk))
    assert client.post(_url("letter_change", letter.pk), unchanged).status_code == 302
    assert not AuditEntry.objects.filter(seq__gt=last).exists()


def test_a_revision_cannot_be_changed():
    from django.core.exceptions import ValidationError

    from invitations.models import LetterRevision

    revision = LetterRevision.objects.select_related("letter").first()
    assert revision is None  # none without a dispatch; a saved one refuses save():
    revision = LetterRevision(pk=1, content={}, digest="x", number=1, language="en")
    with pytest.raises(ValidationError, match="frozen"):
        revision.save()


# --- Preview ----------------------------------------------------------------------------------------------------------


def test_preview_is_the_pdf_the_chosen_mission_gets(client, secretariat_user, letter):
    mexico = PermanentMission.objects.get(state__iso3="MEX", duty_station="new_york")
    client.force_login(secretariat_user)
    response = client.get(_url("letter_preview_pdf", letter.pk), {"mission": mexico.pk})
    assert (response.status_code, response["Content-Type"], response["Content-Disposition"]) == (
        200,
        "application/pdf",
        'inline; filename="ITS6-invitation-MEX.pdf"',
    )
    # Mexico reads Spanish: its version, naming the mission in Spanish
    assert "Misión Permanente de México ante las Naciones Unidas" in _pdf_text(response.content)


def test_preview_without_a_recipient_shows_the_placeholder_names(client, secretariat_user, letter):
    client.force_login(secretariat_user)
    response = client.get(_url("letter_preview_pdf", letter.pk), {"mission": ""})
    assert response["Content-Disposition"] == 'inline; filename="ITS6-invitation-sample.pdf"'
    assert "[recipient_name]" in _pdf_text(response.content)


def test_preview_page_checks_each_version_fits_one_page(client, secretariat_user, letter):
    client.force_login(secretariat_user)
    response = client.get(_url("letter_preview", letter.pk))
    checks = {check["language"]: check["pages"] for check in response.context["version_checks"]}
    assert checks == {"en": 1, "fr": 1, "es": 1}
    letter.versions.filter(language="fr").update(body="Un paragraphe assez long pour déborder. " * 300)
    response = client.get(_url("letter_preview", letter.pk))
    page = response.content.decode()
    assert "French: runs to 4 pages, even set at the smallest size." in page
    assert "English: one page" in page


def test_preview_warns_when_the_body_mentions_a_document_that_is_not_attached(
    client, secretariat_user, letter, demo_session
):
    from invitations.procedural_note import procedural_note_publish

    letter.attachments.clear()
    client.force_login(secretariat_user)
    page = client.get(_url("letter_preview", letter.pk)).content.decode()
    assert "English: the body mentions “procedural note”, and no such session document is attached" in page
    assert "French: the body mentions “note de procédure”, and no such session document is attached" in page
    letter.attachments.set(procedural_note_publish(session=demo_session, by=secretariat_user, languages=["en"]))
    page = client.get(_url("letter_preview", letter.pk)).content.decode()
    assert "the body mentions" not in page


def test_preview_of_a_version_and_of_the_missions_language(client, secretariat_user, letter):
    mexico = PermanentMission.objects.get(state__iso3="MEX", duty_station="new_york")
    client.force_login(secretariat_user)
    spanish = client.get(_url("letter_preview_pdf", letter.pk), {"mission": mexico.pk})
    french = client.get(_url("letter_preview_pdf", letter.pk), {"mission": mexico.pk, "language": "fr"})
    assert PdfReader(io.BytesIO(spanish.content)).trailer["/Root"]["/Lang"] == "es"
    assert PdfReader(io.BytesIO(french.content)).trailer["/Root"]["/Lang"] == "fr"


def test_a_preview_past_its_time_limit_is_an_error_page_not_a_held_process(
    client, secretariat_user, letter, monkeypatch
):
    from compact_portal import pdf as pdf_module

    def too_slow(**kwargs):
        raise pdf_module.RenderTimeout("The document took more than 10 s to render and was stopped.")

    monkeypatch.setattr("invitations.rendering.render_document", too_slow)
    client.force_login(secretariat_user)
    response = client.get(_url("letter_preview_pdf", letter.pk), {"mission": ""})
    assert response.status_code == 422
    assert (
        "The letter could not be previewed: The document took more than 10 s to render and was stopped. "
        "Shorten the body." in response.content.decode()
    )


def test_preview_page_offers_every_new_york_mission(client, secretariat_user, letter):
    client.force_login(secretariat_user)
    response = client.get(_url("letter_preview", letter.pk))
    choices = [value for value, _ in response.context["form"].fields["mission"].choices]
    assert len(choices) == 1 + PermanentMission.objects.filter(duty_station="new_york").count()


# --- Sending ----------------------------------------------------------------------------------------------------------


def test_confirmation_counts_the_addresses_and_names_those_without_one(client, cofacilitator_user, letter, enqueued):
    PermanentMission.objects.filter(state__iso3="ARG").update(emails="")
    dispatching.dispatch_create(letter=letter, audience="observer-states", by=cofacilitator_user)
    client.force_login(cofacilitator_user)
    response = _review(client, letter, "all")
    summary = response.context["summary"]
    assert (len(summary.recipients), summary.already_sent, summary.without_email) == (
        192,
        2,
        ["Permanent Mission of Argentina to the United Nations"],
    )
    page = response.content.decode()
    assert '<strong class="invitations-count" data-testid="send-count">192</strong> addresses' in page
    assert response.context["by_language"] == [("English", 149), ("French", 24), ("Spanish", 19)]
    assert "<li>Permanent Mission of Argentina to the United Nations</li>" in page
    assert 'value="Send to 192 addresses"' in page
    assert Dispatch.objects.count() == 1  # only the observers' dispatch: reviewing sends nothing


def test_cofacilitator_sends_to_member_states_and_a_second_submit_sends_nothing_more(
    client, cofacilitator_user, letter, enqueued, django_capture_on_commit_callbacks
):
    client.force_login(cofacilitator_user)
    confirm = _confirm_data(_review(client, letter, "member-states"))
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_url("letter_send", letter.pk), confirm)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(_url("letter_send", letter.pk), confirm)
    dispatch = Dispatch.objects.get()
    assert (first.status_code, first["Location"]) == (302, _url("dispatch_change", dispatch.pk))
    assert (second.status_code, second["Location"]) == (302, _url("dispatch_change", dispatch.pk))
    assert (dispatch.audience, dispatch.created_by, dispatch.key) == (
        "member-states",
        cofacilitator_user,
        confirm["key"],
    )
    assert dispatch.deliveries.count() == 193
    assert enqueued == [sorted(dispatch.deliveries.values_list("mail_id", flat=True))]
    messages = [str(m) for m in client.get(first["Location"]).context["messages"]]
    assert messages == [f"“{letter}” is on its way to 193 addresses.", f"“{letter}” is on its way to 193 addresses."]


def test_each_confirmation_page_carries_a_fresh_key(client, cofacilitator_user, letter):
    client.force_login(cofacilitator_user)
    keys = {_confirm_data(_review(client, letter, "member-states"))["key"] for _ in range(2)}
    assert len(keys) == 2 and all(isinstance(key, uuid.UUID) for key in keys)


def test_a_csv_with_a_bad_row_is_refused_by_line_and_nothing_is_sent(client, cofacilitator_user, letter, enqueued):
    client.force_login(cofacilitator_user)
    text = "name,email,salutation\nMs. A,a@example.org,Dear Ms. A\nMr. B,not-an-address,\n"
    response = _review(client, letter, "csv", text)
    assert response.context["csv_errors"] == ["Line 3: 'not-an-address' is not an e-mail address."]
    assert "<li>Line 3: &#x27;not-an-address&#x27; is not an e-mail address.</li>" in response.content.decode()
    assert "send_form" not in response.context
    assert (Dispatch.objects.count(), enqueued) == (0, [])


def test_a_tampered_csv_at_the_send_step_is_refused_and_nothing_is_sent(client, cofacilitator_user, letter, enqueued):
    client.force_login(cofacilitator_user)
    data = {"step": "send", "audience": "csv", "csv_text": "name,email\nX,bad\n", "key": str(uuid.uuid4())}
    response = client.post(_url("letter_send", letter.pk), data)
    assert response.context["csv_errors"] == ["Line 2: 'bad' is not an e-mail address."]
    assert Dispatch.objects.count() == 0


def test_a_good_csv_is_sent_to_its_rows(
    client, cofacilitator_user, letter, enqueued, django_capture_on_commit_callbacks
):
    client.force_login(cofacilitator_user)
    text = '\ufeffname,email,salutation\nMs. Ana Díaz,ana@example.org,"Dear Ms. Díaz,"\nMr. Bo,bo@example.org,\n'
    review = _review(client, letter, "csv", text)
    assert [(r.name, r.email) for r in review.context["summary"].recipients] == [
        ("Ms. Ana Díaz", "ana@example.org"),
        ("Mr. Bo", "bo@example.org"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("letter_send", letter.pk), _confirm_data(review))
    assert sorted(Dispatch.objects.get().deliveries.values_list("email", flat=True)) == [
        "ana@example.org",
        "bo@example.org",
    ]


def test_the_confirmation_of_a_long_list_counts_every_address_and_lists_the_first_50(
    client, cofacilitator_user, letter
):
    client.force_login(cofacilitator_user)
    text = "name,email\n" + "".join(f"Recipient {n:04},r{n:04}@example.org\n" for n in range(1200))
    page = _review(client, letter, "csv", text).content.decode()
    assert '<strong class="invitations-count" data-testid="send-count">1200</strong>' in page
    assert "The first 50 of 1200 addresses" in page
    assert page.count("@example.org</td>") == 50
    assert "<td>r0049@example.org</td>" in page


# --- Progress, resend, export ---------------------------------------------------------------------------------------


def test_progress_json_returns_the_counts(client, secretariat_user, letter):
    dispatch = _dispatch_with(letter, None, ["sent"] * 3 + ["failed"] + ["queued", "retrying"])
    client.force_login(secretariat_user)
    response = client.get(_url("dispatch_progress", dispatch.pk))
    assert response.json() == {
        "total": 6,
        "sent": 3,
        "failed": 1,
        "pending": 2,
        "retrying": 1,
        "done": False,
        "percent_sent": 50.0,
        "percent_failed": 16.7,
        "percent_pending": 33.3,
    }


def test_progress_page_shows_an_accessible_bar_and_filters_by_status(client, secretariat_user, letter):
    dispatch = _dispatch_with(letter, None, ["sent"] * 3 + ["failed"] + ["queued"])
    client.force_login(secretariat_user)
    page = client.get(_url("dispatch_change", dispatch.pk)).content.decode()
    assert 'role="progressbar"' in page
    assert 'aria-valuetext="3 sent · 1 failed · 1 pending of 5"' in page
    assert '<meta http-equiv="refresh" content="5">' in page  # without JavaScript, until done
    assert _url("dispatch_resend", dispatch.pk) not in page  # the secretariat does not send
    failed = client.get(_url("dispatch_change", dispatch.pk), {"status": "failed"})
    assert [d.recipient_name for d in failed.context["page"]] == ["Recipient 003"]


def test_dispatch_list_summarises_progress(client, secretariat_user, letter):
    _dispatch_with(letter, None, ["sent"] * 190 + ["failed"] * 2 + ["queued"])
    client.force_login(secretariat_user)
    page = client.get(_url("dispatch_changelist")).content.decode()
    assert "190 sent · 2 failed · 1 pending" in page


def test_resend_failed_queues_them_again(
    client, cofacilitator_user, secretariat_user, letter, enqueued, django_capture_on_commit_callbacks
):
    dispatch = _dispatch_with(letter, None, ["sent", "failed", "failed"])
    failed_ids = sorted(dispatch.deliveries.filter(mail__status="failed").values_list("mail_id", flat=True))
    client.force_login(secretariat_user)
    assert client.post(_url("dispatch_resend", dispatch.pk)).status_code == 403
    client.force_login(cofacilitator_user)
    assert client.get(_url("dispatch_resend", dispatch.pk)).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("dispatch_resend", dispatch.pk))
    assert (response.status_code, response["Location"]) == (302, _url("dispatch_change", dispatch.pk))
    assert enqueued == [failed_ids]
    assert sorted(dispatch.deliveries.values_list("mail__status", flat=True)) == ["queued", "queued", "sent"]


def test_csv_export_has_a_header_and_one_row_per_delivery(client, secretariat_user, letter):
    dispatch = _dispatch_with(letter, None, ["sent", "failed"])
    Delivery.objects.filter(mail__status="failed").update(recipient_name="=HYPERLINK(1)")
    client.force_login(secretariat_user)
    response = client.get(_url("dispatch_export", dispatch.pk))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="ITS6-dispatch-{dispatch.pk}-deliveries.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sent = dispatch.deliveries.get(mail__status="sent").mail
    assert rows == [
        ["recipient", "code", "email", "status", "attempts", "message_id", "sent_at", "last_error"],
        ["'=HYPERLINK(1)", "R001", f"d{dispatch.pk}-1@example.org", "failed", "1", "", "", "550 5.1.1 No such user"],
        [
            "Recipient 000",
            "R000",
            f"d{dispatch.pk}-0@example.org",
            "sent",
            "1",
            "<m0@example.org>",
            sent.sent_at.astimezone(UTC).isoformat(timespec="seconds"),
            "",
        ],
    ]


# --- N+1 guards -------------------------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # caches filled (content types, ...) before counting
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_dispatch_list_runs_as_many_queries_for_50_dispatches_as_for_1(client, cofacilitator_user, letter):
    client.force_login(cofacilitator_user)
    _dispatch_with(letter, cofacilitator_user, ["sent", "failed"])
    url = _url("dispatch_changelist")
    one = _queries(client, url)
    for _ in range(49):
        _dispatch_with(letter, cofacilitator_user, ["sent", "queued"])
    assert Dispatch.objects.count() == 50
    assert _queries(client, url) == one


def test_progress_page_runs_as_many_queries_for_50_deliveries_as_for_1(client, cofacilitator_user, letter):
    client.force_login(cofacilitator_user)
    small = _dispatch_with(letter, cofacilitator_user, ["failed"])
    large = _dispatch_with(letter, cofacilitator_user, ["sent"] * 25 + ["failed"] * 20 + ["retrying"] * 5)
    assert _queries(client, _url("dispatch_change", small.pk)) == _queries(client, _url("dispatch_change", large.pk))
