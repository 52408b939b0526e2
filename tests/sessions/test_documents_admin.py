"""Session documents uploaded in the admin pass the portal's one PDF check (compact_portal/uploads.py)."""

import mimetypes
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions.models import SessionDocument
from tests.compact_portal.test_uploads import open_action_javascript, written


def _post(client, session, content, name="concept-note.pdf"):
    return client.post(
        reverse("admin:consultations_sessiondocument_add"),
        {
            "session": session.pk,
            "kind": SessionDocument.Kind.CONCEPT_NOTE,
            "title": "Concept note",
            "language": "en",
            "file": SimpleUploadedFile(name, content, "application/pdf"),
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


def test_a_pdf_with_markup_named_as_a_page_is_stored_as_a_pdf(client, secretariat_user, make_session):
    # Session documents are public files served by their stored name: a valid PDF with a script after its first
    # kilobyte, named .html, must never be served as a page of the portal's origin.
    session = make_session()
    client.force_login(secretariat_user)
    polyglot = written(lambda writer: writer.add_metadata({"/Subject": "x" * 1500})) + b"<script>alert(1)</script>\n"
    for name in ["programme.html", "programme.svg", "programme"]:
        SessionDocument.objects.all().delete()
        assert _post(client, session, polyglot, name=name).status_code == 302
        stored = SessionDocument.objects.get().file.name
        assert re.fullmatch(rf"sessions/{session.slug}/programme(_\w{{7}})?\.pdf", stored), stored
        assert mimetypes.guess_type(stored)[0] == "application/pdf"
