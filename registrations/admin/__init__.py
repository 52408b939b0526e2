"""The registrations admin, one module per subject; importing this package registers them all.

- `reference`: States, regional groups, Permanent Missions (and their accounts inline)
- `accounts`: profiles, the account picker (verified addresses only), linking through the services
- `delegations`: delegation registrations and their decisions
- `speakers`: speakers lists and inscriptions
- `stakeholders`: organizations, accreditation, non-objection lists, representatives
- `dialogue`: the informal dialogue's slots and applications
- `missions`: focal-point requests
- `participants`: the list of participants per session
- `actions`: what these share (actions that call a service per object, read-only inlines, the secretariat's
  actions and pages)
"""

from registrations.admin import (
    accounts,
    delegations,
    dialogue,
    missions,
    participants,
    reference,
    speakers,
    stakeholders,
)

__all__ = ["accounts", "delegations", "dialogue", "missions", "participants", "reference", "speakers", "stakeholders"]
