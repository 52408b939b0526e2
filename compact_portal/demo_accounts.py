"""The demo's people: one account per role, with a known password that exists only in the embedded DEBUG default."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from compact_portal import roles

DEMO_PASSWORD = "compact-demo-2017"  # noqa: S105 - printed by `make run`; refused outside DEBUG
# The reason on the audit entries the demo writes (by no one: the portal), so they are never taken for a person's.
DEMO_REASON = "Demo data, loaded by manage.py demo."


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str  # what `make run` prints
    group: str | None = None
    is_staff: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("secretariat@example.org", "Sam", "Secretariat", "secretariat (admin)", roles.SECRETARIAT, True),
    DemoAccount(
        "cofacilitator@example.org", "Juan José", "Gómez-Camacho", "co-facilitator (admin)", roles.CO_FACILITATORS, True
    ),
    DemoAccount("delegate.mex@example.org", "Delia", "Delegate", "delegate, Permanent Mission of Mexico"),
    DemoAccount("stakeholder@example.org", "Stella", "Stakeholder", "stakeholder organization"),
]


def demo_accounts_load() -> list:
    """Creates the demo accounts (idempotent; the password is reset to the known one each time)."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo accounts have a published password: refused with DJANGO_DEBUG=0.")
    User = get_user_model()
    users = []
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.email, defaults={"email": account.email})
        user.email = account.email
        user.first_name = account.first_name
        user.last_name = account.last_name
        user.is_staff = account.is_staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        if account.group:
            user.groups.add(Group.objects.get(name=account.group))
        users.append(user)
    return users
