"""The models of registrations, one module per subject; everything is importable from `registrations.models`."""

from registrations.models.accounts import Profile, StaffEnrolmentCode
from registrations.models.delegations import (
    EDITABLE_STATUSES,
    REGISTRATION_TRANSITIONS,
    DelegationMember,
    DelegationRegistration,
    RegistrationEvent,
    note_verbale_path,
)
from registrations.models.dialogue import (
    APPLICATION_TRANSITIONS,
    DIALOGUE_KIND,
    ApplicationEvent,
    Dialogue,
    SlotApplication,
)
from registrations.models.documents import GeneratedDocument
from registrations.models.missions import FocalPointRequest, MissionAnswer
from registrations.models.reference import PermanentMission, RegionalGroup, State, validate_email_lines
from registrations.models.speakers import FLOOR_KINDS, Inscription, SpeakersList
from registrations.models.stakeholders import (
    NonObjectionEntry,
    NonObjectionList,
    Objection,
    Organization,
    OrganizationEvent,
    Representation,
)

__all__ = [
    "APPLICATION_TRANSITIONS",
    "DIALOGUE_KIND",
    "EDITABLE_STATUSES",
    "FLOOR_KINDS",
    "REGISTRATION_TRANSITIONS",
    "ApplicationEvent",
    "DelegationMember",
    "DelegationRegistration",
    "Dialogue",
    "FocalPointRequest",
    "GeneratedDocument",
    "Inscription",
    "MissionAnswer",
    "NonObjectionEntry",
    "NonObjectionList",
    "Objection",
    "Organization",
    "OrganizationEvent",
    "PermanentMission",
    "Profile",
    "RegionalGroup",
    "RegistrationEvent",
    "Representation",
    "SlotApplication",
    "SpeakersList",
    "StaffEnrolmentCode",
    "State",
    "note_verbale_path",
    "validate_email_lines",
]
