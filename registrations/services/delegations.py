"""Rules for delegation registrations and speakers lists. Views, admin actions, commands and tasks call these.

Status machine of a registration (no state is ever skipped):

    draft ──submit──▶ submitted ──approve──▶ approved
                         │  ▲
                return   │  │ submit (after the focal point's changes)
                (reason) ▼  │
                       returned
    submitted ──reject (reason)──▶ rejected

Draft, submitted and returned registrations can be edited by the mission's focal points; approved and rejected
ones are final. Each change of status is a RegistrationEvent (who, when, why) and sends an e-mail, queued after
the commit.
"""

import logging
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from audit.models import AuditEntry
from outbox.notify import enqueue_on_commit, notify_once
from registrations import permissions
from registrations.models import (
    REGISTRATION_TRANSITIONS,
    DelegationMember,
    DelegationRegistration,
    PermanentMission,
    RegistrationEvent,
)
from registrations.selectors import delegations as delegation_selectors
from registrations.uploads import validate_note_verbale
from sessions.models import ThematicSession

logger = logging.getLogger(__name__)
Status = DelegationRegistration.Status

TRANSITIONS = REGISTRATION_TRANSITIONS  # the one table, on the status enum (registrations/models/delegations.py)


@dataclass(frozen=True)
class MemberData:
    """One member of a delegation as a form gives it; `id` names an existing member to update."""

    family_name: str
    function: str
    honorific: str = ""
    given_name: str = ""
    email: str = ""
    attendance: str = DelegationMember.Attendance.IN_PERSON
    id: int | None = None


MEMBER_FIELDS = [f.name for f in fields(MemberData) if f.name != "id"]


def _locked(registration: DelegationRegistration) -> DelegationRegistration:
    """The registration's row locked (only it: on PostgreSQL a lock without `of` would also lock the rows joined, its
    session's among them, and every submission to the session would wait for the one before), read with its session
    and mission's State."""
    # Its mission never changes: the one the caller read with its State (for the audit trail's name) serves.
    mission_read = DelegationRegistration.mission.is_cached(registration) and PermanentMission.state.is_cached(
        registration.mission
    )
    related = ["session"] if mission_read else ["session", "mission__state"]
    locked = (
        DelegationRegistration.objects.select_for_update(of=("self",)).select_related(*related).get(pk=registration.pk)
    )
    if mission_read:
        locked.mission = registration.mission
    return locked


def registration_start(*, session: ThematicSession, mission: PermanentMission, by) -> DelegationRegistration:
    """The mission's registration for the session: the existing one, or a new draft while registration is open."""
    permissions.require_focal_point_of_mission(by, mission)
    existing = DelegationRegistration.objects.filter(session=session, mission=mission).first()
    if existing:
        return existing
    problem = delegation_selectors.registration_open_message(session)
    if problem:
        raise ValidationError(problem)
    registration = DelegationRegistration(session=session, mission=mission, created_by=by)
    registration.full_clean()
    try:
        with transaction.atomic():
            registration.save()
            trail.record(actor=by, action="registration start", obj=registration, after={"status": registration.status})
    except IntegrityError:  # a colleague started it at the same moment
        return DelegationRegistration.objects.get(session=session, mission=mission)
    return registration


class NotSubmitted(ValidationError):
    """registration_update(submit=True): the changes are saved, but the registration could not be submitted (its
    messages say why)."""


def registration_update(
    *,
    registration: DelegationRegistration,
    by,
    head: MemberData,
    members: list[MemberData],
    note_verbale=None,
    language: str | None = None,
    submit: bool = False,
) -> DelegationRegistration:
    """Replaces the delegation (head and members) and, if given, the note verbale. Only while editable.
    `language`: the focal point's, in which e-mails and letters about the registration go out. `submit`: then
    submitted in the same transaction, under the same lock, if registration_submit's rules allow it; if they do not,
    the changes are saved all the same and NotSubmitted is raised after the commit."""
    permissions.require_focal_point_of_mission(by, registration.mission)
    if note_verbale is not None:
        validate_note_verbale(note_verbale)
    stored_name = None
    refused = []
    try:
        with transaction.atomic():
            locked = _locked(registration)
            if not locked.is_editable:
                raise ValidationError(
                    _("This registration is %(status)s and can no longer be changed.")
                    % {"status": locked.get_status_display().lower()}
                )
            _members_replace(registration=locked, head=head, members=members)
            old_name = locked.note_verbale.name if locked.note_verbale else ""
            if note_verbale is not None:
                locked.note_verbale_name = (getattr(note_verbale, "name", "") or "note-verbale.pdf")[-200:]
                locked.note_verbale.save("note-verbale.pdf", note_verbale, save=False)
                stored_name = locked.note_verbale.name
                if old_name:
                    transaction.on_commit(lambda: locked.note_verbale.storage.delete(old_name))
            if language:
                locked.language = language
            entries = [
                trail.entry(
                    actor=by,
                    action="registration update",
                    obj=locked,
                    after={"members": locked.member_count, "note_verbale": locked.note_verbale_name},
                )
            ]
            if submit:
                refused = _submission_problems(locked, has_head=True)  # _members_replace has just named the head
                if not refused:
                    entries.append(_submitted(locked, by=by))
            _full_clean(locked)
            locked.save()
            trail.append(*entries)  # the update, then the submission: one lock of the chain, at the end
    except Exception:
        if stored_name:  # the new file belongs to no committed row
            registration.note_verbale.storage.delete(stored_name)
        raise
    _refreshed(registration, locked)
    if refused:
        raise NotSubmitted(refused)
    return registration


