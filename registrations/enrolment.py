"""Enrolment codes: what a staff account needs, besides its password, to set up its second factor.

Without them, whoever holds only a staff password could sign in, be sent to the authenticator set-up, enrol their
own app and so hold every staff power. The portal's operators (`manage.py staff_enrolment_code <email>`) or a
superuser (the action on the admin's list of users) issue a code and give it to the person out of band; the
activation page takes it once, within STAFF_ENROLMENT_CODE_HOURS. Only the code's SHA-256 is stored: the code
has 60 random bits, so a plain hash is enough and lets the code be looked up.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import trail
from compact_portal.permissions import COFACILITATOR_PERMISSION, SECRETARIAT_PERMISSION
from registrations.models import StaffEnrolmentCode

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read out over the telephone


def _hash(code: str) -> str:
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


def needs_enrolment_code(user) -> bool:
    """A staff account (or one holding a staff role's permission) setting up its second factor while the second
    factor guards staff powers (STAFF_REQUIRE_TWO_FACTOR)."""
    if not getattr(settings, "STAFF_REQUIRE_TWO_FACTOR", False):
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_staff
        or user.is_superuser
        or user.has_perm(SECRETARIAT_PERMISSION)
        or user.has_perm(COFACILITATOR_PERMISSION)
    )


@transaction.atomic
def issue_enrolment_code(*, user, issued_by=None, now: datetime | None = None) -> str:
    """A new code for `user`, returned once in clear; the codes issued before it and not used stop working."""
    now = now or timezone.now()
    StaffEnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
    issued = StaffEnrolmentCode.objects.create(
        user=user,
        code_hash=_hash(code),
        issued_by=issued_by,
        issued_at=now,
        expires_at=now + timedelta(hours=settings.STAFF_ENROLMENT_CODE_HOURS),
    )
    trail.record(
        actor=issued_by,
        action="enrolment code issued",
        obj=user,
        after={"expires_at": issued.expires_at},
        reason="For setting up the account's second factor.",
        at=now,
    )
    return code


def redeem_enrolment_code(*, user, code: str, now: datetime | None = None) -> bool:
    """Use `user`'s code once: True if it was theirs, unused and not expired (it is then spent)."""
    now = now or timezone.now()
    spent = StaffEnrolmentCode.objects.filter(
        user=user, code_hash=_hash(code or ""), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    return spent == 1
