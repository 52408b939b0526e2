"""The signatures are seen, not only tagged: each signatory's image is laid out inside the page and its ink is on the
rasterised page (pdftoppm) where the layout put it, in left-to-right and right-to-left letters alike; the first
signatory stands at the start edge (the left in English, the right in Arabic), as the letterheads do."""

import subprocess

import pytest
from PIL import Image

from bench.letters import LETTERS as TRANSLATED
from compact_portal.pdf import render_document
from invitations import rendering
from invitations.demo import demo_letters_load
from invitations.models import LetterVersion
from registrations.demo import demo_missions_load
from registrations.models import PermanentMission

DPI = 48


def _is_ink(pixel) -> bool:
    """The demo signatures' navy stroke (#1b2a6b, invitations.demo.demo_signature_svg), anti-aliased or not: blue
    well above red and green. Black or grey text, the red cross and the green and brown seal are not."""
    red, green, blue = pixel
    return blue > red + 40 and blue > green + 30


@pytest.fixture
def letter(reference_data, demo_session):
    demo_missions_load()
    letter = demo_letters_load(session=demo_session)[0]
    arabic = TRANSLATED["ar"]
    LetterVersion.objects.create(
        letter=letter,
        language="ar",
        **{key: arabic[key] for key in ("place_date", "subject", "salutation", "body", "closing", "addressee")},
        signatory_titles="\n\n".join(title for _, title, _ in arabic["signatories"]),
    )
    return letter


def _images(box, found):
    if getattr(box, "element_tag", None) == "img":
        found.append(box)
    for child in getattr(box, "children", None) or []:
        _images(child, found)
    return found


def _ink(page: Image.Image, box) -> int:
    """Pixels of the signature's colour inside the box (layout in CSS px at 96 per inch, the page at DPI)."""
    scale = DPI / 96
    left, top = box.position_x * scale, box.position_y * scale
    region = page.crop((int(left), int(top), int(left + box.width * scale) + 1, int(top + box.height * scale) + 1))
    return sum(1 for pixel in region.get_flattened_data() if _is_ink(pixel))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_both_signatures_are_visible_on_the_page_in_reading_order(letter, language, tmp_path):
    egypt = PermanentMission.objects.select_related("state").get(state__iso3="EGY", duty_station="new_york")
    values = rendering.mission_values(egypt, language=language)
    step = rendering.letter_rendered(letter, values=values, language=language).fit_step
    context = rendering.content_context(
        rendering.letter_content(letter, language=language), session=letter.session, values=values, fit_step=step
    )
    rendered = render_document(template_name=rendering.LETTER_TEMPLATE, context=context)
    [layout] = rendered.document.pages
    names = [signatory.name for signatory in letter.signatories.order_by("order")]
    signatures = {
        box.element.get("alt"): box for box in _images(layout._page_box, []) if box.element.get("alt") in names
    }
    assert sorted(signatures) == sorted(names)
    for box in signatures.values():  # inside the page's box, clear of its margins' edge
        assert box.position_x >= 0 and box.position_x + box.width <= layout.width
        assert box.position_y >= 0 and box.position_y + box.height <= layout.height
    first, second = (signatures[name] for name in names)
    if language == "ar":
        assert first.position_x > second.position_x + second.width  # the first signatory at the right
    else:
        assert first.position_x + first.width < second.position_x
    (tmp_path / "letter.pdf").write_bytes(rendered.write())
    command = ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*command, tmp_path / "letter.pdf", tmp_path / "page"], check=True)
    page = Image.open(tmp_path / "page.png").convert("RGB")
    assert abs(page.size[0] - layout.width * DPI / 96) < 1 and abs(page.size[1] - layout.height * DPI / 96) < 1
    inked = {name: _ink(page, box) for name, box in signatures.items()}
    assert all(count > 30 for count in inked.values()), inked
    # and nowhere else: the colour is the signatures' alone, so what is inked is where the layout put them
    everywhere = sum(1 for pixel in page.get_flattened_data() if _is_ink(pixel))
    assert everywhere == sum(inked.values())
