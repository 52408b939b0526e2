"""Session content in the official languages: entered by the secretariat, shown in the page's language, English
where a translation is missing; dates in the language's conventions."""

import pytest
from django.urls import reverse
from django.utils import translation

from sessions.models import AgendaItem, ThematicSession
from tests.sessions.conftest import session_change_data

pytestmark = pytest.mark.django_db


def _url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def test_localized_gives_the_translation_or_falls_back_to_english(make_session):
    session = make_session(title="Regular pathways", translations={"fr": {"title": "Voies régulières"}})
    assert session.localized("title", "fr") == "Voies régulières"
    assert session.localized("title", "es") == "Regular pathways"
    assert session.localized("title", "en") == "Regular pathways"
    with translation.override("fr"):
        assert session.local_title == "Voies régulières"
    with translation.override("ar"):
        assert session.local_title == "Regular pathways"


def test_empty_translation_falls_back_to_english(make_session):
    session = make_session(title="Regular pathways", translations={"ru": {"title": ""}})
    assert session.localized("title", "ru") == "Regular pathways"


def test_sixth_session_page_in_french_shows_french_titles_and_french_dates(client, demo_session):
    page = client.get(_url("sessions:detail", "fr", slug=demo_session.slug)).content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert '<h1 dir="auto">Migration irrégulière et voies de migration régulière, y compris le travail décent' in page
    assert "Séance d’ouverture" in page
    assert "Dialogue informel avec les parties prenantes" in page
    assert "jeudi 12 octobre 2017" in page
    assert '12 octobre 2017</time> – <time datetime="2017-10-13">13 octobre 2017</time>' in page
    assert "Informal thematic session" not in page
    assert "Session thématique informelle 6" in page


def test_session_page_falls_back_to_english_titles_in_a_language_without_translations(client, demo_session):
    # The demo gives the sixth session a title in each language: without its Russian one, the page says the English.
    del demo_session.translations["ru"]
    demo_session.save()
    page = client.get(_url("sessions:detail", "ru", slug=demo_session.slug)).content.decode()
    assert '<html lang="ru" dir="ltr">' in page
    assert "Irregular migration and regular pathways, including decent work" in page
    assert "12 октября 2017 г." in page


@pytest.mark.parametrize(
    ("language", "process_name"),
    [
        ("ar", "الاتفاق العالمي من أجل الهجرة الآمنة والمنظمة والنظامية"),
        ("zh-hans", "安全、有序和正常移民全球契约"),
        ("fr", "Pacte mondial pour des migrations sûres, ordonnées et régulières"),
        ("ru", "Глобальный договор о безопасной, упорядоченной и легальной миграции"),
        ("es", "Pacto Mundial para la Migración Segura, Ordenada y Regular"),
    ],
)
def test_session_page_names_the_process_by_its_official_name_in_each_language(
    client, demo_session, language, process_name
):
    # The process's name was English on the Arabic, Chinese, Russian and Spanish pages (French only had one).
    page = client.get(_url("sessions:detail", language, slug=demo_session.slug)).content.decode()
    assert process_name in page
    assert "Global compact for safe, orderly and regular migration" not in page


@pytest.mark.parametrize(
    ("language", "day_heading", "direction"),
    [
        ("en", "Thursday 12 October 2017", "ltr"),
        ("fr", "jeudi 12 octobre 2017", "ltr"),
        ("es", "jueves 12 de octubre de 2017", "ltr"),
        ("ru", "12 октября 2017 г.", "ltr"),
        ("zh-hans", "2017年10月12日 星期四", "ltr"),
        ("ar", "الخميس 12 أكتوبر 2017", "rtl"),
    ],
)
def test_session_page_in_each_language_has_its_direction_and_date_format(
    client, demo_session, language, day_heading, direction
):
    response = client.get(_url("sessions:detail", language, slug=demo_session.slug))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert day_heading in page


def test_admin_stores_titles_in_other_languages(client, admin_user, make_session):
    session = make_session()
    client.force_login(admin_user)
    url = reverse("admin:consultations_thematicsession_change", args=[session.pk])
    form = client.get(url).content.decode()
    assert 'name="title_fr"' in form
    assert 'name="title_zh_hans"' in form
    data = session_change_data(session, title_fr="Séance d’essai", title_ar="جلسة تجريبية", title_es="  ")
    assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert session.translations == {"ar": {"title": "جلسة تجريبية"}, "fr": {"title": "Séance d’essai"}}
    assert 'value="Séance d’essai"' in client.get(url).content.decode()


