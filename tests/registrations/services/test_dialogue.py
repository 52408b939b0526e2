"""The informal dialogue's slots: applications, the waiting list and promotion, the secretariat's decisions, the
draw (seed, determinism, balance), publication, the slot's calendar file and the pages."""

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from registrations import draw, participation
from registrations.models import ApplicationEvent, Dialogue, RegionalGroup, SlotApplication, State
from registrations.services import dialogue as dialogue_services
from sessions.models import AgendaItem, ThematicSession, Venue
from tests.ics import rfc5545_problems

GENEVA = ZoneInfo("Europe/Zurich")


def statuses(dialogue):
    return [
        (a.organization.name, a.status, a.position)
        for a in SlotApplication.objects.filter(dialogue=dialogue).select_related("organization").order_by("sequence")
    ]


# --- Slots --------------------------------------------------------------------------------------------------------


def test_slots_follow_from_the_window_the_chair_and_the_minutes_per_statement(make_dialogue):
    dialogue = make_dialogue(start="09:00", end="09:50", chair_minutes=5, minutes=3)
    assert (dialogue.window_minutes, dialogue.slot_count) == (50, 15)
    start, end = dialogue.slot_times(1)
    assert (start, end) == (
        datetime(2030, 5, 7, 9, 5, tzinfo=GENEVA),
        datetime(2030, 5, 7, 9, 8, tzinfo=GENEVA),
    )
    assert dialogue.slot_times(15)[1] == datetime(2030, 5, 7, 9, 50, tzinfo=GENEVA)
    dialogue.minutes_per_statement = 5
    assert dialogue.slot_count == 9


def test_a_window_without_room_for_a_slot_is_refused(make_dialogue):
    dialogue = make_dialogue(start="09:00", end="09:10", chair_minutes=5, minutes=3)
    dialogue.chair_minutes = 9
    with pytest.raises(ValidationError, match="no slot"):
        dialogue.full_clean()


# --- First come, first served ------------------------------------------------------------------------------------


def test_first_come_first_served_confirms_while_slots_are_free_then_waitlists(
    make_dialogue, make_organization, apply_for
):
    dialogue = make_dialogue(start="09:00", end="09:11", chair_minutes=5)  # 2 slots
    organizations = [make_organization(name=f"Org {n}") for n in range(4)]
    for organization in organizations:
        apply_for(dialogue, organization)
    assert statuses(dialogue) == [
        ("Org 0", "confirmed", 1),
        ("Org 1", "confirmed", 2),
        ("Org 2", "waitlisted", 1),
        ("Org 3", "waitlisted", 2),
    ]


