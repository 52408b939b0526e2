"""Reads of accounts: a user's profile, a mission's focal points."""

from registrations.models import PermanentMission, Profile


def profile_of(user) -> Profile | None:
    if not user.is_authenticated:
        return None
    return Profile.objects.select_related("mission__state", "organization").filter(user=user).first()


def focal_point_emails(*, mission: PermanentMission) -> list[str]:
    profiles = Profile.objects.filter(mission=mission, is_focal_point=True, user__is_active=True).exclude(
        user__email=""
    )
    return sorted({profile.user.email for profile in profiles.select_related("user")})
