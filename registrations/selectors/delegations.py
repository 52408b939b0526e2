"""Reads of delegation registrations: whether a session takes them, a focal point's own, their members, the
admin's counts by status."""

import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from compact_portal.templatetags.portal_i18n import datetime_with_zone
from registrations import permissions
from registrations.models import (
    DelegationMember,
    DelegationRegistration,
    PermanentMission,
    Profile,
    RegistrationEvent,
    State,
)
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


def registration_for_edit(*, user, pk: int) -> tuple[DelegationRegistration, list[DelegationMember]]:
    """registration_for_user for the registration's form and its POST: the registration with its session and its
    mission's State, and its members in their order (the head first); 404 unless `user` is a focal point of its
    mission. Only what they read (no history, process, venue or regional group), in one statement written once per
    process (`_form_read`): a thousand focal points opening the form at once pay for this read with each request, and
    the ORM's building of it (a join of four tables, the user's profile, a prefetch) cost ten times the database's
    running it."""
    if not (user.is_authenticated and user.is_active):  # as permissions.missions_of: no mission for them
        raise Http404
    sql, parts = _form_read(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, user.pk, True])
        rows = cursor.fetchall()
    if not rows:
        raise Http404
    registration, session, mission, state = (part.instance(rows[0], connection) for part in parts[:-1])
    _cache(registration, "session", session)
    _cache(registration, "mission", mission)
    _cache(mission, "state", state)
    members = [member for member in (parts[-1].instance(row, connection) for row in rows) if member is not None]
    for member in members:
        _cache(member, "registration", registration)
    permissions.read_for_focal_point(registration.mission, user)
    return registration, members


def _cache(instance, name: str, related) -> None:
    """`instance.<name>` is `related` without a query, as select_related sets it."""
    type(instance)._meta.get_field(name).set_cached_value(instance, related)


@dataclass(frozen=True)
class _Part:
    """One model's columns in a row of a plain statement: where they are, and the converters the ORM would apply."""

    model: type
    start: int
    stop: int
    converters: tuple  # (index in the row, [functions], expression)

    def instance(self, row, connection_):
        values = list(row[self.start : self.stop])
        if values[self.model._meta.concrete_fields.index(self.model._meta.pk)] is None:  # the outer join's empty side
            return None
        for index, functions, expression in self.converters:
            for function in functions:
                values[index] = function(values[index], expression, connection_)
        fields = self.model._meta.concrete_fields
        return self.model.from_db(connection_.alias, [field.attname for field in fields], values)


@functools.cache
def _form_read(vendor: str) -> tuple[str, list[_Part]]:
    """registration_for_edit's statement and how to read its rows, made from the models once per process (`vendor`:
    the converters differ between databases)."""
    quote = connection.ops.quote_name
    tables = [
        ("r", DelegationRegistration),
        ("s", ThematicSession),
        ("m", PermanentMission),
        ("st", State),
        ("dm", DelegationMember),
    ]
    columns, parts = [], []
    for alias, model in tables:
        start, converters = len(columns), []
        for index, field in enumerate(model._meta.concrete_fields):
            columns.append(f"{alias}.{quote(field.column)}")
            expression = field.get_col(alias)
            functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if functions:
                converters.append((index, functions, expression))
        parts.append(_Part(model, start, len(columns), tuple(converters)))

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    R, M, P, D = DelegationRegistration, PermanentMission, Profile, DelegationMember
    ordering = ", ".join(
        f"dm.{column(D, name.lstrip('-'))} {'DESC' if name.startswith('-') else 'ASC'}" for name in D._meta.ordering
    )
    sql = (
        f"SELECT {', '.join(columns)} FROM {table(R)} r"  # noqa: S608 (names from the models)
        f" INNER JOIN {table(ThematicSession)} s ON s.{column(ThematicSession, 'id')} = r.{column(R, 'session')}"
        f" INNER JOIN {table(M)} m ON m.{column(M, 'id')} = r.{column(R, 'mission')}"
        f" INNER JOIN {table(State)} st ON st.{column(State, 'id')} = m.{column(M, 'state')}"
        f" INNER JOIN {table(P)} p ON p.{column(P, 'mission')} = r.{column(R, 'mission')}"
        f" LEFT OUTER JOIN {table(D)} dm ON dm.{column(D, 'registration')} = r.{column(R, 'id')}"
        f" WHERE r.{column(R, 'id')} = %s AND p.{column(P, 'user')} = %s AND p.{column(P, 'is_focal_point')} = %s"
        f" ORDER BY {ordering}"
    )
    return sql, parts


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