def test_one_application_per_organization(make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue()
    organization = make_organization()
    apply_for(dialogue, organization)
    with pytest.raises(ValidationError, match="has already applied"):
        apply_for(dialogue, organization)
    assert SlotApplication.objects.count() == 1


def test_only_accredited_organizations_apply(make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue()
    with pytest.raises(ValidationError, match="not accredited"):
        apply_for(dialogue, make_organization(accredited=False))


def test_only_the_organizations_focal_point_applies(make_dialogue, make_organization):
    dialogue = make_dialogue()
    organization, other = make_organization(), make_organization()
    with pytest.raises(PermissionDenied):
        dialogue_services.application_submit(
            dialogue=dialogue,
            organization=organization,
            by=other.focal_point,
            speaker_name="X",
            speaker_function="Y",
            summary="Z",
        )


def test_applications_are_taken_only_within_the_application_window(make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue()
    organization = make_organization()
    with pytest.raises(ValidationError, match="Applications closed"):
        dialogue_services.application_submit(
            dialogue=dialogue,
            organization=organization,
            by=organization.focal_point,
            speaker_name="X",
            speaker_function="Y",
            summary="Z",
            now=timezone.now() + timedelta(days=8),
        )
    Dialogue.objects.filter(pk=dialogue.pk).update(applications_open_at=timezone.now() + timedelta(hours=1))
    dialogue.refresh_from_db()
    with pytest.raises(ValidationError, match="Applications open on"):
        apply_for(dialogue, organization)


def test_applications_are_taken_only_while_the_session_is_published(make_dialogue, make_organization, apply_for):
    """The window is open, but the session was closed (or taken back to draft): the service refuses, as the public
    pages' way in says (one rule, Dialogue.applications_window)."""
    dialogue = make_dialogue()
    organization = make_organization()
    ThematicSession.objects.filter(pk=dialogue.session_id).update(status=ThematicSession.Status.CLOSED)
    dialogue.refresh_from_db()
    with pytest.raises(ValidationError, match="Applications are taken only for published sessions"):
        apply_for(dialogue, organization)
    assert not dialogue.applications.exists()
    way = participation.dialogue_way_in(dialogue, now=timezone.now())
    assert (way.state, way.status, way.url) == ("closed", "Applications are taken only for published sessions.", "")


def test_the_window_and_the_sessions_status_are_those_of_the_locked_row_not_of_the_callers_copy(
    make_dialogue, make_organization, apply_for
):
    """The arrival counter, the window and the session's status are read in the statement that locks the dialogue:
    a dialogue read before a change (the page's copy) is refused, and leaves the counter as it was."""
    dialogue = make_dialogue()
    organization = make_organization()
    ThematicSession.objects.filter(pk=dialogue.session_id).update(status=ThematicSession.Status.CLOSED)
    with pytest.raises(ValidationError, match="Applications are taken only for published sessions"):
        apply_for(dialogue, organization)
    ThematicSession.objects.filter(pk=dialogue.session_id).update(status=ThematicSession.Status.PUBLISHED)
    Dialogue.objects.filter(pk=dialogue.pk).update(applications_close_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="Applications closed"):
        apply_for(dialogue, organization)
    Dialogue.objects.filter(pk=dialogue.pk).update(applications_close_at=timezone.now() + timedelta(days=1))
    assert (apply_for(dialogue, organization).sequence, dialogue.session.status) == (1, "published")
    assert Dialogue.objects.get(pk=dialogue.pk).next_sequence == 1


def test_the_slots_and_their_times_are_those_of_the_item_and_venue_at_the_lock_not_of_the_callers_copy(
    make_dialogue, make_organization, apply_for
):
    """The item's times (how many slots) and the venue's time zone (the slot's times) are read in the statement that
    locks the dialogue, as the join did: a caller's copy read before a change does not count old slots."""
    dialogue = make_dialogue()  # first come: 09:00-09:50, 5 minutes for the chair, 3 per statement: 15 slots
    AgendaItem.objects.filter(pk=dialogue.item_id).update(end_time=time(9, 11))  # 2 slots
    Venue.objects.filter(pk=dialogue.session.venue_id).update(timezone="America/New_York")
    applications = [apply_for(dialogue, make_organization()) for _ in range(3)]
    assert [a.status for a in applications] == ["confirmed", "confirmed", "waitlisted"]
    start, _end = applications[0].slot_times()
    assert (str(start.tzinfo), f"{start:%H:%M}") == ("America/New_York", "09:05")
    assert (dialogue.item.end_time, dialogue.session.venue.timezone) == (time(9, 50), "Europe/Zurich")


def test_the_dialogues_listed_as_taking_applications_are_those_the_rule_says_are_open(make_dialogue, make_session):
    """Dialogue.objects.taking_applications (lists) and Dialogue.applications_window (the service, the pages) agree
    on every case: open, not yet open, past the deadline, drawn, session closed or back to draft."""
    now = timezone.now()
    dialogues = {name: make_dialogue() for name in ("open", "upcoming", "past", "drawn", "closed", "draft")}
    Dialogue.objects.filter(pk=dialogues["upcoming"].pk).update(applications_open_at=now + timedelta(hours=1))
    Dialogue.objects.filter(pk=dialogues["past"].pk).update(applications_close_at=now)
    Dialogue.objects.filter(pk=dialogues["drawn"].pk).update(drawn_at=now)
    for name in ("closed", "draft"):
        ThematicSession.objects.filter(pk=dialogues[name].session_id).update(status=name)
    listed = set(Dialogue.objects.taking_applications(now).values_list("pk", flat=True))
    ruled = {d.pk for d in Dialogue.objects.select_related("session") if d.applications_window(now=now)[0] == "open"}
    assert (listed, ruled) == ({dialogues["open"].pk}, {dialogues["open"].pk})


def test_the_theme_must_be_a_panel_of_the_session(make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue()
    with pytest.raises(ValidationError):
        apply_for(dialogue, make_organization(), theme=dialogue.item)


# --- Withdrawal and promotion --------------------------------------------------------------------------------------


def test_withdrawal_gives_the_slot_and_its_time_to_the_first_on_the_waiting_list_who_is_told(
    make_dialogue, make_organization, apply_for, django_capture_on_commit_callbacks, mailoutbox
):
    dialogue = make_dialogue(start="09:00", end="09:11", chair_minutes=5)  # 2 slots
    first, second, third, fourth = (make_organization(name=f"Org {n}") for n in range(4))
    with django_capture_on_commit_callbacks(execute=True):
        applications = [
            apply_for(dialogue, o, speaker_email=f"speaker{n}@example.org")
            for n, o in enumerate((first, second, third, fourth))
        ]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        dialogue_services.application_withdraw(application=applications[0], by=first.focal_point)

    assert statuses(dialogue) == [
        ("Org 0", "withdrawn", None),
        ("Org 1", "confirmed", 2),
        ("Org 2", "confirmed", 1),  # takes the freed place: the others' times do not move
        ("Org 3", "waitlisted", 1),
    ]
    by_subject = {m.subject: m for m in mailoutbox}
    assert sorted(by_subject) == [
        f"{dialogue.session.code} informal dialogue, Org 0: Withdrawn",
        f"{dialogue.session.code} informal dialogue, Org 2: Confirmed",
    ]
    promoted = by_subject[f"{dialogue.session.code} informal dialogue, Org 2: Confirmed"]
    assert sorted(promoted.to) == sorted([third.email, third.focal_point.email, "speaker2@example.org"])
    assert "A slot has become free and goes to Org 2, first on the waiting list." in promoted.body
    assert "confirmed as speaker no. 1, from 09:05 to 09:08" in promoted.body
    ((name, content, mimetype),) = promoted.attachments
    assert (name, mimetype) == (f"{dialogue.session.code}-dialogue-slot-1.ics", "text/calendar")
    assert rfc5545_problems(content) == []
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2030, 5, 7, 9, 5, tzinfo=GENEVA)


def test_withdrawal_of_a_waitlisted_application_closes_the_gap(make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue(start="09:00", end="09:08", chair_minutes=5)  # 1 slot
    organizations = [make_organization(name=f"Org {n}") for n in range(4)]
    applications = [apply_for(dialogue, o) for o in organizations]
    dialogue_services.application_withdraw(application=applications[1], by=organizations[1].focal_point)
    assert statuses(dialogue) == [
        ("Org 0", "confirmed", 1),
        ("Org 1", "withdrawn", None),
        ("Org 2", "waitlisted", 1),
        ("Org 3", "waitlisted", 2),
    ]


def test_withdrawal_without_a_waiting_list_closes_up_the_speaking_order(make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue()
    organizations = [make_organization(name=f"Org {n}") for n in range(3)]
    applications = [apply_for(dialogue, o) for o in organizations]
    dialogue_services.application_withdraw(application=applications[0], by=organizations[0].focal_point)
    assert statuses(dialogue) == [("Org 0", "withdrawn", None), ("Org 1", "confirmed", 1), ("Org 2", "confirmed", 2)]


def test_another_organization_cannot_withdraw_an_application(make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue()
    organization, other = make_organization(), make_organization()
    application = apply_for(dialogue, organization)
    with pytest.raises(PermissionDenied):
        dialogue_services.application_withdraw(application=application, by=other.focal_point)


# --- The secretariat --------------------------------------------------------------------------------------------------


def test_secretariat_declines_a_confirmed_speaker_and_the_first_waiting_moves_up(
    make_dialogue, make_organization, apply_for, secretariat_user
):
    dialogue = make_dialogue(start="09:00", end="09:11", chair_minutes=5)
    applications = [apply_for(dialogue, make_organization(name=f"Org {n}")) for n in range(3)]
    dialogue_services.application_decline(application=applications[1], by=secretariat_user, reason="Off topic.")
    assert statuses(dialogue) == [("Org 0", "confirmed", 1), ("Org 1", "declined", None), ("Org 2", "confirmed", 2)]
    events = ApplicationEvent.objects.filter(application=applications[1]).values_list("to_status", "reason")
    assert list(events) == [("confirmed", ""), ("declined", "Off topic.")]


def test_secretariat_confirms_only_while_a_slot_is_free(make_dialogue, make_organization, apply_for, secretariat_user):
    dialogue = make_dialogue(start="09:00", end="09:11", chair_minutes=5)
    applications = [apply_for(dialogue, make_organization(name=f"Org {n}")) for n in range(3)]
    with pytest.raises(ValidationError, match="All 2 slots are taken"):
        dialogue_services.application_confirm(application=applications[2], by=secretariat_user)
    dialogue_services.application_waitlist(application=applications[0], by=secretariat_user)
    assert statuses(dialogue) == [("Org 0", "waitlisted", 2), ("Org 1", "confirmed", 1), ("Org 2", "waitlisted", 1)]
    dialogue_services.application_confirm(application=applications[2], by=secretariat_user)
    assert statuses(dialogue) == [("Org 0", "waitlisted", 1), ("Org 1", "confirmed", 1), ("Org 2", "confirmed", 2)]


def test_secretariat_reorders_the_speakers(make_dialogue, make_organization, apply_for, secretariat_user):
    dialogue = make_dialogue()
    applications = [apply_for(dialogue, make_organization(name=f"Org {n}")) for n in range(3)]
    dialogue_services.application_move(application=applications[2], to_position=1, by=secretariat_user)
    assert statuses(dialogue) == [("Org 0", "confirmed", 2), ("Org 1", "confirmed", 3), ("Org 2", "confirmed", 1)]


def test_organizations_cannot_take_the_secretariats_decisions(make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue()
    organization = make_organization()
    application = apply_for(dialogue, organization)
    for service in (dialogue_services.application_confirm, dialogue_services.application_waitlist):
        with pytest.raises(PermissionDenied):
            service(application=application, by=organization.focal_point)
    with pytest.raises(PermissionDenied):
        dialogue_services.dialogue_publish(dialogue=dialogue, by=organization.focal_point)


# --- The draw -----------------------------------------------------------------------------------------------------


@pytest.fixture
def regions(db):
    """Five regional groups with one State each."""
    made = {}
    for code, iso3, iso2 in [
        ("AFR", "KEN", "KE"),
        ("APG", "PHL", "PH"),
        ("EEG", "POL", "PL"),
        ("GRULAC", "MEX", "MX"),
        ("WEOG", "CHE", "CH"),
    ]:
        group = RegionalGroup.objects.create(code=code.lower(), name=code, short_name=code)
        made[code] = State.objects.create(
            iso3=iso3, iso2=iso2, name_en=iso3, name_fr=iso3, membership="member", regional_group=group
        )
    return made


def drawn_dialogue(make_dialogue, make_organization, apply_for, regions, *, seed, by):
    """A draw among 20 applicants: 12 from WEOG (of three kinds), 2 from each other region; 10 slots."""
    dialogue = make_dialogue(start="09:00", end="09:35", chair_minutes=5, allocation="draw")
    plan = [("WEOG", ("ngo", "academia", "private_sector")[n % 3]) for n in range(12)]
    plan += [(code, kind) for code in ("AFR", "APG", "EEG", "GRULAC") for kind in ("ngo", "trade_union")]
    for n, (code, kind) in enumerate(plan):
        apply_for(
            dialogue,
            make_organization(name=f"{dialogue.session.code} {code} {kind} {n}", kind=kind, country=regions[code]),
        )
    dialogue_services.dialogue_draw(dialogue=dialogue, by=by, seed=seed)
    dialogue.refresh_from_db()
    return dialogue


def test_applications_await_the_draw_and_the_draw_records_its_seed(
    make_dialogue, make_organization, apply_for, regions, secretariat_user
):
    dialogue = make_dialogue(allocation="draw")
    application = apply_for(dialogue, make_organization())
    assert (application.status, application.position) == ("pending", None)
    with pytest.raises(ValidationError, match="Make the draw"):
        dialogue_services.dialogue_publish(dialogue=dialogue, by=secretariat_user)

    dialogue_services.dialogue_draw(dialogue=dialogue, by=secretariat_user, seed="")
    dialogue.refresh_from_db()
    assert len(dialogue.draw_seed) == 18 and dialogue.drawn_by == secretariat_user
    assert dialogue.applications_close_at <= timezone.now()  # the draw closed applications
    with pytest.raises(ValidationError, match="The draw was made"):
        dialogue_services.dialogue_draw(dialogue=dialogue, by=secretariat_user)


def test_the_draw_confirms_as_many_as_there_are_slots_and_waitlists_the_others_in_the_drawn_order(
    make_dialogue, make_organization, apply_for, regions, secretariat_user
):
    dialogue = drawn_dialogue(
        make_dialogue, make_organization, apply_for, regions, seed="13102017", by=secretariat_user
    )
    rows = list(
        SlotApplication.objects.filter(dialogue=dialogue).select_related("organization__country__regional_group")
    )
    assert Counter(a.status for a in rows) == {"confirmed": 10, "waitlisted": 10}
    assert sorted(a.position for a in rows if a.status == "confirmed") == list(range(1, 11))
    assert sorted(a.position for a in rows if a.status == "waitlisted") == list(range(1, 11))
    # Balance: every region speaks twice (WEOG's twelve applicants do not crowd out the others).
    confirmed_regions = Counter(a.organization.country.regional_group.code for a in rows if a.status == "confirmed")
    assert confirmed_regions == {"weog": 2, "afr": 2, "apg": 2, "eeg": 2, "grulac": 2}
    # WEOG's two places go to two different kinds.
    weog_kinds = [a.organization.kind for a in rows if a.status == "confirmed" and a.organization.country.iso3 == "CHE"]
    assert len(set(weog_kinds)) == 2


def test_the_same_seed_gives_the_same_order_and_another_seed_another(
    make_dialogue, make_organization, apply_for, regions, secretariat_user, make_session
):
    def drawn_order(dialogue):
        rows = SlotApplication.objects.filter(dialogue=dialogue).select_related("organization")
        ranked = sorted(rows, key=lambda a: (a.status != "confirmed", a.position))
        return [a.organization.name.split(" ", 1)[1] for a in ranked]  # the name without the session's code

    one = drawn_dialogue(make_dialogue, make_organization, apply_for, regions, seed="seed-2017", by=secretariat_user)
    two = drawn_dialogue(make_dialogue, make_organization, apply_for, regions, seed="seed-2017", by=secretariat_user)
    three = drawn_dialogue(make_dialogue, make_organization, apply_for, regions, seed="another", by=secretariat_user)
    assert drawn_order(one) == drawn_order(two)
    assert drawn_order(one) != drawn_order(three)


def test_after_the_draw_a_withdrawal_promotes_the_first_drawn_on_the_waiting_list(
    make_dialogue, make_organization, apply_for, regions, secretariat_user
):
    dialogue = drawn_dialogue(make_dialogue, make_organization, apply_for, regions, seed="x", by=secretariat_user)
    leaving = SlotApplication.objects.select_related("organization").get(
        dialogue=dialogue, status="confirmed", position=4
    )
    first_waiting = SlotApplication.objects.get(dialogue=dialogue, status="waitlisted", position=1)
    dialogue_services.application_withdraw(application=leaving, by=secretariat_user)
    first_waiting.refresh_from_db()
    assert (first_waiting.status, first_waiting.position) == ("confirmed", 4)


def due_draw(make_dialogue, make_organization, apply_for, *, applicants=3):
    """A dialogue allocated by draw (2 slots) with `applicants` pending applications, its deadline just passed."""
    dialogue = make_dialogue(start="09:00", end="09:11", chair_minutes=5, allocation="draw")
    for _n in range(applicants):
        apply_for(dialogue, make_organization())
    Dialogue.objects.filter(pk=dialogue.pk).update(applications_close_at=timezone.now() - timedelta(minutes=1))
    dialogue.refresh_from_db()
    return dialogue


def test_at_the_deadline_the_periodic_task_makes_the_draw_once_records_its_seed_and_tells_the_applicants(
    make_dialogue, make_organization, apply_for, django_capture_on_commit_callbacks, mailoutbox
):
    from registrations import tasks

    dialogue = due_draw(make_dialogue, make_organization, apply_for)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.draw_due_dialogues() == 1
    dialogue.refresh_from_db()
    assert len(dialogue.draw_seed) == 18 and dialogue.drawn_at is not None and dialogue.drawn_by is None
    assert Counter(status for _name, status, _position in statuses(dialogue)) == {"confirmed": 2, "waitlisted": 1}
    code = dialogue.session.code
    subjects = sorted(m.subject.split(": ", 1)[1] for m in mailoutbox)
    assert subjects == ["Confirmed", "Confirmed", "On the waiting list"]
    assert all(m.subject.startswith(f"{code} informal dialogue, ") for m in mailoutbox)
    # The seed reproduces the order, as for a draw made by the secretariat.
    pending = SlotApplication.objects.filter(dialogue=dialogue).select_related("organization").order_by("sequence")
    entries = [
        draw.Entry(key=a.pk, region=dialogue_services.region_label(a.organization), kind=a.organization.kind)
        for a in pending
    ]
    ranked = sorted(pending, key=lambda a: (a.status != "confirmed", a.position))
    assert draw.draw_order(entries, dialogue.draw_seed) == [a.pk for a in ranked]

    # Running again draws nothing more, tells nobody again; the secretariat finds the draw made.
    seed, events = dialogue.draw_seed, ApplicationEvent.objects.count()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert dialogue_services.dialogues_draw_due() == 0
    dialogue.refresh_from_db()
    assert (dialogue.draw_seed, ApplicationEvent.objects.count(), mailoutbox) == (seed, events, [])


def test_the_periodic_draw_leaves_dialogues_not_due_already_drawn_or_first_come(
    make_dialogue, make_organization, apply_for, secretariat_user
):
    not_due = make_dialogue(allocation="draw")
    apply_for(not_due, make_organization())
    drawn = due_draw(make_dialogue, make_organization, apply_for, applicants=1)
    dialogue_services.dialogue_draw(dialogue=drawn, by=secretariat_user, seed="read-out-in-the-meeting")
    first_come = make_dialogue()
    apply_for(first_come, make_organization())
    Dialogue.objects.filter(pk=first_come.pk).update(applications_close_at=timezone.now() - timedelta(minutes=1))
    before = {d.pk: statuses(d) for d in (not_due, drawn, first_come)}

    assert dialogue_services.dialogues_draw_due() == 0
    for dialogue in (not_due, drawn, first_come):
        dialogue.refresh_from_db()
        assert statuses(dialogue) == before[dialogue.pk]
    assert (not_due.drawn_at, not_due.draw_seed) == (None, "")
    assert (drawn.draw_seed, drawn.drawn_by) == ("read-out-in-the-meeting", secretariat_user)
    assert (first_come.drawn_at, first_come.draw_seed) == (None, "")


def test_the_periodic_draw_leaves_a_dialogue_the_secretariat_drew_meanwhile(
    make_dialogue, make_organization, apply_for, secretariat_user, monkeypatch
):
    """The sweep lists the due dialogues, then locks each and reads it again: a draw made in between stands."""
    dialogue = due_draw(make_dialogue, make_organization, apply_for)
    locked = dialogue_services._locked

    def drawn_meanwhile(target):
        monkeypatch.setattr(dialogue_services, "_locked", locked)
        dialogue_services.dialogue_draw(dialogue=target, by=secretariat_user, seed="manual")
        return locked(target)

    monkeypatch.setattr(dialogue_services, "_locked", drawn_meanwhile)
    assert dialogue_services.dialogues_draw_due() == 0
    dialogue.refresh_from_db()
    assert (dialogue.draw_seed, dialogue.drawn_by) == ("manual", secretariat_user)
    assert ApplicationEvent.objects.filter(application__dialogue=dialogue, from_status="pending").count() == 3


# --- Pages --------------------------------------------------------------------------------------------------------


def test_stakeholder_applies_through_the_page_and_sees_order_time_and_calendar(
    client, make_dialogue, make_organization, django_capture_on_commit_callbacks, mailoutbox
):
    dialogue = make_dialogue()
    organization = make_organization(name="Red Mesoamericana")
    client.force_login(organization.focal_point)
    home = client.get(reverse("registrations:stakeholder_home")).content.decode()
    assert f"Apply for a slot in {dialogue.session.code}" in home
    panel = dialogue.session.agenda_items.get(kind="panel")
    data = {
        "speaker_name": "Ana Lucía Pérez",
        "speaker_function": "Spokesperson",
        "speaker_email": "ana@example.org",
        "theme": panel.pk,
        "summary": "Regular pathways.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk}), data, follow=True)
    page = response.content.decode()
    assert "Confirmed: speaker no. 1, 09:05–09:08." in page
    application = SlotApplication.objects.get()
    assert 'data-testid="slot">no. 1, 09:05–09:08' in page
    ics = client.get(reverse("registrations:application_ics", kwargs={"pk": application.pk}))
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert rfc5545_problems(ics.content) == []
    event = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (
        datetime(2030, 5, 7, 9, 5, tzinfo=GENEVA),
        datetime(2030, 5, 7, 9, 8, tzinfo=GENEVA),
    )
    assert "Red Mesoamericana" in str(event["summary"])
    assert [m.to for m in mailoutbox] == [["contact1@org.example.org", "focal1@org.example.org", "ana@example.org"]]


def test_the_slot_calendar_is_for_the_organization_only(client, make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue()
    organization, other = make_organization(), make_organization()
    application = apply_for(dialogue, organization)
    client.force_login(other.focal_point)
    assert client.get(reverse("registrations:application_ics", kwargs={"pk": application.pk})).status_code == 404
    assert client.post(reverse("registrations:application_withdraw", kwargs={"pk": application.pk})).status_code == 404
    application.refresh_from_db()
    assert application.status == "confirmed"


def test_the_session_page_shows_the_list_once_published(
    client, make_dialogue, make_organization, apply_for, secretariat_user
):
    dialogue = make_dialogue()
    apply_for(dialogue, make_organization(name="Dhaka Overseas Workers Union"), speaker_name="Rahim Chowdhury")
    url = reverse("registrations:dialogue_speakers", kwargs={"slug": dialogue.session.slug})
    assert "has not been published yet" in client.get(url).content.decode()
    session_page = client.get(dialogue.session.get_absolute_url()).content.decode()
    assert f'href="{url}"' in session_page

    dialogue_services.dialogue_publish(dialogue=dialogue, by=secretariat_user)
    page = client.get(url).content.decode()
    assert "Dhaka Overseas Workers Union" in page and "Rahim Chowdhury" in page and "09:05–09:08" in page


def test_the_published_list_shows_the_draws_seed(
    client, make_dialogue, make_organization, apply_for, regions, secretariat_user
):
    dialogue = drawn_dialogue(make_dialogue, make_organization, apply_for, regions, seed="271828", by=secretariat_user)
    dialogue_services.dialogue_publish(dialogue=dialogue, by=secretariat_user)
    page = client.get(reverse("registrations:dialogue_speakers", kwargs={"slug": dialogue.session.slug}))
    assert '<span class="seed" id="draw-seed" translate="no">271828</span>' in page.content.decode()


def _queries(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_public_list_runs_the_same_queries_for_1_and_15_speakers(
    client, make_dialogue, make_organization, apply_for, secretariat_user, django_assert_max_num_queries
):
    dialogue = make_dialogue()
    dialogue_services.dialogue_publish(dialogue=dialogue, by=secretariat_user)
    url = reverse("registrations:dialogue_speakers", kwargs={"slug": dialogue.session.slug})
    apply_for(dialogue, make_organization())
    one = _queries(client, url, django_assert_max_num_queries)
    for _ in range(14):
        apply_for(dialogue, make_organization())
    assert _queries(client, url, django_assert_max_num_queries) == one


def test_stakeholder_desk_runs_the_same_queries_for_1_and_50_applications(
    client, make_dialogue, make_organization, apply_for, django_assert_max_num_queries
):
    organization = make_organization()
    apply_for(make_dialogue(), organization)
    client.force_login(organization.focal_point)
    url = reverse("registrations:stakeholder_home")
    one = _queries(client, url, django_assert_max_num_queries)
    for _ in range(49):
        apply_for(make_dialogue(), organization)
    assert _queries(client, url, django_assert_max_num_queries) == one
