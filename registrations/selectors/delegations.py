"""Reads of delegation registrations: whether a session takes them, a focal point's own, their members, the
admin's counts by status."""

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from compact_portal.templatetags.portal_i18n import datetime_with_zone
from registrations import permissions
from registrations.models import DelegationMember, DelegationRegistration, RegistrationEvent
from sessions.models import ThematicSession


def registration_window(session: ThematicSession, *, now=None) -> tuple[str, str | None]:
    """The one rule of delegations registering for `session`: ("upcoming" | "open" | "closed", why they cannot
    register now, or None). The services, the letter's link, the focal point's pages and the public pages' way in all
    read it."""
    now = now or timezone.now()
    deadline = session.registration_deadline
    if session.status == ThematicSession.Status.PUBLISHED and deadline is None:
        return "upcoming", gettext("Registration has not opened yet: the secretariat has not set a deadline.")
    if deadline is not None and now >= deadline:
        return "closed", gettext("Registration closed on %(date)s.") % {"date": datetime_with_zone(deadline)}
    if session.status == ThematicSession.Status.CLOSED:
        return "closed", gettext("Registration closed.")
    if session.status != ThematicSession.Status.PUBLISHED:
        return "closed", gettext("Registration is open only for published sessions.")
    return "open", None


def registration_open_message(session: ThematicSession, *, now=None) -> str | None:
    """Why delegations cannot register for `session` now, or None if they can."""
    return registration_window(session, now=now)[1]


def sessions_open_for_registration(*, now=None) -> QuerySet[ThematicSession]:
    now = now or timezone.now()
    return (
        ThematicSession.objects.filter(status=ThematicSession.Status.PUBLISHED, registration_deadline__gt=now)
        .select_related("process", "venue")
        .order_by("start_date", "number")
    )


def _registrations() -> QuerySet[DelegationRegistration]:
    return DelegationRegistration.objects.select_related(
        "session__process", "session__venue", "mission__state__regional_group"
    )


def registrations_for_user(user) -> QuerySet[DelegationRegistration]:
    """Registrations of the missions `user` is a focal point for (with their member_count)."""
    return (
        _registrations()
        .filter(mission__in=permissions.missions_of(user))
        .order_by("-session__start_date", "mission__state__name_en")
    )


def registration_for_user(*, user, pk: int) -> DelegationRegistration:
    """A registration of one of the user's missions, with members and history; 404 for anyone else's. Its mission is
    marked as read for the user's focal-point profile (see permissions)."""
    queryset = (
        _registrations()
        .filter(mission__in=permissions.missions_of(user))
        .prefetch_related("members", Prefetch("events", queryset=_events()))
    )
    registration = get_object_or_404(queryset, pk=pk)
    permissions.read_for_focal_point(registration.mission, user)
    return registration


def registration_for_edit(*, user, pk: int) -> DelegationRegistration:
    """registration_for_user for the registration's form and its POST: only what they read (its session, its State;
    no members, history, process, venue or regional group: `members_of` reads the members), which a thousand focal
    points opening it at once pay for with each request. The user's focal-point profile is joined rather than their
    missions' subquery (a user has one profile): the same rows, a third less of the ORM's work to build the query."""
    if not (user.is_authenticated and user.is_active):  # as permissions.missions_of: no mission for them
        raise Http404
    queryset = DelegationRegistration.objects.select_related("session", "mission__state").filter(
        mission__profiles__user=user, mission__profiles__is_focal_point=True
    )
    registration = get_object_or_404(queryset, pk=pk)
    permissions.read_for_focal_point(registration.mission, user)
    return registration


def members_of(registration: DelegationRegistration) -> list[DelegationMember]:
    """The delegation's members in their order (the head first), in one query (no prefetch's bookkeeping)."""
    return list(DelegationMember.objects.filter(registration=registration))


def registration_for_note_verbale(*, user, pk: int) -> DelegationRegistration:
    """The registration whose note verbale `user` may download (its focal points, the secretariat), else 404."""
    queryset = _registrations().exclude(note_verbale="")
    if not permissions.is_secretariat(user):
        queryset = queryset.filter(mission__in=permissions.missions_of(user))
    return get_object_or_404(queryset, pk=pk)


def approved_registration_for_letters(*, user, pk: int) -> DelegationRegistration:
    queryset = _registrations().filter(status=DelegationRegistration.Status.APPROVED).prefetch_related("members")
    if not permissions.is_secretariat(user):
        queryset = queryset.filter(mission__in=permissions.missions_of(user))
    return get_object_or_404(queryset, pk=pk)


def _events():
    return RegistrationEvent.objects.select_related("by").order_by("at", "id")


def member_with_registration(*, pk: int) -> DelegationMember | None:
    return (
        DelegationMember.objects.select_related("registration__session__venue", "registration__mission__state")
        .filter(pk=pk)
        .first()
    )


def status_counts(registrations: QuerySet[DelegationRegistration]) -> list[tuple[str, int]]:
    """[(status label, count)] for every status, in the status machine's order."""
    # From the ids only: the admin's list joins the members (to count them), which would count a row per member.
    rows = DelegationRegistration.objects.filter(pk__in=registrations.values("pk")).order_by().values_list("status")
    counts = dict(rows.annotate(n=Count("pk")))
    return [(label, counts.get(value, 0)) for value, label in DelegationRegistration.Status.choices]
