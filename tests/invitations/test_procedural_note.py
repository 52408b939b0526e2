"""The procedural note: generated from the agenda in each official language, tagged, published as a session
document."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from pypdf import PdfReader

from invitations.procedural_note import LANGUAGES, procedural_note_pdf, procedural_note_publish
from sessions.models import SessionDocument
from tests.invitations.test_rendering import pdftotext

pytestmark = pytest.mark.django_db


def _words(text: str) -> str:
    return " ".join(text.replace("\u2010\n", "").split())


def test_the_note_lists_every_agenda_item_in_each_language(demo_session):
    items = list(demo_session.agenda_items.order_by("day", "start_time"))
    assert len(items) >= 7
    for language in LANGUAGES:
        pdf = procedural_note_pdf(demo_session, language=language)
        reader = PdfReader(io.BytesIO(pdf))
        assert reader.trailer["/Root"]["/Lang"] == language
        assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, as the letters (pdf/ua-1)
        text = _words(pdftotext(pdf))
        for item in items:
            assert _words(item.localized("title", language)) in text, (language, item.title)


def test_the_french_note_has_french_titles_days_and_times(demo_session):
    text = _words(pdftotext(procedural_note_pdf(demo_session, language="fr")))
    assert "Note de procédure" in text
    assert "jeudi 12 octobre 2017" in text
    assert "9 h 00–9 h 50 · Dialogue informel avec les parties prenantes" in text  # the kind, then the title
    assert "(UTC+2)" in text
    assert "12 et 13 octobre 2017, Salle de conférence XIX, Palais des Nations, Genève" in text  # the room in French
    assert "Dialogue informel avec les parties prenantes · Salle de conférence XIX" in text
    assert "Conference Room" not in text


def test_the_secretariat_publishes_the_note_in_six_languages_as_session_documents(
    demo_session, secretariat_user, cofacilitator_user
):
    with pytest.raises(PermissionDenied):
        procedural_note_publish(session=demo_session, by=cofacilitator_user, languages=["en"])
    documents = procedural_note_publish(session=demo_session, by=secretariat_user)
    assert sorted(d.language for d in documents) == sorted(LANGUAGES)
    notes = SessionDocument.objects.filter(session=demo_session, kind="procedural_note")
    assert notes.count() == 6
    assert notes.get(language="fr").title == "Note de procédure : Session thématique informelle 6" or notes.get(
        language="fr"
    ).title.startswith("Note de procédure")
    procedural_note_publish(session=demo_session, by=secretariat_user, languages=["en"])
    assert notes.count() == 6  # published again: replaced, not added


def test_the_admin_action_publishes_the_note(client, secretariat_user, demo_session):
    from django.urls import reverse

    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:consultations_thematicsession_changelist"),
        {"action": "publish_procedural_note", "_selected_action": [demo_session.pk]},
        follow=True,
    )
    assert "ITS6: the procedural note is published in 6 languages" in response.content.decode()
    assert SessionDocument.objects.filter(session=demo_session, kind="procedural_note").count() == 6
    page = client.get(demo_session.get_absolute_url()).content.decode()
    assert "ITS6-procedural-note-fr" in page


def test_the_demo_letter_carries_the_note_in_each_missions_language(reference_data, demo_session):
    from invitations.demo import demo_letters_load
    from invitations.rendering import attachments_for, letter_content
    from registrations.demo import demo_missions_load

    demo_missions_load()
    [letter] = demo_letters_load(session=demo_session)
    for language, expected in [("fr", "fr"), ("es", "es"), ("ru", "en")]:
        [note] = attachments_for(letter_content(letter, language=language))
        assert (note.kind, note.language) == ("procedural_note", expected)