def test_admin_stores_agenda_item_titles_and_descriptions_in_other_languages(client, admin_user, demo_session):
    client.force_login(admin_user)
    item = demo_session.agenda_items.get(title="Lunch break and side events")
    data = {
        "session": demo_session.pk,
        "day": "2017-10-12",
        "start_time": "13:00",
        "end_time": "15:00",
        "kind": "break",
        "title": item.title,
        "description": item.description,
        "title_ru": "Обеденный перерыв и параллельные мероприятия",
        "description_ru": "Параллельные мероприятия объявляются с указанием зала и времени.",
        "roles-TOTAL_FORMS": 0,
        "roles-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:consultations_agendaitem_change", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.translations == {
        "ru": {
            "title": "Обеденный перерыв и параллельные мероприятия",
            "description": "Параллельные мероприятия объявляются с указанием зала и времени.",
        }
    }


def test_demo_gives_the_sixth_session_and_each_of_its_items_a_french_title(demo_session):
    assert demo_session.translations["fr"]["title"].startswith("Migration irrégulière")
    items = AgendaItem.objects.filter(session=demo_session)
    assert all(item.translations["fr"]["title"] and item.translations["fr"]["description"] for item in items)
    assert ThematicSession.objects.exclude(pk=demo_session.pk).filter(translations={}).count() == 5


SIXTH_SESSION_TITLES = {
    "ar": "الهجرة غير النظامية ومسارات الهجرة النظامية، بما في ذلك العمل اللائق وتنقل اليد العاملة",
    "zh-hans": "非正常移民和正常移民途径，包括体面工作、劳动力流动",
    "en": "Irregular migration and regular pathways, including decent work, labour mobility",
    "fr": "Migration irrégulière et voies de migration régulière, y compris le travail décent",
    "ru": "Нерегулярная миграция и легальные пути миграции, включая достойный труд, мобильность рабочей силы",
    "es": "Migración irregular y vías de migración regular, incluidos el trabajo decente, la movilidad laboral",
}


@pytest.mark.parametrize("language", sorted(SIXTH_SESSION_TITLES))
def test_the_demo_session_page_carries_its_title_in_each_language(client, demo_session, language):
    page = client.get(_url("sessions:detail", language, slug=demo_session.slug)).content.decode()
    assert SIXTH_SESSION_TITLES[language] in page
    others = [title for other, title in SIXTH_SESSION_TITLES.items() if other != language]
    assert [title for title in others if title in page] == []


ROOM_XIX = {
    "ar": "قاعة الاجتماعات التاسعة عشرة",
    "zh-hans": "第十九会议室",
    "fr": "Salle de conférence XIX",
    "ru": "Зал заседаний XIX",
    "es": "Sala de conferencias XIX",
}


@pytest.mark.parametrize(("language", "room"), ROOM_XIX.items())
def test_the_session_page_names_the_room_in_its_language(client, demo_session, language, room):
    page = client.get(_url("sessions:detail", language, slug=demo_session.slug)).content.decode()
    assert f"{room}, " in page
    assert "Conference Room XIX" not in page


def test_a_room_without_a_name_in_the_language_is_english_marked_as_such(client, demo_session):
    venue = demo_session.venue
    del venue.translations["ru"]
    venue.save()
    page = client.get(_url("sessions:detail", "ru", slug=demo_session.slug)).content.decode()
    assert '<span lang="en">Conference Room XIX</span>, ' in page
    with translation.override("ru"):
        assert venue.local_name == "Conference Room XIX, Palais des Nations, Женева"
    with translation.override("fr"):
        assert venue.local_name == "Salle de conférence XIX, Palais des Nations, Genève"


def test_an_agenda_item_in_the_sessions_room_is_in_the_rooms_language_and_its_own_room_as_entered(demo_session):
    item = demo_session.agenda_items.first()
    with translation.override("es"):
        assert item.room_name == "Sala de conferencias XIX"
        item.room = "Room XXVII"
        assert item.room_name == "Room XXVII"


def test_the_secretariat_names_a_room_in_other_languages_in_the_admin(client, secretariat_user, demo_session):
    venue = demo_session.venue
    client.force_login(secretariat_user)
    url = reverse("admin:consultations_venue_change", args=[venue.pk])
    form = client.get(url).content.decode()
    assert 'name="room_fr"' in form and 'name="room_zh_hans"' in form and 'name="translations"' not in form
    data = {
        "duty_station": venue.duty_station,
        "building": venue.building,
        "room": venue.room,
        "capacity": "",
        "timezone": venue.timezone,
        **{f"room_{code.replace('-', '_')}": name for code, name in ROOM_XIX.items()},
        "room_fr": "Salle XIX",
        "room_ru": " ",
    }
    assert client.post(url, data).status_code == 302
    venue.refresh_from_db()
    assert venue.translations["fr"] == {"room": "Salle XIX"}
    assert "ru" not in venue.translations
