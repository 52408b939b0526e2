from datetime import date, time

from sessions.models import AgendaItem, ThematicSession
from sessions.services import agenda_clashes, days_outside_session


def item(title, start, end, *, day=date(2030, 5, 6), room=""):
    return AgendaItem(title=title, day=day, start_time=time(*start), end_time=time(*end), room=room)


def test_overlapping_items_in_the_same_room_are_named():
    items = [item("Panel 1", (10, 0), (13, 0)), item("Panel 2", (12, 30), (14, 0)), item("Lunch", (13, 0), (15, 0))]
    assert agenda_clashes(items, default_room="Room XIX") == [
        "“Panel 1” (10:00–13:00) and “Panel 2” (12:30–14:00) overlap on 06 May 2030 in Room XIX.",
        "“Panel 2” (12:30–14:00) and “Lunch” (13:00–15:00) overlap on 06 May 2030 in Room XIX.",
    ]


def test_items_that_touch_or_are_in_other_rooms_or_days_do_not_clash():
    items = [
        item("Panel 1", (10, 0), (13, 0)),
        item("Lunch", (13, 0), (15, 0)),
        item("Side event", (13, 15), (14, 30), room="Room XXVII"),
        item("Panel 3", (10, 0), (13, 0), day=date(2030, 5, 7)),
    ]
    assert agenda_clashes(items, default_room="Room XIX") == []


def test_a_named_room_equal_to_the_venue_room_counts_as_the_same_room():
    items = [item("A", (10, 0), (11, 0)), item("B", (10, 30), (11, 30), room="room xix")]
    assert len(agenda_clashes(items, default_room="Room XIX")) == 1


def test_involving_reports_only_the_pairs_with_that_item():
    old_a, old_b, new = item("A", (10, 0), (11, 0)), item("B", (10, 30), (11, 30)), item("New", (15, 0), (16, 0))
    assert agenda_clashes([new, old_a, old_b], default_room="R", involving=new) == []


def test_days_outside_the_session_are_named():
    session = ThematicSession(start_date=date(2030, 5, 6), end_date=date(2030, 5, 7))
    items = [item("Inside", (10, 0), (11, 0)), item("Late", (10, 0), (11, 0), day=date(2030, 5, 8))]
    assert days_outside_session(items, session=session) == [
        "“Late” is on 08 May 2030, outside the session's dates (06 May 2030 to 07 May 2030)."
    ]
