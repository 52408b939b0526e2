"""Linking accounts to missions and organizations (the secretariat, from the admin)."""

from django.db import transaction

from audit import trail
from registrations import permissions
from registrations.models import (
    Profile,
)


def affiliation(profile: Profile | None) -> dict | None:
    """What the audit trail records of an account's link: its mission or organization, and whether focal point."""
    if profile is None:
        return None
    return {
        "mission": str(profile.mission) if profile.mission_id else None,
        "organization": str(profile.organization) if profile.organization_id else None,
        "is_focal_point": profile.is_focal_point,
    }


def account_link(*, profile: Profile, by) -> Profile:
    """The secretariat links an account to a mission or an organization (or changes the link): the admin's accounts
    inlines and Profiles → Add call this."""
    permissions.require_secretariat(by, "Only the secretariat links accounts to missions and organizations.")
    profile.full_clean()
    with transaction.atomic():
        previous = Profile.objects.select_related("mission", "organization").filter(pk=profile.pk).first()
        profile.save()
        trail.record(
            actor=by,
            action="account link",
            obj=profile,
            before=affiliation(previous),
            after=affiliation(profile),
        )
    return profile


def account_unlink(*, profile: Profile, by) -> None:
    permissions.require_secretariat(by, "Only the secretariat unlinks accounts from missions and organizations.")
    with transaction.atomic():
        trail.record(actor=by, action="account unlink", obj=profile, before=affiliation(profile))
        profile.delete()
