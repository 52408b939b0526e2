"""Who the staff are: the portal's staff roles, and the second factor every staff power requires.

The one vocabulary of who may do what has two halves, along the import arrows:
- here, the staff roles (no app imported, permissions named by their codename):
  `is_secretariat(user)`, `is_cofacilitator(user)`, `has_staff_power(user, permission)`,
  `has_second_factor(user)`, and `require_secretariat(user)` / `require_cofacilitator(user)` that raise
  PermissionDenied;
- `registrations.permissions`: focal point of mission M, focal point or representative of organization O
  (it re-exports everything here, so services and views import one module).

Every staff power, wherever its URL (the admin, a note verbale or letter download, the badge check, a service
called by a view), goes through `has_staff_power`; it refuses a staff power to an account without its second
factor when STAFF_REQUIRE_TWO_FACTOR is on, so a password alone opens nothing a staff role guards.

Templates: `{% load permissions %}` then `{% if user|is_secretariat %}`, `{% if user|is_cofacilitator %}`.

404 or 403: an object of another mission or organization is 404 (its existence is not disclosed); a staff page
or action refused to a signed-in account is 403.
"""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.core.exceptions import PermissionDenied

# The permission that makes a role; the groups are granted them in compact_portal.roles' grants of each app.
SECRETARIAT_PERMISSION = "registrations.process_delegationregistration"
COFACILITATOR_PERMISSION = "invitations.send_letter"

_SECOND_FACTOR_CACHE = "_portal_has_second_factor"


def has_second_factor(user) -> bool:
    """True if `user` may use staff powers as far as the second factor goes: it is not required, or it is set up
    (allauth then asks for it at every sign-in)."""
    if not getattr(settings, "STAFF_REQUIRE_TWO_FACTOR", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, _SECOND_FACTOR_CACHE, None)
    if cached is None:
        cached = is_mfa_enabled(user, types=["totp"])
        setattr(user, _SECOND_FACTOR_CACHE, cached)
    return cached


def has_staff_power(user, permission: str) -> bool:
    """An active account holding `permission` ("app_label.codename") and, when required, its second factor."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.has_perm(permission) and has_second_factor(user)


def is_secretariat(user) -> bool:
    """Processes registrations, accredits organizations, runs speakers lists and the dialogue, links accounts."""
    return has_staff_power(user, SECRETARIAT_PERMISSION)


def is_cofacilitator(user) -> bool:
    """Signs and sends the invitation letters."""
    return has_staff_power(user, COFACILITATOR_PERMISSION)


def require_secretariat(user, message: str = "Only the secretariat does this.") -> None:
    if not is_secretariat(user):
        raise PermissionDenied(message)


def require_cofacilitator(user, message: str = "Only co-facilitators do this.") -> None:
    if not is_cofacilitator(user):
        raise PermissionDenied(message)


def staff_power_required(permission: str):
    """A view decorator: 403 unless the user holds `permission` with its second factor (see has_staff_power)."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_staff_power(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