# A registration's foreign keys (its session, mission, the accounts that made and decided it) name rows that exist,
# which the database's keys hold; its session and mission never change, so neither does their pair's uniqueness; and
# its one check (a reason when returned or rejected) is _decide's first rule. None of them is worth a query each time
# it is saved.
_HELD = ["session", "mission", "created_by", "decided_by"]


def _full_clean(locked: DelegationRegistration) -> None:
    locked.full_clean(exclude=_HELD, validate_unique=False, validate_constraints=False)


def _refreshed(registration: DelegationRegistration, locked: DelegationRegistration) -> DelegationRegistration:
    """`registration` as `locked` (read and saved under the lock) now is: refresh_from_db without a query. Its related
    rows stay (session and mission never change), and the prefetched members and events are dropped."""
    for field in DelegationRegistration._meta.concrete_fields:
        setattr(registration, field.attname, getattr(locked, field.attname))
    registration._prefetched_objects_cache = {}
    return registration


def _members_replace(*, registration: DelegationRegistration, head: MemberData, members: list[MemberData]) -> None:
    existing = {member.pk: member for member in registration.members.all()}
    wanted = [(head, True), *((member, False) for member in members)]
    keep = {data.id for data, _is_head in wanted if data.id in existing}
    if set(existing) - keep:
        DelegationMember.objects.filter(registration=registration).exclude(pk__in=keep).delete()
    if keep:
        # The head may change hands: clear the flag first so the one-head constraint holds at every step.
        DelegationMember.objects.filter(registration=registration).update(is_head=False)
    new, kept = [], []
    for order, (data, is_head) in enumerate(wanted):
        member = existing.get(data.id) if data.id in keep else DelegationMember(registration=registration)
        for name in MEMBER_FIELDS:
            setattr(member, name, (getattr(data, name) or "").strip())
        member.is_head = is_head
        member.order = order
        # Its registration is the locked row; one head among `wanted` (the database's constraint holds it too).
        member.full_clean(exclude=["registration"], validate_constraints=False)
        (kept if member.pk else new).append(member)
    # One UPDATE for the members kept and one INSERT for the new ones, whatever the delegation's size.
    DelegationMember.objects.bulk_update(kept, [*MEMBER_FIELDS, "is_head", "order"])
    DelegationMember.objects.bulk_create(new)
    registration.member_count = len(wanted)  # saved by the caller, in this transaction, under the row lock


