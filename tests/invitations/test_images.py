"""Emblems and signatures: uploads checked as real, self-contained images; drawn in the letter; the wording says
"signed" only when every signatory's signature is there; signature changes recorded, by co-facilitators only."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from audit.models import AuditEntry
from invitations import rendering, services
from invitations.demo import demo_letters_load, demo_seal_svg, demo_signature_svg, demo_swiss_cross_svg
from invitations.images import check_image
from registrations.demo import demo_missions_load
from registrations.models import PermanentMission


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#1b2a6b").save(buffer, "PNG")
    return buffer.getvalue()


def _check(data: bytes, name: str = "image.svg") -> None:
    check_image(SimpleUploadedFile(name, data))


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{}</svg>'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (SVG.format("<script>alert(1)</script>"), "The SVG contains a <script> element"),
        (SVG.format('<rect width="5" height="5" onload="alert(1)"/>'), "The SVG has an event handler (onload)"),
        (SVG.format('<image href="https://evil.example/x.png"/>'), "The SVG contains a <image> element"),
        (SVG.format('<use xlink:href="https://evil.example/s.svg#a"/>'), "refers to another file or address"),
        (SVG.format('<use href="file:///etc/passwd#x"/>'), "refers to another file or address"),
        (SVG.format('<rect fill="url(https://evil.example/p)" width="1" height="1"/>'), "refers to another file"),
        (SVG.format("<style>@import url(https://evil.example/a.css);</style>"), "style refers to another file"),
        (SVG.format("<foreignObject><div>x</div></foreignObject>"), "The SVG contains a <foreignObject> element"),
        (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            + SVG.format("<text>&lol2;</text>"),
            "The SVG has a document type or entities",
        ),
        ("<html><body>not an image</body></html>", "Upload a PNG or SVG image."),
        ("<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>", "The SVG is not well-formed XML"),
    ],
)
def test_a_malicious_or_broken_svg_is_refused_with_its_reason(data, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _check(data.encode())


def test_a_png_must_be_a_real_png_of_bounded_size_and_dimensions():
    _check(_png(400, 400), "emblem.png")
    with pytest.raises(ValidationError, match=r"The image is 2001×10 pixels; at most 2000×2000\."):
        _check(_png(2001, 10), "wide.png")
    with pytest.raises(ValidationError, match="not a readable PNG image"):
        _check(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "forged.png")
    with pytest.raises(ValidationError, match=r"larger than 512 KB|at most 512 KB"):
        _check(b"\x89PNG\r\n\x1a\n" + b"\x00" * (512 * 1024), "huge.png")


def test_the_demo_images_pass_the_checks():
    for data in (demo_seal_svg(), demo_swiss_cross_svg(), demo_signature_svg(0), demo_signature_svg(1)):
        _check(data)


@pytest.fixture
def letter(reference_data, demo_session):
    demo_missions_load()
    return demo_letters_load(session=demo_session)[0]


@pytest.fixture
def germany(reference_data):
    return PermanentMission.objects.select_related("state").get(state__iso3="DEU", duty_station="new_york")


def _figures(pdf: bytes) -> list[str]:
    """The alternative texts of the tagged figures (WeasyPrint draws an SVG into the page, a PNG as an image;
    either is tagged as a Figure with its alt text)."""
    alts = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for kid in node:
                walk(kid)
            return
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            alts.append(str(node.get("/Alt")))
        if "/K" in node:
            walk(node["/K"])

    walk(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"])
    return alts


@pytest.mark.django_db
def test_the_letter_carries_both_emblems_and_both_signatures(letter, germany):
    with_images = rendering.letter_pdf(letter, values=rendering.mission_values(germany, language="en"))
    for signatory in letter.signatories.all():
        signatory.emblem = ""
        signatory.signature = ""
        signatory.save()
    without = rendering.letter_pdf(letter, values=rendering.mission_values(germany, language="en"))
    assert _figures(with_images) == [  # two emblems above the letterheads, two signatures
        "PERMANENT MISSION OF MEXICO",
        "Schweizerische Eidgenossenschaft",
        "Juan José Gómez-Camacho",
        "Jürg Lauber",
    ]
    assert _figures(without) == []


@pytest.mark.django_db
def test_png_emblems_are_extracted_as_the_missions_images(letter, germany):
    """The test the issue names: the PDF carries the two signatory missions' emblem images (pypdf extraction)."""
    colours = ["#006847", "#d52b1e"]
    for signatory, colour in zip(letter.signatories.order_by("order"), colours, strict=True):
        buffer = io.BytesIO()
        Image.new("RGB", (120, 120), colour).save(buffer, "PNG")
        signatory.emblem.save("emblem.png", ContentFile(buffer.getvalue()), save=True)
    pdf = rendering.letter_pdf(letter, values=rendering.mission_values(germany, language="en"))
    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    found = sorted(image.image.convert("RGB").getpixel((60, 60)) for image in images)
    assert found == sorted([(0, 0x68, 0x47), (0xD5, 0x2B, 0x1E)])


