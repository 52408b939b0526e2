"""The co-facilitators' board of a session: every Member and Observer State's mission, what the letter did (sent,
link followed, reminders), its answer (registering, not attending, none) and its registration. Five queries
whatever the number of missions."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Count, Exists, IntegerField, Max, Min, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from invitations.models import Delivery, Letter
from outbox.models import OutgoingMail
from registrations.missions import REGISTERED_STATUSES
from registrations.models import DelegationMember, DelegationRegistration, MissionAnswer, PermanentMission, State
from sessions.models import ThematicSession

REGISTERING, NOT_ATTENDING, NO_ANSWER = "registering", "not_attending", "none"
ANSWERS = {REGISTERING: "Registering", NOT_ATTENDING: "Not attending", NO_ANSWER: "No answer"}
NO_REGISTRATION = "none"
REGISTRATION_STATUSES = {NO_REGISTRATION: "None", **dict(DelegationRegistration.Status.choices)}


@dataclass
class BoardRow:
    mission: PermanentMission
    state: State
    group: str  # the regional group's short name, "" for Observer States
    group_code: str
    letter_sent_at: datetime | None
    letter_status: str  # "sent", "failed", "queued" …, or "" when no letter went
    link_followed_at: datetime | None
    reminders_sent: int
    last_reminder_at: datetime | None
    answer: str
    registration: DelegationRegistration | None
    head: DelegationMember | None

    @property
    def registration_status(self) -> str:
        return self.registration.status if self.registration else NO_REGISTRATION

    @property
    def answer_label(self) -> str:
        return ANSWERS[self.answer]

    @property
    def registration_label(self) -> str:
        return REGISTRATION_STATUSES[self.registration_status]


def _answered(session) -> dict[str, Exists]:
    """The one rule of "has answered", for the board, the desk's count and the reminders' audience: a mission has
    answered when it has sent its registration to the secretariat (any status but draft: a draft is no answer yet)
    or said it will not attend; a registration outranks "we will not attend". Per mission (the outer query);
    `session` is a session or an OuterRef to one."""
    return {
        "registered": Exists(
            DelegationRegistration.objects.filter(
                mission=OuterRef("pk"), session=session, status__in=REGISTERED_STATUSES
            )
        ),
        "declined": Exists(MissionAnswer.objects.filter(mission=OuterRef("pk"), session=session, not_attending=True)),
    }


def _answer(mission: PermanentMission) -> str:
    """The answer of a mission annotated with _answered."""
    if mission.registered:
        return REGISTERING
    return NOT_ATTENDING if mission.declined else NO_ANSWER


def _delivery_summary(statuses: list[tuple[str, datetime | None]]) -> tuple[str, datetime | None]:
    """The letter's state for a mission with several addresses: sent if any address got it (when: the first)."""
    sent = [at for status, at in statuses if status == OutgoingMail.Status.SENT and at]
    if sent:
        return OutgoingMail.Status.SENT, min(sent)
    Status = OutgoingMail.Status
    for status in (Status.SENDING, Status.RETRYING, Status.QUEUED, Status.FAILED):
        if any(s == status for s, _at in statuses):
            return status, None
    return "", None


def board_missions():
    """The missions on the board: every Member and Observer State's in New York."""
    return PermanentMission.objects.filter(
        duty_station=PermanentMission.DutyStation.NEW_YORK,
        state__membership__in=[State.Membership.MEMBER, State.Membership.OBSERVER],
    )


def missions_without_answer(session):
    """The board's missions that have not answered (_answered): the board's "No answer", the desk's count and the
    audience of the missions' reminders."""
    answered = _answered(session)
    return board_missions().filter(~answered["registered"], ~answered["declined"])


