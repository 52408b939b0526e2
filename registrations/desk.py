"""The secretariat's sections of the admin's desk (compact_portal/desk.py): what awaits a decision, what closes
soon, what is due, per session, each count linking to the admin list filtered to exactly those objects.

Each function runs one query (an aggregate grouped by session or list), whatever the number of rows.
"""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.text import Truncator

from compact_portal import desk
from compact_portal.permissions import is_secretariat
from registrations.models import (
    DelegationRegistration,
    Dialogue,
    FocalPointRequest,
    NonObjectionList,
    Organization,
    Representation,
    SlotApplication,
)
from sessions.models import ThematicSession


def session_label(number: int, title: str) -> str:
    return Truncator(f"ITS{number}: {title}").chars(70)


def admin_list(url_name: str, **filters) -> str:
    url = reverse(f"admin:{url_name}")
    return f"{url}?{urlencode(filters)}" if filters else url


def _per_session(queryset, session_path: str):
    """Rows of (session id, number, title, count), grouped by session, in session order."""
    return (
        queryset.order_by()
        .values_list(f"{session_path}__id", f"{session_path}__number", f"{session_path}__title")
        .annotate(n=Count("pk", distinct=True))
        .order_by(f"{session_path}__number")
    )


# --- Awaiting a decision --------------------------------------------------------------------------------------------


OLDEST = 5  # the longest-waiting objects named under their count, each a link to its page


def submitted_registrations(**_) -> list[desk.Row]:
    submitted = DelegationRegistration.objects.filter(status=DelegationRegistration.Status.SUBMITTED)
    oldest: dict[int, list[tuple[str, str]]] = {}
    for pk, session_pk, name in submitted.order_by("submitted_at", "pk").values_list(
        "pk", "session_id", "mission__state__name_en"
    )[:OLDEST]:
        url = reverse("admin:registrations_delegationregistration_change", args=[pk])
        oldest.setdefault(session_pk, []).append((name, url))
    return [
        desk.Row(
            label="Registrations submitted",
            count=n,
            session=session_label(number, title),
            url=admin_list(
                "registrations_delegationregistration_changelist", session__id__exact=pk, status__exact="submitted"
            ),
            note="Waiting longest:" if pk in oldest else "",
            links=oldest.get(pk, []),
        )
        for pk, number, title, n in _per_session(submitted, "session")
    ]


def requested_representations(**_) -> list[desk.Row]:
    requested = Representation.objects.filter(status=Representation.Status.REQUESTED)
    return [
        desk.Row(
            label="Representatives of organizations to confirm",
            count=n,
            session=session_label(number, title),
            url=admin_list("registrations_representation_changelist", session__id__exact=pk, status__exact="requested"),
        )
        for pk, number, title, n in _per_session(requested, "session")
    ]


def accreditation_requests(**_) -> list[desk.Row]:
    counts = Organization.objects.filter(accreditation=Organization.Accreditation.REQUESTED).aggregate(
        with_status=Count("pk", filter=~Q(ecosoc_status=Organization.Ecosoc.NONE)),
        without=Count("pk", filter=Q(ecosoc_status=Organization.Ecosoc.NONE)),
    )
    total = counts["with_status"] + counts["without"]
    if not total:
        return []
    return [
        desk.Row(
            label="Accreditation requests",
            count=total,
            note=f"{counts['with_status']} in consultative status with ECOSOC (confirm), "
            f"{counts['without']} without (put on a non-objection list)",
            url=admin_list("registrations_organization_changelist", accreditation__exact="requested"),
        )
    ]


def objections(**_) -> list[desk.Row]:
    lists = (
        NonObjectionList.objects.filter(closed_at__isnull=True)
        .annotate(objected=Count("entries", filter=Q(entries__objections__isnull=False), distinct=True))
        .filter(objected__gt=0)
        .order_by("deadline")
        .values_list("pk", "title", "deadline", "objected")
    )
    return [
        desk.Row(
            label=f"Organizations with an objection on “{title}”",
            count=objected,
            when=deadline,
            note="Not accredited when the list closes; the reasons are on the list's page.",
            url=reverse("admin:registrations_nonobjectionlist_change", args=[pk]),
        )
        for pk, title, deadline, objected in lists
    ]


def focal_point_requests(**_) -> list[desk.Row]:
    pending = FocalPointRequest.objects.filter(status=FocalPointRequest.Status.PENDING).count()
    if not pending:
        return []
    return [
        desk.Row(
            label="Focal-point requests",
            count=pending,
            note="accounts asking to act for a mission",
            url=admin_list("registrations_focalpointrequest_changelist", status__exact="pending"),
        )
    ]


def awaiting(*, now, user) -> list[desk.Row]:
    return (
        submitted_registrations()
        + focal_point_requests()
        + requested_representations()
        + accreditation_requests()
        + objections()
    )


# --- Closing soon ---------------------------------------------------------------------------------------------------


def registration_deadlines(*, now) -> list[desk.Row]:
    sessions = (
        ThematicSession.objects.filter(status=ThematicSession.Status.PUBLISHED, registration_deadline__gt=now)
        .annotate(
            registered=Count(
                "delegation_registrations",
                filter=Q(delegation_registrations__status__in=["submitted", "approved"]),
            )
        )
        .order_by("registration_deadline")
        .values_list("pk", "number", "title", "registration_deadline", "registered")
    )
    return [
        desk.Row(
            label="Registration of delegations closes",
            count=registered,
            note="submitted or approved",
            session=session_label(number, title),
            when=deadline,
            url=admin_list("registrations_delegationregistration_changelist", session__id__exact=pk),
        )
        for pk, number, title, deadline, registered in sessions
    ]