@pytest.mark.django_db
def test_the_email_says_signed_only_when_every_signatory_has_a_signature(letter, germany):
    values = rendering.mission_values(germany, language="en")
    assert rendering.letter_plain_text(letter, values=values).endswith("The signed letter is attached as a PDF.")
    first = letter.signatories.order_by("order").first()
    services.signatory_set_signature(signatory=first, image=None, by=None)
    assert rendering.letter_plain_text(letter, values=values).endswith(
        "The letter is attached as a PDF, with the signatories' names and without signatures."
    )
    assert rendering.letter_plain_text(letter, values=values, language="fr").endswith(
        "La lettre est jointe au format PDF, avec les noms des signataires et sans signatures."
    )


@pytest.mark.django_db
def test_signatures_are_set_by_cofacilitators_recorded_and_kept_private(
    letter, cofacilitator_user, secretariat_user, settings
):
    signatory = letter.signatories.order_by("order").first()
    with pytest.raises(PermissionDenied):
        services.signatory_set_signature(
            signatory=signatory, image=ContentFile(demo_signature_svg(3), name="s.svg"), by=secretariat_user
        )
    old_name = signatory.signature.name
    services.signatory_set_signature(
        signatory=signatory, image=ContentFile(demo_signature_svg(3), name="s.svg"), by=cofacilitator_user
    )
    signatory.refresh_from_db()
    change = signatory.signature_changes.first()
    assert (change.by, change.action, change.file_name) == (cofacilitator_user, "set", signatory.signature.name)
    assert signatory.signature.name != old_name
    assert (settings.PRIVATE_MEDIA_ROOT / old_name).exists()  # a revision sent earlier still renders it
    assert (settings.PRIVATE_MEDIA_ROOT / signatory.signature.name).exists()
    assert not (settings.MEDIA_ROOT / signatory.signature.name).exists()
    with pytest.raises(ValueError, match="Private files have no URL"):
        signatory.signature.url  # noqa: B018 - the property raises


@pytest.mark.django_db
def test_a_cofacilitator_uploads_a_signature_in_the_admin_and_the_secretariat_may_not(
    client, cofacilitator_user, secretariat_user, letter
):
    from django.urls import reverse

    signatory = letter.signatories.order_by("order").first()
    url = reverse("admin:invitations_letter_signatures", args=[letter.pk])
    upload = SimpleUploadedFile("signature.svg", demo_signature_svg(7), content_type="image/svg+xml")
    client.force_login(secretariat_user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"signatory": signatory.pk, "image": upload}).status_code == 403
    client.force_login(cofacilitator_user)
    evil = SimpleUploadedFile("evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>')
    refused = client.post(url, {"signatory": signatory.pk, "image": evil})
    assert "The SVG contains a &lt;script&gt; element" in refused.content.decode()
    upload.seek(0)
    before = signatory.signature.name
    assert client.post(url, {"signatory": signatory.pk, "image": upload}).status_code == 302
    change = signatory.signature_changes.first()
    assert (change.by, change.action) == (cofacilitator_user, "set")
    entry = AuditEntry.objects.order_by("-seq").first()  # shown on the letter's page with its other edits
    assert (entry.action, entry.actor_repr, entry.object_id, entry.before, entry.after) == (
        "signature set",
        cofacilitator_user.email,
        str(letter.pk),
        {"signature": before},
        {"signature": change.file_name},
    )


@pytest.mark.parametrize("name", ["emblem.html", "emblem.svg", "emblem", "emblem.png.htm", "emblem.xhtml"])
def test_a_png_named_as_a_page_is_refused(name):
    # Emblems are public files (MEDIA_ROOT, served under /media/ by the name uploaded): a valid PNG with a script after
    # its end, named .html, would be served as a page of the portal's origin to the staff who open it in the admin.
    page = _png(10, 10) + b"<script>fetch('/admin/')</script>"
    with pytest.raises(ValidationError, match=r"The file's name must end in \.png, as its content is a PNG image\."):
        _check(page, name)
    _check(page, "EMBLEM.PNG")  # a PNG named as one is served as an image, whatever follows its end


@pytest.mark.parametrize("name", ["seal.html", "seal.png", "seal.xml", "seal"])
def test_an_svg_named_as_something_else_is_refused(name):
    with pytest.raises(ValidationError, match=r"The file's name must end in \.svg, as its content is an SVG image\."):
        _check(demo_seal_svg(), name)
    _check(demo_seal_svg(), "Seal.SVG")