def board_rows(session: ThematicSession) -> list[BoardRow]:
    missions = list(
        board_missions()
        .annotate(**_answered(session))
        .select_related("state__regional_group")
        .order_by("state__name_en")
    )
    letters: dict[int, list[tuple[str, datetime | None]]] = {}
    reminders: dict[int, tuple[int, datetime | None]] = {}
    # Summed up in the database per mission, kind and status: a few rows per mission, not every delivery of the
    # session (a COP's letters to 20,000 delegates carry their mission too).
    deliveries = (
        Delivery.objects.filter(letter__session=session, mission__isnull=False)
        .order_by()
        .values_list("mission_id", "letter__kind", "mail__status")
        .annotate(sent=Count("mail__sent_at"), first=Min("mail__sent_at"), last=Max("mail__sent_at"))
    )
    for mission_id, kind, status, sent, first, last in deliveries:
        if kind == Letter.Kind.REMINDER:
            if status == OutgoingMail.Status.SENT and sent:
                reminders[mission_id] = (sent, last)
        elif kind == Letter.Kind.INVITATION:
            letters.setdefault(mission_id, []).append((status, first))
    answers = {answer.mission_id: answer for answer in MissionAnswer.objects.filter(session=session)}
    heads = DelegationMember.objects.filter(is_head=True)
    registrations = {
        registration.mission_id: registration
        for registration in DelegationRegistration.objects.filter(session=session).prefetch_related(
            Prefetch("members", queryset=heads, to_attr="heads")
        )
    }
    rows = []
    for mission in missions:
        registration = registrations.get(mission.pk)
        answer = answers.get(mission.pk)
        status, sent_at = _delivery_summary(letters.get(mission.pk, []))
        group = mission.state.regional_group
        reminders_sent, last_reminder_at = reminders.get(mission.pk, (0, None))
        rows.append(
            BoardRow(
                mission=mission,
                state=mission.state,
                group=(group.short_name or group.name) if group else "",
                group_code=group.code if group else "",
                letter_sent_at=sent_at,
                letter_status=status,
                link_followed_at=answer.link_followed_at if answer else None,
                reminders_sent=reminders_sent,
                last_reminder_at=last_reminder_at,
                answer=_answer(mission),
                registration=registration,
                head=registration.heads[0] if registration and registration.heads else None,
            )
        )
    return rows


def board_filter(rows: list[BoardRow], *, group: str = "", status: str = "", answer: str = "") -> list[BoardRow]:
    return [
        row
        for row in rows
        if (not group or row.group_code == group)
        and (not status or row.registration_status == status)
        and (not answer or row.answer == answer)
    ]


def board_counts(rows: list[BoardRow]) -> list[str]:
    """e.g. ["121 of 193 Member States registered · 15 not attending · 57 no answer", "1 of 2 Observer States …"]."""
    lines = []
    for membership, label in (
        (State.Membership.MEMBER, "Member States"),
        (State.Membership.OBSERVER, "Observer States"),
    ):
        group = [row for row in rows if row.state.membership == membership]
        if not group:
            continue
        registering = sum(row.answer == REGISTERING for row in group)
        not_attending = sum(row.answer == NOT_ATTENDING for row in group)
        none = sum(row.answer == NO_ANSWER for row in group)
        lines.append(
            f"{registering} of {len(group)} {label} registered · {not_attending} not attending · {none} no answer"
        )
    return lines


CSV_HEADER = [
    "State",
    "ISO",
    "Regional group",
    "Letter",
    "Letter sent (UTC)",
    "Link followed (UTC)",
    "Reminders sent",
    "Answer",
    "Registration",
    "Head of delegation",
    "Level (function)",
]


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if moment else ""


def board_csv_rows(rows: list[BoardRow]):
    for row in rows:
        yield [
            row.state.name_en,
            row.state.iso3,
            row.group,
            row.letter_status,
            _utc(row.letter_sent_at),
            _utc(row.link_followed_at),
            row.reminders_sent,
            row.answer_label,
            row.registration_label,
            row.head.display_name if row.head else "",
            row.head.function if row.head else "",
        ]


# --- The desk (compact_portal/desk.py) ------------------------------------------------------------------------------


def desk_rows(*, now, user) -> list:
    """The board of each session still taking registrations (the secretariat's pending focal-point requests are
    under "Awaiting a decision", registrations/desk.py). One query."""
    from django.urls import reverse

    from compact_portal import desk
    from registrations.desk import session_label

    board_url = reverse("admin:registrations_missionanswer_changelist")
    return [
        desk.Row(
            label="Board of answers",
            session=session_label(number, title),
            when=deadline,
            note="registration deadline",
            url=f"{board_url}?session={pk}",
            links=[
                (
                    f"No answer yet: {no_answer} mission{'s' if no_answer != 1 else ''}",
                    f"{board_url}?session={pk}&answer={NO_ANSWER}",
                )
            ],
        )
        for pk, number, title, deadline, no_answer in ThematicSession.objects.filter(registration_deadline__gt=now)
        .annotate(no_answer=_no_answer_count())
        .order_by("registration_deadline")
        .values_list("pk", "number", "title", "registration_deadline", "no_answer")
    ]


def _no_answer_count():
    """Per session (the outer query), the number of missions_without_answer. A subquery, so the desk's section
    stays one query."""
    missions = (
        missions_without_answer(OuterRef(OuterRef("pk")))
        .order_by()
        .values("duty_station")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(missions[:1], output_field=IntegerField()), 0)


def desk_register() -> None:
    from compact_portal import desk
    from registrations import permissions

    desk.register(
        key="answers",
        title="Missions' answers",
        order=80,
        audience=lambda user: permissions.is_secretariat(user) or permissions.is_cofacilitator(user),
        rows=desk_rows,
        empty="No session is taking registrations.",
    )
