import icalendar
import pytest
from django.urls import reverse

from sessions.models import ThematicSession
from tests.ics import rfc5545_problems

pytestmark = pytest.mark.django_db


def test_public_list_shows_published_and_closed_sessions_but_not_drafts(client, make_session):
    make_session(title="Open for all", status=ThematicSession.Status.PUBLISHED)
    make_session(title="Already held", status=ThematicSession.Status.CLOSED)
    make_session(title="Secret draft", status=ThematicSession.Status.DRAFT)
    page = client.get(reverse("sessions:list")).content.decode()
    assert "Open for all" in page
    assert "Already held" in page
    assert "Secret draft" not in page


def test_draft_session_page_and_calendar_are_404_for_the_public(client, make_session):
    draft = make_session(status=ThematicSession.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("sessions:calendar", kwargs={"slug": draft.slug})).status_code == 404


def test_sixth_session_page_shows_venue_dates_timezone_and_agenda(client, demo_session):
    response = client.get(demo_session.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    for expected in [
        "Irregular migration and regular pathways, including decent work",
        "Conference Room XIX, Palais des Nations, Geneva",
        "12 October 2017",
        "13 October 2017",
        "Geneva time (Europe/Zurich, UTC+02:00)",
        "Informal dialogue with stakeholders",
        "Juan José Gómez-Camacho",
        "Jürg Lauber",
        "Michael Clemens",
    ]:
        assert expected in page, expected
    days = [day for day, _ in response.context["agenda"]]
    assert [d.isoformat() for d in days] == ["2017-10-12", "2017-10-13"]
    first_day_times = [f"{i.start_time:%H:%M}-{i.end_time:%H:%M}" for i in response.context["agenda"][0][1]]
    assert first_day_times == ["10:00-10:15", "10:15-13:00", "13:00-15:00", "15:00-18:00"]


def test_calendar_has_the_session_and_each_item_in_venue_time(client, demo_session):
    response = client.get(reverse("sessions:calendar", kwargs={"slug": demo_session.slug}))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert rfc5545_problems(response.content) == []
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1 + demo_session.agenda_items.count()
    dialogue = next(e for e in events if str(e["summary"]) == "Informal dialogue with stakeholders")
    start = dialogue.decoded("dtstart")
    assert (start.isoformat(), str(start.tzinfo)) == ("2017-10-13T09:00:00+02:00", "Europe/Zurich")
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Zurich"
    tentative = [str(e["summary"]) for e in events if e.get("status") == "TENTATIVE"]
    assert len(tentative) == 2


@pytest.mark.parametrize("url_name", ["sessions:detail", "sessions:calendar"])
def test_session_page_queries_do_not_grow_with_agenda_items(client, make_session, make_items, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 50):
        session = make_session()
        make_items(session, size)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name, kwargs={"slug": session.slug})).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_session_list_queries_do_not_grow_with_sessions(client, make_session):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_session()
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("sessions:list"))
    for _ in range(49):
        make_session()
    with CaptureQueriesContext(connection) as fifty:
        page = client.get(reverse("sessions:list")).content.decode()
    assert page.count('class="session-number"') == 50
    assert len(one) == len(fifty)
