import http.server
import io
import re
import subprocess
import threading
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from invitations import rendering
from invitations.demo import demo_letters_load
from registrations.demo import demo_missions_load
from registrations.models import PermanentMission

SEED_LETTER = Path(__file__).parent / "data" / "seed-letter.txt"  # shared/reference/000_4aefcd8dca333f53.txt


def pdftotext(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def words(text: str) -> str:
    """Text as a run of words: line breaks, words hyphenated at a line's end (WeasyPrint's hyphen is U+2010),
    Markdown marks (*, <>) and the page's layout do not count."""
    return " ".join(re.sub(r"[*<>]", "", text.replace("\u2010\n", "")).split())


@pytest.fixture
def letter(reference_data, demo_session):
    demo_missions_load()
    return demo_letters_load(session=demo_session)[0]


@pytest.fixture
def mexico(reference_data):
    return PermanentMission.objects.select_related("state").get(state__iso3="MEX")


@pytest.mark.django_db
def test_the_demo_letter_reads_as_the_seed_letter_paragraph_for_paragraph(letter, mexico):
    pdf = rendering.letter_pdf(letter, values=rendering.mission_values(mexico, language="en"))
    # pdftotext drops a hyphen that ends a line ("two-" / "day" reads "twoday"): hyphens do not count here.
    extracted = words(pdftotext(pdf)).replace("-", "")
    seed = SEED_LETTER.read_text(encoding="utf-8")
    blocks = [words(block).replace("-", "") for block in re.split(r"\n\s*\n", seed) if block.strip()]
    assert len(blocks) == 15
    position = 0
    for block in blocks:  # every block of the seed, in the seed's order
        found = extracted.find(block, position)
        assert found >= 0, f"not found after position {position}: {block!r}"
        position = found + len(block)
    assert extracted.endswith("NEW YORK Permanent Mission of Mexico to the United Nations")


@pytest.mark.django_db
def test_the_french_version_names_the_session_by_its_french_title_on_one_page(letter, mexico):
    rendered = rendering.letter_rendered(letter, values=rendering.mission_values(mexico, language="fr"), language="fr")
    text = words(pdftotext(rendered.pdf))
    assert rendered.page_count == 1
    assert PdfReader(io.BytesIO(rendered.pdf)).trailer["/Root"]["/Lang"] == "fr"
    for expected in [
        "New York, le 11 septembre 2017 Excellence,",
        "La sixième session thématique informelle, intitulée « Migration irrégulière et voies de migration régulière,",
        "se tiendra les 12 et 13 octobre 2017 dans la salle de conférence XIX",
        "un dialogue informel le 13 octobre 2017 de 9 h 00 à 9 h 50",
        "Veuillez agréer, Excellence, les assurances de notre très haute considération.",
        "Ambassadeur et Représentant permanent du Mexique auprès de l’Organisation des Nations Unies",
    ]:
        assert expected in text, expected
    assert "Irregular migration" not in text


@pytest.mark.django_db
def test_the_spanish_version(letter, mexico):
    rendered = rendering.letter_rendered(letter, values=rendering.mission_values(mexico, language="es"), language="es")
    text = words(pdftotext(rendered.pdf))
    assert rendered.page_count == 1
    for expected in [
        "Nueva York, 11 de septiembre de 2017 Excelencia:",
        "La sexta sesión temática oficiosa, titulada “Migración irregular y vías de migración regular,",
        "Embajador y Representante Permanente de Suiza ante las Naciones Unidas",
    ]:
        assert expected in text, expected


@pytest.mark.django_db
def test_a_language_without_a_version_gets_the_main_text(letter, mexico):
    content = rendering.letter_content(letter, language="ru")
    assert content["language"] == "en"
    assert content["body"] == letter.body


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    _RecordingHandler.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _RecordingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _RecordingHandler.requests
    server.shutdown()


@pytest.mark.django_db
def test_html_and_urls_typed_into_a_letter_render_as_text_and_fetch_nothing(letter, mexico, web_server):
    url, requests = web_server
    letter.body = (
        "<script>alert(1)</script>\n\n"
        '<img src="file:///etc/passwd">\n\n'
        f"![remote]({url}/markdown.png) and <img src={url}/raw.png>\n\n"
        f'<link rel="stylesheet" href="{url}/x.css"><style>@import url({url}/y.css);</style>'
    )
    letter.save()
    mexico.name = "Mission <b>bold</b> & {{ head_name }}"
    context = rendering.letter_context(letter, values=rendering.mission_values(mexico, language="en"))
    pdf = rendering.letter_pdf(letter, values=rendering.mission_values(mexico, language="en"))
    text = " ".join(pdftotext(pdf).split())
    assert "<script>alert(1)</script>" in text
    assert 'img src="file:///etc/passwd"' in text
    assert f"![remote]({url}/markdown.png)" in text
    assert requests == []
    assert "root:x:0:0" not in text
    assert "<script>" not in str(context["body_html"])
    assert context["recipient_line"] == "Mission <b>bold</b> & {{ head_name }}"  # autoescaped by the template


@pytest.mark.django_db
def test_preview_values_show_each_placeholder_by_name(letter):
    letter.body = "To {{ mission_name }}, {{ head_honorific }} {{ head_name }}"
    context = rendering.letter_context(letter, values=rendering.sample_values(letter))
    assert str(context["body_html"]) == "<p>To [mission_name], [head_honorific] [head_name]</p>\n"


def test_pdf_file_names_carry_session_kind_and_recipient(db, demo_session):
    from invitations.models import Letter

    letter = Letter(session=demo_session, kind="reminder")
    assert rendering.pdf_filename(letter, recipient_code="MEX") == "ITS6-reminder-MEX.pdf"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("ar", "الهجرة غير النظامية ومسارات الهجرة النظامية، بما في ذلك العمل اللائق"),
        ("zh-hans", "非正常移民和正常移民途径，包括体面工作、劳动力流动、技能和资格的承认以及其他相关措施"),
    ],
)
def test_the_arabic_and_chinese_versions_name_the_session_by_its_title_in_their_language(
    letter, mexico, language, title
):
    from bench.letters import LETTERS as TRANSLATED
    from invitations.models import LetterVersion

    text = TRANSLATED[language]
    LetterVersion.objects.create(
        letter=letter,
        language=language,
        **{key: text[key] for key in ("place_date", "subject", "salutation", "body", "closing", "addressee")},
    )
    context = rendering.letter_context(
        letter, values=rendering.mission_values(mexico, language=language), language=language
    )
    assert title in str(context["body_html"])
    assert "Irregular migration" not in str(context["body_html"])
    if language == "zh-hans":  # pdftotext reads Chinese in order; Arabic comes out in visual order
        pdf = rendering.letter_pdf(
            letter, values=rendering.mission_values(mexico, language=language), language=language
        )
        assert title in "".join(pdftotext(pdf).split())


