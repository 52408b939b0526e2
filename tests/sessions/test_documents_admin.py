"""Session documents uploaded in the admin pass the portal's one PDF check (compact_portal/uploads.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions.models import SessionDocument
from tests.compact_portal.test_uploads import open_action_javascript, written


def _post(client, session, content):
    return client.post(
        reverse("admin:consultations_sessiondocument_add"),
        {
            "session": session.pk,
            "kind": SessionDocument.Kind.CONCEPT_NOTE,
            "title": "Concept note",
            "language": "en",
            "file": SimpleUploadedFile("concept-note.pdf", content, "application/pdf"),
        },
    )


def test_a_session_document_with_javascript_is_refused(client, secretariat_user, make_session):
    session = make_session()
    client.force_login(secretariat_user)
    response = _post(client, session, written(open_action_javascript))
    assert response.status_code == 200
    assert "This PDF contains JavaScript that would run in the reader&#x27;s PDF viewer." in response.content.decode()
    assert not SessionDocument.objects.exists()


def test_a_plain_pdf_session_document_is_stored(client, secretariat_user, make_session):
    session = make_session()
    client.force_login(secretariat_user)
    response = _post(client, session, written())
    assert response.status_code == 302
    assert SessionDocument.objects.get().title == "Concept note"