def members_recount(registrations: QuerySet[DelegationRegistration]) -> int:
    """Sets `member_count` from the members table, in one UPDATE: for loaders that bulk-insert members (the COP-scale
    demo, benchmarks), which no service sees. Returns the number of registrations updated."""
    counted = (
        DelegationMember.objects.filter(registration=OuterRef("pk"))
        .order_by()
        .values("registration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return registrations.update(member_count=Coalesce(Subquery(counted), 0))


def _cannot_become(current: str, to: str) -> str:
    return _("A registration that is %(current)s cannot become %(next)s.") % {
        "current": Status(current).label.lower(),
        "next": Status(to).label.lower(),
    }


def _transition(registration: DelegationRegistration, *, to: str, by, reason: str = "") -> AuditEntry:
    """Moves a locked registration one step along the machine and records the step as an event; the caller saves,
    and appends the returned audit entry to the trail (trail.append) in the same transaction."""
    current = registration.status
    if not Status(current).can_become(to):
        raise ValidationError(_cannot_become(current, to))
    registration.status = to
    event = RegistrationEvent(registration=registration, from_status=current, to_status=to, reason=reason, by=by)
    event.full_clean(exclude=["registration", "by"])  # the locked row, and the account acting (no query each)
    event.save()
    enqueue_on_commit("registrations.notify_registration_event", event.pk)
    return trail.entry(
        actor=by,
        action=f"registration {to}",
        obj=registration,
        before={"status": current},
        after={"status": to},
        reason=reason,
    )


def _submission_problems(locked: DelegationRegistration, *, has_head: bool) -> list[str]:
    """Why the locked registration cannot be submitted now (nothing if it can): the one set of rules of a
    submission, for registration_submit and registration_update(submit=True). Reads nothing but the session."""
    if not locked.can_submit:
        return [_cannot_become(locked.status, Status.SUBMITTED)]
    if locked.status == Status.DRAFT:
        problem = delegation_selectors.registration_open_message(locked.session)
        if problem:
            return [problem]
    elif locked.status == Status.RETURNED and locked.session.status != ThematicSession.Status.PUBLISHED:
        return [_("The session is closed: the registration can no longer be resubmitted.")]
    problems = []
    if not has_head:
        problems.append(_("Name the head of delegation."))
    if not locked.note_verbale:
        problems.append(_("Upload the note verbale (PDF)."))
    return problems


def _submitted(locked: DelegationRegistration, *, by) -> AuditEntry:
    locked.submitted_at = timezone.now()
    return _transition(locked, to=Status.SUBMITTED, by=by)


def registration_submit(*, registration: DelegationRegistration, by) -> DelegationRegistration:
    """Sends the registration to the secretariat: first while registration is open, again after a return."""
    permissions.require_focal_point_of_mission(by, registration.mission)
    with transaction.atomic():
        locked = _locked(registration)
        has_head = locked.can_submit and locked.members.filter(is_head=True).exists()
        problems = _submission_problems(locked, has_head=has_head)
        if problems:
            raise ValidationError(problems)
        entry = _submitted(locked, by=by)
        _full_clean(locked)
        locked.save()
        trail.append(entry)
    return _refreshed(registration, locked)


def _decide(*, registration: DelegationRegistration, by, to: str, reason: str) -> DelegationRegistration:
    permissions.require_secretariat(by)
    reason = (reason or "").strip()
    if to in (Status.RETURNED, Status.REJECTED) and not reason:
        raise ValidationError("Give the reason: the focal point reads it.")
    with transaction.atomic():
        locked = _locked(registration)
        entry = _transition(locked, to=to, by=by, reason=reason)
        locked.decision_reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.full_clean()
        locked.save()
        trail.append(entry)
        if to == Status.APPROVED:
            for member_id in locked.members.exclude(email="").values_list("pk", flat=True):
                enqueue_on_commit("registrations.email_confirmation_letter", member_id)
    return _refreshed(registration, locked)


def registration_approve(*, registration: DelegationRegistration, by, reason: str = "") -> DelegationRegistration:
    """Approves a submitted registration; each member with an address is e-mailed a confirmation letter."""
    return _decide(registration=registration, by=by, to=Status.APPROVED, reason=reason)


def registration_return(*, registration: DelegationRegistration, by, reason: str) -> DelegationRegistration:
    """Sends a submitted registration back to the focal point, who changes it and submits again."""
    return _decide(registration=registration, by=by, to=Status.RETURNED, reason=reason)


def registration_reject(*, registration: DelegationRegistration, by, reason: str) -> DelegationRegistration:
    return _decide(registration=registration, by=by, to=Status.REJECTED, reason=reason)


DECISIONS = {
    "approve": registration_approve,
    "return": registration_return,
    "reject": registration_reject,
}


# --- Notifications (called by tasks) --------------------------------------------------------------------------------


def registration_event_notify(*, event_id: int) -> bool:
    """E-mails the mission's focal points about one change of status. Sends at most once per event."""
    from registrations import notifications

    events = RegistrationEvent.objects.select_related("registration__session__process", "registration__mission__state")
    return notify_once(
        events,
        pk=event_id,
        field="notified_at",
        send=lambda: notifications.registration_event_send(event=events.get(pk=event_id)),
    )


def confirmation_letter_email(*, member_id: int) -> bool:
    """E-mails one member of an approved delegation the confirmation letter. Sends at most once per member."""
    from registrations import notifications

    return notify_once(
        DelegationMember.objects.filter(registration__status=Status.APPROVED),
        pk=member_id,
        field="letter_emailed_at",
        send=lambda: notifications.confirmation_letter_send(
            member=delegation_selectors.member_with_registration(pk=member_id)
        ),
    )
