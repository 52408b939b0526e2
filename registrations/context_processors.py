"""What the header's menu needs on every page: which area(s) the signed-in user has (delegation, organization)."""

from django.utils.functional import SimpleLazyObject

from registrations import permissions
from registrations.models import Organization, Profile, Representation


def areas_of(user) -> dict[str, bool]:
    """{"delegation": focal point of a mission, "organization": focal point or representative of an organization}.
    Neither, for a new account: the menu offers both doors."""
    if not user.is_authenticated:
        return {"delegation": False, "organization": False}
    profile = Profile.objects.filter(user=user).values("mission_id", "organization_id", "is_focal_point").first()
    delegation = bool(profile and profile["mission_id"] and profile["is_focal_point"])
    organization = bool(profile and profile["organization_id"])
    if not (delegation or organization):
        organization = Representation.objects.filter(user=user).exists()
    return {"delegation": delegation, "organization": organization}


def organization_awaiting_accreditation(user) -> Organization | None:
    """The organization `user` is the focal point of, while it is not accredited (it cannot apply yet), else None."""
    if not user.is_authenticated:
        return None
    organization = permissions.organization_of(user)
    return None if organization is None or organization.is_accredited else organization


def areas_of_request(request) -> dict[str, bool]:
    """`areas_of` the request's user, queried once per request."""
    if not hasattr(request, "_portal_areas"):
        request._portal_areas = areas_of(request.user)
    return request._portal_areas


def read_as_organization_focal_point(request) -> None:
    """The request's user has just been read as an organization's focal point (permissions.organization_of): their
    profile holds that organization, hence no mission (a profile has one affiliation), so the menu needs no query."""
    request._portal_areas = {"delegation": False, "organization": True}


def frame_key(request) -> tuple:
    """What the frame (base.html) shows of the signed-in user besides their CSRF token: the header's menu. For pages
    kept per shape (compact_portal.slotted_pages)."""
    user = request.user
    if not user.is_authenticated:
        return (False,)
    areas = areas_of_request(request)
    return (True, user.is_staff, areas["delegation"], areas["organization"])


def portal_areas(request):
    """`areas` and `awaiting_accreditation` in templates, each queried only when a template reads it (one or two
    small queries). Both depend on the user: read them outside a public page's cached blocks."""
    return {
        "areas": SimpleLazyObject(lambda: areas_of_request(request)),
        "awaiting_accreditation": SimpleLazyObject(lambda: organization_awaiting_accreditation(request.user)),
    }
