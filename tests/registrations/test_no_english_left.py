"""No English left on pages served in another language: every public and form page, rendered in each of the five
other official languages, shows no text that is English where a translation exists.

A text node fails if it is the same as in the English rendering of the page and reads as English: for Arabic,
Chinese and Russian, any Latin word of three letters or more; for French and Spanish (which share many words with
English), a run of two words or more. Content with no translation (names of people, organizations and rooms,
symbols such as A/RES/71/280) is allowed below, each entry saying why; content the secretariat entered in English
only is marked lang="en" by the templates, and is skipped with every element carrying its own lang."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LANGUAGES = ["ar", "zh-hans", "fr", "ru", "es"]
# Proper names and symbols: the same in every language.
ALLOWED = [
    r"[\w.+-]+@[\w.-]+",  # e-mail addresses
    r"https?://\S+",
    r"A/RES/\d+/\d+",  # the mandate's symbol
    r"ITS\d+(?:-[A-Z]{3}-\d+)?",  # session codes and registration references
    r"PDF|ECOSOC|WCAG|axe-core|UTC|CEST|CET|TOTP|GRULAC|WEOG|\.ics|SHA-256|random\.Random\(seed\)|Python",
    r"Palais des Nations|Conference Room [IVXL]+|Room [IVXL]+",  # the venue's rooms: names, not translated
    r"Europe/\w+",  # IANA time zone names
    r"Note verbale(?: \(PDF\))?",  # the same words in French
]
ALLOWED_RE = re.compile("|".join(f"(?:{pattern})" for pattern in ALLOWED))
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
SKIPPED_TAGS = {"script", "style", "template", "title"}


class VisibleText(HTMLParser):
    """Text nodes of <body>, without scripts, templates, proper names (translate="no") and elements in another
    language (lang=… on them or an ancestor differing from the page's)."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.texts: list[str] = []
        self.in_body = False

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "base", "col", "embed", "track"}

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if tag in self.VOID:
            return
        attributes = dict(attrs)
        parent_skipped = self.stack[-1][1] if self.stack else False
        own_language = attributes.get("lang")
        skipped = (
            parent_skipped
            or tag in SKIPPED_TAGS
            or (own_language is not None and own_language.lower() != self.language)
            or attributes.get("translate") == "no"  # a proper name
        )
        self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if self.in_body and text and not (self.stack and self.stack[-1][1]):
            self.texts.append(text)


def visible_texts(html: str, language: str) -> list[str]:
    parser = VisibleText(language)
    parser.feed(html)
    return parser.texts


def english_left(text: str, language: str) -> bool:
    rest = ALLOWED_RE.sub(" ", text)
    if language in {"fr", "es"}:
        return len(re.findall(r"[A-Za-z]{2,}", rest)) >= 2
    return bool(LATIN_WORD.search(rest))


def english_left_on(client: Client, path: str, language: str) -> list[str]:
    english = set(visible_texts(client.get(f"/en{path}").content.decode(), "en"))
    response = client.get(f"/{language}{path}")
    assert response.status_code == 200, (language, path, response.status_code)
    texts = visible_texts(response.content.decode(), language)
    return sorted({text for text in texts if text in english and english_left(text, language)})


@pytest.fixture
def pages(demo, django_user_model):
    """(account or None, path without the language) for every public page and every form of the demo."""
    from registrations.models import DelegationRegistration, Dialogue, SpeakersList
    from registrations.services import dialogue as dialogue_services
    from sessions.models import ThematicSession

    session = ThematicSession.objects.get(slug="gcm-its-6")
    delegate = django_user_model.objects.get(email="delegate.mex@example.org")
    stakeholder = django_user_model.objects.get(email="stakeholder@example.org")
    newcomer = django_user_model.objects.create_user("newcomer@example.org", "newcomer@example.org", "pw")
    registration = DelegationRegistration.objects.create(session=session, mission=delegate.profile.mission)
    speakers_list = SpeakersList.objects.filter(item__session=session).first()
    dialogue = Dialogue.objects.get(session=session)
    # The dialogue drawn and published: its page shows the list and the draw's rule.
    secretariat = django_user_model.objects.get(email="secretariat@example.org")
    dialogue_services.dialogue_draw(
        dialogue=dialogue, by=secretariat, seed="demo", now=dialogue.applications_close_at + timedelta(hours=1)
    )
    dialogue_services.dialogue_publish(dialogue=dialogue, by=secretariat)
    return [
        (None, "/"),
        (None, f"/sessions/{session.slug}/"),
        (None, f"/sessions/{session.slug}/speakers/"),
        (None, f"/sessions/{session.slug}/dialogue/"),
        (None, "/privacy/"),
        (None, "/accessibility/"),
        (None, "/accounts/login/"),
        (None, "/accounts/signup/"),
        (delegate, "/delegation/"),
        (delegate, f"/delegation/registrations/{registration.pk}/"),
        (delegate, f"/delegation/registrations/{registration.pk}/edit/"),
        (delegate, f"/delegation/speakers/{speakers_list.pk}/inscribe/"),
        (delegate, "/stakeholders/non-objection/"),
        (stakeholder, "/stakeholders/"),
        (stakeholder, f"/stakeholders/dialogues/{dialogue.pk}/apply/"),
        (newcomer, "/stakeholders/organization/register/"),
        (newcomer, "/stakeholders/represent/"),
        (newcomer, "/delegation/focal-point/"),
        (newcomer, "/delegation/"),
        (newcomer, "/stakeholders/"),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_left_on_pages_in_another_language(language, pages):
    found = {}
    for user, path in pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        left = english_left_on(client, path, language)
        if left:
            found[path] = left
    assert found == {}, "\n".join(f"{path}: {texts}" for path, texts in found.items())


def test_arabic_pages_keep_latin_fragments_and_full_stops_in_place(pages, client):
    """Latin fragments in an Arabic sentence are isolated left to right: "(.ics)" does not read "(ics.)", the draw
    rule's full stop stays at the end of its sentence, slot times do not swap."""
    session_page = client.get("/ar/sessions/gcm-its-6/").content.decode()
    assert "(\u2066.ics\u2069)" in session_page
    dialogue_page = client.get("/ar/sessions/gcm-its-6/dialogue/").content.decode()
    generator = '<bdi dir="ltr" translate="no"><code>random.Random(seed)</code>, Python 3</bdi>'
    assert f"ويستخدم الخلط {generator}، مع أخذ مقدّمي الطلبات بترتيب ورودهم.</p>" in dialogue_page
    assert re.search(r'class="slot-time"><bdi dir="ltr">09:05–09:08</bdi>', dialogue_page)
