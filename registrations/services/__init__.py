"""Every write of registrations that has rules, one module per subject:

- `delegations`: delegation registrations and their state machine (REGISTRATION_TRANSITIONS on the status enum)
- `speakers`: speakers lists and inscriptions
- `accounts`: linking accounts to missions and organizations
- `stakeholders`: organizations' accreditation, non-objection lists, objections, representatives
- `dialogue`: the informal dialogue's applications, the draw, the published list

The names of `delegations`, `speakers` and `accounts` are also importable from here (`services.registration_approve`).
"""

from registrations.services.accounts import account_link, account_unlink
from registrations.services.delegations import (
    DECISIONS,
    MEMBER_FIELDS,
    TRANSITIONS,
    MemberData,
    NotSubmitted,
    confirmation_letter_email,
    registration_approve,
    registration_event_notify,
    registration_reject,
    registration_return,
    registration_start,
    registration_submit,
    registration_update,
)
from registrations.services.speakers import (
    inscription_create,
    inscription_move,
    inscription_withdraw,
    speakers_list_reorder,
    speakers_list_set,
)

__all__ = [
    "DECISIONS",
    "MEMBER_FIELDS",
    "TRANSITIONS",
    "MemberData",
    "NotSubmitted",
    "account_link",
    "account_unlink",
    "confirmation_letter_email",
    "inscription_create",
    "inscription_move",
    "inscription_withdraw",
    "registration_approve",
    "registration_event_notify",
    "registration_reject",
    "registration_return",
    "registration_start",
    "registration_submit",
    "registration_update",
    "speakers_list_reorder",
    "speakers_list_set",
]
