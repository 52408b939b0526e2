"""The note verbale: a real PDF by its content, at most 10 MB; anything else is refused with a clear message."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registrations.uploads import validate_note_verbale
from tests.compact_portal.test_uploads import deep_page_tree, open_action_javascript, written
from tests.registrations.conftest import pdf_bytes, upload

WINDOWS_PROGRAM = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200 + b"This program cannot be run in DOS mode"
)
WEB_PAGE = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def refusal(content: bytes, name: str = "note-verbale.pdf") -> str:
    with pytest.raises(ValidationError) as error:
        validate_note_verbale(upload(content, name))
    return " ".join(error.value.messages)


def test_a_real_pdf_is_accepted():
    validate_note_verbale(upload(pdf_bytes(pages=2)))


def test_a_pdf_of_nearly_10_mb_is_accepted():
    content = pdf_bytes(padding=9 * 1024 * 1024)
    assert 9 * 1024 * 1024 < len(content) <= 10 * 1024 * 1024
    validate_note_verbale(upload(content))


def test_a_12_mb_pdf_is_refused_with_its_size():
    content = pdf_bytes(padding=12 * 1024 * 1024)
    assert refusal(content) == (
        "The file is 12.0 MB; a note verbale may be at most 10 MB. Scan it at a lower resolution or in black and white."
    )


def test_a_renamed_program_is_refused():
    assert refusal(WINDOWS_PROGRAM, "note-verbale.pdf") == (
        "This file is a Windows program, not a PDF. Upload the note verbale as a PDF document."
    )


def test_an_html_file_saved_as_pdf_is_refused():
    assert refusal(WEB_PAGE, "note-verbale.pdf") == (
        "This file is a web page (HTML), not a PDF. Upload the note verbale as a PDF document."
    )


def test_a_file_that_only_starts_like_a_pdf_is_refused():
    assert refusal(b"%PDF-1.7\n" + b"\x00garbage\x01" * 100 + b"%%EOF\n") == "This PDF is damaged and cannot be opened."


def test_a_web_page_behind_a_pdf_header_is_refused():
    assert refusal(b"%PDF-1.7\n" + WEB_PAGE + b"%%EOF\n") == (
        "This file is a web page as well as a PDF. Upload a plain PDF document."
    )


def test_a_truncated_pdf_is_refused():
    content = pdf_bytes()
    assert refusal(content[: len(content) // 2]) == "This PDF is incomplete (it has no end). Upload it again."


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (WINDOWS_PROGRAM, "This file is a Windows program, not a PDF."),
        (WEB_PAGE, "This file is a web page (HTML), not a PDF."),
        (pdf_bytes(padding=12 * 1024 * 1024), "The file is 12.0 MB; a note verbale may be at most 10 MB."),
        (deep_page_tree(120), "This PDF is too complex to check"),
        (
            written(open_action_javascript),
            "This PDF contains JavaScript that would run in the reader&#x27;s PDF viewer.",
        ),
    ],
    ids=["renamed-program", "html-as-pdf", "12-mb-pdf", "page-tree-120-deep", "javascript-on-opening"],
)
def test_the_registration_form_refuses_the_upload_and_stores_nothing(
    content, expected, client, open_session, mission_mex, focal_mex, settings
):
    from registrations import services

    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    client.force_login(focal_mex)
    response = client.post(
        reverse("registrations:edit", kwargs={"pk": registration.pk}),
        {
            "head-honorific": "H.E. Mr.",
            "head-family_name": "Gómez-Camacho",
            "head-given_name": "Juan José",
            "head-function": "Ambassador",
            "head-attendance": "in_person",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
            "note_verbale": upload(content),
        },
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    registration.refresh_from_db()
    assert not registration.note_verbale
    assert not registration.members.exists()
    assert [path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()] == []


def test_uploads_are_stored_outside_the_public_media_folder(
    open_session, mission_mex, focal_mex, make_registration, settings
):
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    path = registration.note_verbale.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert registration.note_verbale.name.endswith(".pdf")
    assert registration.note_verbale_name == "note-verbale.pdf"