def non_objection_deadlines(*, now) -> list[desk.Row]:
    lists = (
        NonObjectionList.objects.open(now)
        .annotate(organizations=Count("entries"))
        .order_by("deadline")
        .values_list("pk", "title", "deadline", "organizations")
    )
    return [
        desk.Row(
            label=f"Non-objection list “{title}” closes",
            count=organizations,
            note="organizations on the list",
            when=deadline,
            url=reverse("admin:registrations_nonobjectionlist_change", args=[pk]),
        )
        for pk, title, deadline, organizations in lists
    ]


def dialogue_deadlines(*, now) -> list[desk.Row]:
    dialogues = (
        Dialogue.objects.filter(applications_close_at__gt=now, drawn_at__isnull=True)
        .annotate(applied=Count("applications", filter=~Q(applications__status="withdrawn")))
        .order_by("applications_close_at")
        .values_list("session_id", "session__number", "session__title", "applications_close_at", "applied")
    )
    return [
        desk.Row(
            label="Applications to speak in the informal dialogue close",
            count=applied,
            note="applications",
            session=session_label(number, title),
            when=closes,
            url=admin_list("registrations_slotapplication_changelist", dialogue__session__id__exact=session_pk),
        )
        for session_pk, number, title, closes, applied in dialogues
    ]


def closing(*, now, user) -> list[desk.Row]:
    rows = registration_deadlines(now=now) + non_objection_deadlines(now=now) + dialogue_deadlines(now=now)
    return sorted(rows, key=lambda row: row.when)


# --- Due ------------------------------------------------------------------------------------------------------------


def draws_due(*, now) -> list[desk.Row]:
    dialogues = (
        Dialogue.objects.draw_due(now)
        .annotate(pending=Count("applications", filter=Q(applications__status=SlotApplication.Status.PENDING)))
        .order_by("applications_close_at")
        .values_list("pk", "session__number", "session__title", "applications_close_at", "pending")
    )
    return [
        desk.Row(
            label="Draw of the speaking slots",
            count=pending,
            note="applications awaiting the draw",
            session=session_label(number, title),
            when=closed,
            url=reverse("admin:registrations_dialogue_draw", args=[pk]),
        )
        for pk, number, title, closed, pending in dialogues
    ]


def speakers_to_publish(*, now) -> list[desk.Row]:
    dialogues = (
        Dialogue.objects.filter(is_published=False)
        .filter(
            Q(drawn_at__isnull=False) | Q(allocation=Dialogue.Allocation.FIRST_COME, applications_close_at__lte=now)
        )
        .annotate(confirmed=Count("applications", filter=Q(applications__status=SlotApplication.Status.CONFIRMED)))
        .order_by("applications_close_at")
        .values_list("pk", "session__number", "session__title", "applications_close_at", "confirmed")
    )
    return [
        desk.Row(
            label="List of speakers of the informal dialogue to publish",
            count=confirmed,
            note="confirmed speakers",
            session=session_label(number, title),
            when=closed,
            url=reverse("admin:registrations_dialogue_publish", args=[pk]),
        )
        for pk, number, title, closed, confirmed in dialogues
    ]


def lists_past_deadline(*, now) -> list[desk.Row]:
    lists = (
        NonObjectionList.objects.past_deadline(now)
        .annotate(organizations=Count("entries"))
        .order_by("deadline")
        .values_list("pk", "title", "deadline", "organizations")
    )
    return [
        desk.Row(
            label=f"Non-objection list “{title}” past its deadline",
            count=organizations,
            note="organizations; the periodic task closes it within minutes (is the worker running?)",
            when=deadline,
            url=reverse("admin:registrations_nonobjectionlist_change", args=[pk]),
        )
        for pk, title, deadline, organizations in lists
    ]


def due(*, now, user) -> list[desk.Row]:
    return draws_due(now=now) + speakers_to_publish(now=now) + lists_past_deadline(now=now)


# --- Sessions -------------------------------------------------------------------------------------------------------


def sessions(**_) -> list[desk.Row]:
    """Each session not closed: its approved delegations, a link to its list of participants and documents."""
    rows = (
        ThematicSession.objects.exclude(status=ThematicSession.Status.CLOSED)
        .annotate(approved=Count("delegation_registrations", filter=Q(delegation_registrations__status="approved")))
        .order_by("start_date", "number")
        .values_list("pk", "slug", "number", "title", "approved")
    )
    return [
        desk.Row(
            label="List of participants",
            count=approved,
            note="approved delegations; the list (PDF, CSV), confirmation letters, publication",
            session=session_label(number, title),
            url=reverse("admin:registrations_generateddocument_participants", args=[slug]),
            links=[
                ("Registrations", admin_list("registrations_delegationregistration_changelist", session__id__exact=pk))
            ],
        )
        for pk, slug, number, title, approved in rows
    ]


def register() -> None:
    desk.register_title(title="Secretariat desk", audience=is_secretariat, order=10)
    desk.register(
        key=desk.AWAITING,
        title="Awaiting a decision",
        order=10,
        audience=is_secretariat,
        rows=awaiting,
        empty="Nothing awaits a decision.",
    )
    desk.register(
        key=desk.CLOSING,
        title="Closing soon",
        order=20,
        audience=is_secretariat,
        rows=closing,
        empty="No open deadline.",
    )
    desk.register(
        key=desk.DUE,
        title="Due",
        order=30,
        audience=is_secretariat,
        rows=due,
        empty="Nothing is due.",
    )
    desk.register(
        key=desk.SESSIONS,
        title="Sessions",
        order=40,
        audience=is_secretariat,
        rows=sessions,
        empty="No open session.",
    )
