"""Reads of stakeholder organizations: their contact addresses (for letters' audiences), representatives,
non-objection lists."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from registrations import permissions
from registrations.models import NonObjectionEntry, NonObjectionList, Objection, Organization, Profile, Representation


def organization_contact_emails(organization: Organization) -> list[str]:
    """The organization's address and its focal points' addresses, each once, sorted."""
    profiles = Profile.objects.filter(organization=organization, is_focal_point=True, user__is_active=True)
    return _contact_emails(organization, profiles.values_list("user__email", flat=True))


def _contact_emails(organization: Organization, focal_point_emails) -> list[str]:
    emails = {email for email in focal_point_emails if email}
    if organization.email:
        emails.add(organization.email)
    return sorted(emails, key=str.lower)


@dataclass(frozen=True)
class OrganizationContact:
    organization: Organization
    emails: list[str]


def approved_organizations() -> list[OrganizationContact]:
    """Accredited stakeholder organizations with their contact addresses (the organization's own and its focal
    points'), in alphabetical order; for audiences of letters. Two queries."""
    focal_points = Profile.objects.filter(is_focal_point=True, user__is_active=True).select_related("user")
    organizations = (
        Organization.objects.filter(accreditation=Organization.Accreditation.ACCREDITED)
        .select_related("country")
        .prefetch_related(Prefetch("profiles", queryset=focal_points, to_attr="focal_points"))
        .order_by("name")
    )
    contacts = []
    for organization in organizations:
        emails = _contact_emails(organization, (profile.user.email for profile in organization.focal_points))
        contacts.append(OrganizationContact(organization=organization, emails=emails))
    return contacts


def representations_of(user) -> QuerySet[Representation]:
    return Representation.objects.filter(user=user).select_related("organization", "session").order_by("-id")


def representations_for_organization(organization: Organization) -> QuerySet[Representation]:
    return (
        Representation.objects.filter(organization=organization)
        .select_related("user", "session")
        .order_by("-session__start_date", "status", "requested_at")
    )


def open_non_objection_lists(*, user, now=None) -> list[NonObjectionList]:
    """Lists open to objections, each entry with the objection of the user's State only (never another's)."""
    now = now or timezone.now()
    states = permissions.member_state_missions_of(user).values("state")
    own = Objection.objects.filter(state__in=states)
    entries = NonObjectionEntry.objects.select_related("organization__country").prefetch_related(
        Prefetch("objections", queryset=own, to_attr="own_objections")
    )
    return list(
        NonObjectionList.objects.open(now)
        .prefetch_related(Prefetch("entries", queryset=entries.order_by("organization__name")))
        .order_by("deadline")
    )


def non_objection_entry_open(*, pk: int, now=None) -> NonObjectionEntry:
    now = now or timezone.now()
    return get_object_or_404(
        NonObjectionEntry.objects.select_related("list", "organization").filter(
            list__in=NonObjectionList.objects.open(now)
        ),
        pk=pk,
    )
