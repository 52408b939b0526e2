"""Confirmation letters in the reader's language: tagged PDF/UA-1 with that language (/Lang), its title, and the
text (and direction) of the language."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from registrations import letters
from tests.compact_portal.test_pdf import font_names, pdf_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "font"),
    [
        ("en", "Confirmation of registration", "Noto-Sans"),
        ("fr", "Confirmation d’inscription", "Noto-Sans"),
        ("ar", "تأكيد التسجيل", "Noto-Sans-Arabic"),
        ("zh-hans", "注册确认函", "Noto-Sans-CJK-SC"),
        ("ru", "Подтверждение регистрации", "Noto-Sans"),
        ("es", "Confirmación de inscripción", "Noto-Sans"),
    ],
)
def test_confirmation_letter_is_tagged_with_its_language_title_and_structure(approved_mex, language, heading, font):
    registration = approved_mex
    document = letters.confirmation_letters_pdf(registration=registration, language=language)

    reader = PdfReader(io.BytesIO(document))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == language
    assert catalog["/MarkInfo"] == {"/Marked": True}
    assert catalog["/StructTreeRoot"]["/K"][0]["/S"] == "/Document"
    assert 'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data().decode()
    with translation.override(language):
        title = translation.gettext("Confirmation of registration, %(reference)s") % {
            "reference": registration.reference
        }
    assert reader.metadata.title == title
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", pdf_text(document))
    assert heading in text
    assert font in font_names(document)


def test_downloaded_letter_follows_the_page_language(client, approved_mex, focal_mex):
    registration = approved_mex
    client.force_login(focal_mex)
    with translation.override("ar"):
        url = reverse("registrations:letters", kwargs={"pk": registration.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == "ar"
