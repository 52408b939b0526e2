from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from invitations.models import Letter
from invitations.placeholders import clock_time, date_range, fill, session_values, unknown_placeholders


def test_unknown_placeholders_are_found_by_name():
    text = "{{ mission_name }} {{settings.SECRET_KEY}} {{ head_name }} {{ }} {{ letter.__class__ }}"
    assert unknown_placeholders(text) == ["", "letter.__class__", "settings.SECRET_KEY"]


def test_fill_escapes_values_for_html_and_leaves_unknown_names_visible():
    values = {"mission_name": "<script>alert(1)</script> & Co"}
    assert fill("<p>{{ mission_name }} {{ other }}</p>", values, html=True) == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co {{ other }}</p>"
    )
    assert fill("{{mission_name}}", values, html=False) == "<script>alert(1)</script> & Co"


@pytest.mark.parametrize(
    ("start", "end", "language", "expected"),
    [
        (date(2017, 10, 12), date(2017, 10, 13), "en", "12-13 October 2017"),
        (date(2017, 10, 12), date(2017, 10, 13), "fr", "12 et 13 octobre 2017"),
        (date(2017, 10, 12), date(2017, 10, 14), "fr", "12-14 octobre 2017"),
        (date(2017, 9, 30), date(2017, 10, 1), "en", "30 September 2017 – 1 October 2017"),
        (date(2017, 10, 12), date(2017, 10, 12), "en", "12 October 2017"),
        (date(2017, 10, 12), date(2017, 10, 13), "zh-hans", "2017年10月12日至13日"),
        (date(2017, 10, 12), date(2017, 10, 13), "ru", "12 и 13 октября 2017 г."),
        (date(2017, 10, 12), date(2017, 10, 14), "ru", "12–14 октября 2017 г."),
    ],
)
def test_date_ranges_read_as_letters_write_them(start, end, language, expected):
    assert date_range(start, end, language=language) == expected


def test_clock_times_in_english_and_french():
    assert [clock_time(time(9, 0), language="en"), clock_time(time(15, 30), language="en")] == ["9:00 am", "3:30 pm"]
    assert clock_time(time(9, 50), language="fr") == "9 h 50"


@pytest.mark.django_db
def test_session_values_of_the_sixth_session(demo_session):
    assert session_values(demo_session, language="en") == {
        "dialogue_date": "13 October 2017",
        "dialogue_start": "9:00 am",
        "dialogue_end": "9:50 am",
        "session_title": demo_session.title,
        "session_number": "6",
        "session_ordinal": "sixth",
        "session_dates": "12-13 October 2017",
        "venue_room": "Conference Room XIX",
        "venue_building": "Palais des Nations",
        "venue_city": "Geneva",
        "venue_utc_offset": "UTC+2",
        "process_name": "Global compact for safe, orderly and regular migration",
        "mandate": "A/RES/71/280",
        "website": "https://refugeesmigrants.un.org/migration-compact",
    }
    assert session_values(demo_session, language="fr")["session_ordinal"] == "sixième"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "room"),
    [
        ("fr", "Salle de conférence XIX"),
        ("es", "Sala de conferencias XIX"),
        ("ar", "قاعة الاجتماعات التاسعة عشرة"),
        ("zh-hans", "第十九会议室"),
        ("ru", "Зал заседаний XIX"),
    ],
)
def test_a_letter_names_the_room_in_its_language_and_in_english_where_it_has_no_name(demo_session, language, room):
    assert session_values(demo_session, language=language)["venue_room"] == room
    demo_session.venue.translations = {}
    assert session_values(demo_session, language=language)["venue_room"] == "Conference Room XIX"


@pytest.mark.django_db
def test_session_values_in_french_and_spanish_use_the_sessions_translations(demo_session):
    french = session_values(demo_session, language="fr")
    spanish = session_values(demo_session, language="es")
    assert french["session_title"] == demo_session.translations["fr"]["title"]
    assert (french["session_dates"], french["venue_city"], french["dialogue_date"]) == (
        "12 et 13 octobre 2017",
        "Genève",
        "13 octobre 2017",
    )
    assert spanish["session_title"] == demo_session.translations["es"]["title"]
    assert (spanish["session_ordinal"], spanish["session_dates"], spanish["venue_city"], spanish["dialogue_date"]) == (
        "sexta",
        "12 y 13 de octubre de 2017",
        "Ginebra",
        "13 de octubre de 2017",
    )


@pytest.mark.django_db
def test_a_letter_with_an_unknown_placeholder_is_refused_when_saved(demo_session):
    letter = Letter(
        session=demo_session,
        place_date="New York, {{ today }}",
        subject="Invitation",
        body="Dear {{ mission_name }}, see {{ settings.SECRET_KEY }} and {{ head_nmae }}.",
    )
    with pytest.raises(ValidationError) as error:
        letter.full_clean()
    assert error.value.message_dict == {
        "place_date": ["Unknown placeholder: today. Use one of the placeholders listed under the body."],
        "body": [
            "Unknown placeholders: head_nmae, settings.SECRET_KEY. Use one of the placeholders listed under the body."
        ],
    }