@pytest.mark.django_db
def test_each_mission_is_named_in_its_letters_language_and_in_english_marked_as_such_where_it_has_no_name(
    letter, reference_data
):
    france = PermanentMission.objects.select_related("state").get(state__iso3="FRA", duty_station="new_york")
    rendered = rendering.letter_rendered(letter, values=rendering.mission_values(france, language="fr"), language="fr")
    text = words(pdftotext(rendered.pdf))
    assert text.endswith("NEW YORK Mission permanente de la France auprès de l’Organisation des Nations Unies")
    assert rendered.page_count == 1
    russian = rendering.mission_values(france, language="ru")
    assert (russian["recipient_name"], russian["recipient_language"]) == (france.name, "en")
    html = render_to_string(
        rendering.LETTER_TEMPLATE,
        rendering.content_context(
            rendering.letter_content(letter, language="ru"), session=letter.session, values=russian
        ),
    )
    # lang="en" on the line (WeasyPrint 70 uses it for hyphenation and fonts, but writes no /Lang per tag)
    assert '<p class="recipient" lang="en">Permanent Mission of France to the United Nations</p>' in html
    assert "recipient_language" not in rendering.mission_values(france, language="es")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("iso3", "language", "name"),
    [
        ("EGY", "ar", "البعثة الدائمة لمصر لدى الأمم المتحدة"),
        ("ARG", "ar", "البعثة الدائمة للأرجنتين لدى الأمم المتحدة"),
        ("CHN", "zh-hans", "中国常驻联合国代表团"),
    ],
)
def test_an_arabic_or_chinese_letter_names_the_mission_in_its_language(letter, iso3, language, name):
    from bench.letters import LETTERS as TRANSLATED
    from invitations.models import LetterVersion

    text = TRANSLATED[language]
    LetterVersion.objects.create(
        letter=letter,
        language=language,
        **{key: text[key] for key in ("place_date", "subject", "salutation", "body", "closing", "addressee")},
    )
    mission = PermanentMission.objects.select_related("state").get(state__iso3=iso3, duty_station="new_york")
    values = rendering.mission_values(mission, language=language)
    html = render_to_string(
        rendering.LETTER_TEMPLATE,
        rendering.content_context(
            rendering.letter_content(letter, language=language), session=letter.session, values=values
        ),
    )
    assert f'<p class="recipient">{name}</p>' in html
    assert mission.name not in html
    if language == "zh-hans":  # pdftotext reads Chinese in order; Arabic comes out in visual order
        pdf = rendering.letter_pdf(letter, values=values, language=language)
        assert f"纽约{name}" in "".join(pdftotext(pdf).split())  # the addressee block's last lines


@pytest.mark.django_db
def test_a_link_in_an_arabic_letter_stays_whole_on_one_line(letter, mexico):
    from bench.letters import LETTERS as TRANSLATED
    from invitations.models import LetterVersion

    text = TRANSLATED["ar"]
    LetterVersion.objects.create(
        letter=letter,
        language="ar",
        **{key: text[key] for key in ("place_date", "subject", "salutation", "body", "closing", "addressee")},
    )
    pdf = rendering.letter_pdf(letter, values=rendering.mission_values(mexico, language="ar"), language="ar")
    lines = pdftotext(pdf).splitlines()
    assert [line for line in lines if "refugeesmigrants" in line] == [
        next(line for line in lines if "https://refugeesmigrants.un.org/migration-compact" in line)
    ]
