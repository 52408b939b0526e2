"""Who may act for a mission or an organization, and the staff roles: the one vocabulary services, views, the admin
and templates ask.

Staff roles (from compact_portal.permissions, re-exported here; each requires the staff second factor when
STAFF_REQUIRE_TWO_FACTOR is on):
    is_secretariat(user), is_cofacilitator(user), has_staff_power(user, permission), has_second_factor(user),
    require_secretariat(user, message), require_cofacilitator(user, message), staff_power_required(permission)

Missions:
    missions_of(user)                               the missions `user` is a focal point of (a queryset)
    member_state_missions_of(user)                  those of Member States (they consider non-objection lists)
    is_focal_point_of_mission(user, mission)
    require_focal_point_of_mission(user, mission, message)

Organizations:
    organization_of(user, with_country=False)       the organization `user` is a focal point of, or None
    is_focal_point_of_organization(user, organization)
    is_representative_of_organization(user, organization, session=None)   confirmed representative (at session)
    acts_for_organization(user, organization, session=None)   focal point or confirmed representative
    may_decide_representation(user, organization)   its focal point or the secretariat

A mission or an organization read through the user's focal-point profile (`organization_of`, a registration read by
`selectors.registration_for_user`) is marked so (`read_for_focal_point`): the checks above then answer from the mark,
without a second query for what the same request has just read.

Templates: `{% load permissions %}` then `{% if user|is_secretariat %}`, `{% if user|is_focal_point_of:mission %}`.

Refusals: services raise PermissionDenied; views show another mission's or organization's object as 404 (its
existence is not disclosed) and a staff page refused to a signed-in account as 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from compact_portal.permissions import (
    COFACILITATOR_PERMISSION,
    SECRETARIAT_PERMISSION,
    has_second_factor,
    has_staff_power,
    is_cofacilitator,
    is_secretariat,
    require_cofacilitator,
    require_secretariat,
    staff_power_required,
)
from registrations.models import Organization, PermanentMission, Profile, Representation, State

__all__ = [
    "COFACILITATOR_PERMISSION",
    "SECRETARIAT_PERMISSION",
    "acts_for_organization",
    "has_second_factor",
    "has_staff_power",
    "is_cofacilitator",
    "is_focal_point_of_mission",
    "is_focal_point_of_organization",
    "is_representative_of_organization",
    "is_secretariat",
    "may_decide_representation",
    "member_state_missions_of",
    "missions_of",
    "organization_of",
    "read_for_focal_point",
    "require_cofacilitator",
    "require_focal_point_of_mission",
    "require_secretariat",
    "staff_power_required",
]


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def read_for_focal_point(obj, user):
    """Marks `obj` (a mission or an organization, or None) as read through `user`'s focal-point profile, in a query
    that required it; returns `obj`."""
    if obj is not None:
        obj._read_for_focal_point = user.pk
    return obj


def _read_for_focal_point(obj, user) -> bool:
    return getattr(obj, "_read_for_focal_point", None) == user.pk


# --- Missions -----------------------------------------------------------------------------------------------------


def missions_of(user) -> QuerySet[PermanentMission]:
    """The missions `user` acts for as a focal point (empty for anonymous users and everyone else)."""
    if not _active(user):
        return PermanentMission.objects.none()
    return PermanentMission.objects.filter(profiles__user=user, profiles__is_focal_point=True).select_related("state")


def member_state_missions_of(user) -> QuerySet[PermanentMission]:
    """Missions of Member States (not Observer States) `user` is a focal point of: they consider the lists."""
    return missions_of(user).filter(state__membership=State.Membership.MEMBER)


def is_focal_point_of_mission(user, mission: PermanentMission) -> bool:
    if not _active(user) or mission is None:
        return False
    if _read_for_focal_point(mission, user):
        return True
    return Profile.objects.filter(user=user, mission=mission, is_focal_point=True).exists()


def require_focal_point_of_mission(
    user, mission: PermanentMission, message: str = "Only the mission's focal points act for it."
) -> None:
    if not is_focal_point_of_mission(user, mission):
        raise PermissionDenied(message)


# --- Organizations ------------------------------------------------------------------------------------------------


def organization_of(user, *, with_country: bool = False) -> Organization | None:
    """The organization `user` acts for as its focal point, or None; with its country and region read in the same
    query if the page shows them (two more tables joined: about a third of the query's CPU, ~0.35 ms)."""
    if not _active(user):
        return None
    organizations = Organization.objects.filter(profiles__user=user, profiles__is_focal_point=True)
    if with_country:
        organizations = organizations.select_related("country__regional_group")
    return read_for_focal_point(organizations.first(), user)


def is_focal_point_of_organization(user, organization: Organization) -> bool:
    if not _active(user) or organization is None:
        return False
    if _read_for_focal_point(organization, user):
        return True
    return Profile.objects.filter(user=user, organization=organization, is_focal_point=True).exists()


def is_representative_of_organization(user, organization: Organization, session=None) -> bool:
    """A confirmed representative of `organization` (at `session`, if given)."""
    if not _active(user) or organization is None:
        return False
    confirmed = Representation.objects.filter(
        user=user, organization=organization, status=Representation.Status.CONFIRMED
    )
    if session is not None:
        confirmed = confirmed.filter(session=session)
    return confirmed.exists()


def acts_for_organization(user, organization: Organization, session=None) -> bool:
    return is_focal_point_of_organization(user, organization) or is_representative_of_organization(
        user, organization, session
    )


def may_decide_representation(user, organization: Organization) -> bool:
    """Confirming or declining an organization's representatives: its focal point, or the secretariat."""
    return is_secretariat(user) or is_focal_point_of_organization(user, organization)
