"""Rules for stakeholder organizations: registration, accreditation, the non-objection procedure, representatives.

Accreditation of an organization (resolution 71/280):

    requested ──confirm (ECOSOC status)──▶ accredited
        │  └──decline (reason)──▶ not accredited ──(on a later list)──┐
        └──put on a non-objection list (no ECOSOC status)──▶ on list ◀┘
    on list ──deadline, no objection──▶ accredited
    on list ──deadline, a Member State objected──▶ not accredited

Each decision is an OrganizationEvent and an e-mail to the organization, queued after the commit. Objections are
made by focal points of Member States' missions; their reasons are read by the secretariat only.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from audit import trail
from outbox.notify import enqueue_on_commit, notify_once
from registrations import permissions
from registrations.models import (
    Dialogue,
    NonObjectionEntry,
    NonObjectionList,
    Objection,
    Organization,
    OrganizationEvent,
    PermanentMission,
    Profile,
    Representation,
    State,
)
from sessions.models import ThematicSession

Accreditation = Organization.Accreditation
DEFAULT_REPRESENTATIVES = 2
# A reason the portal writes itself (the secretariat's own reasons are shown as typed).
OBJECTED_REASON = gettext_noop("A Member State objected to the organization's participation.")


def _locked_organization(organization: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _decide(organization: Organization, *, to: str, by, reason: str = "", now: datetime | None = None) -> None:
    """Records a decision on a locked organization and queues its e-mail; the caller has checked the rule."""
    now = now or timezone.now()
    before = organization.accreditation
    organization.accreditation = to
    organization.accreditation_reason = reason if to == Accreditation.NOT_ACCREDITED else ""
    organization.accredited_at = now if to == Accreditation.ACCREDITED else None
    organization.full_clean()
    organization.save()
    event = OrganizationEvent.objects.create(organization=organization, to_status=to, reason=reason, by=by, at=now)
    trail.record(
        actor=by,
        action="organization accreditation",
        obj=organization,
        before={"accreditation": before},
        after={"accreditation": to},
        reason=reason,
        at=now,
    )
    enqueue_on_commit("registrations.notify_organization_event", event.pk)


# --- Organizations --------------------------------------------------------------------------------------------------


def organization_register(
    *,
    by,
    name: str,
    kind: str,
    ecosoc_status: str,
    country: State | None = None,
    acronym: str = "",
    website: str = "",
    email: str = "",
    language: str = "en",
) -> Organization:
    """A signed-up person registers their organization and becomes its focal point; accreditation is requested.

    `language` is the one the focal point uses (a code of settings.LANGUAGES): e-mails to the organization use it.
    """
    profile = Profile.objects.filter(user=by).first()
    if profile and (profile.mission_id or profile.organization_id):
        raise ValidationError(_("This account already acts for a mission or an organization."))
    organization = Organization(
        name=name.strip(),
        acronym=acronym.strip(),
        kind=kind,
        ecosoc_status=ecosoc_status,
        country=country,
        website=website.strip(),
        email=(email or by.email).strip(),
        created_by=by,
        language=language or "en",
    )
    organization.full_clean()
    with transaction.atomic():
        organization.save()
        Profile.objects.update_or_create(
            user=by, defaults={"mission": None, "organization": organization, "is_focal_point": True}
        )
        trail.record(
            actor=by,
            action="organization register",
            obj=organization,
            after={"accreditation": organization.accreditation},
        )
    return organization


def accreditation_confirm(*, organization: Organization, by) -> Organization:
    """The secretariat confirms the ECOSOC status of an organization: it is accredited."""
    permissions.require_secretariat(by)
    with transaction.atomic():
        locked = _locked_organization(organization)
        if not locked.has_ecosoc_status:
            raise ValidationError(
                f"{locked} has no ECOSOC status: put it on a non-objection list for Member States to consider."
            )
        if locked.accreditation not in (Accreditation.REQUESTED, Accreditation.NOT_ACCREDITED):
            raise ValidationError(f"{locked} is {locked.get_accreditation_display().lower()}.")
        _decide(locked, to=Accreditation.ACCREDITED, by=by)
    organization.refresh_from_db()
    return organization


def accreditation_decline(*, organization: Organization, by, reason: str) -> Organization:
    """The secretariat declines a request (e.g. the ECOSOC status could not be confirmed), giving the reason."""
    permissions.require_secretariat(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give the reason: the organization reads it.")
    with transaction.atomic():
        locked = _locked_organization(organization)
        if locked.accreditation != Accreditation.REQUESTED:
            raise ValidationError(f"{locked} is {locked.get_accreditation_display().lower()}.")
        _decide(locked, to=Accreditation.NOT_ACCREDITED, by=by, reason=reason)
    organization.refresh_from_db()
    return organization


# --- The non-objection procedure ------------------------------------------------------------------------------------


def non_objection_deadline_check(deadline: datetime, *, now: datetime | None = None) -> None:
    """A new list's deadline must be ahead: Member States need time to consider it."""
    if deadline <= (now or timezone.now()):
        raise ValidationError("The deadline must be in the future: Member States need time to consider the list.")


def non_objection_list_create(*, title: str, deadline: datetime, by) -> NonObjectionList:
    permissions.require_secretariat(by)
    non_objection_deadline_check(deadline)
    nolist = NonObjectionList(title=title.strip(), deadline=deadline, created_by=by)
    nolist.full_clean()
    with transaction.atomic():
        nolist.save()
        trail.record(actor=by, action="non-objection list create", obj=nolist, after={"deadline": deadline})
    return nolist


def non_objection_list_add(*, nolist: NonObjectionList, organizations, by) -> list[NonObjectionEntry]:
    """Puts organizations without ECOSOC status on an open list; each is told, with the deadline."""
    permissions.require_secretariat(by)
    entries = []
    with transaction.atomic():
        locked_list = NonObjectionList.objects.select_for_update().get(pk=nolist.pk)
        if not locked_list.is_open:
            raise ValidationError(f"{locked_list.title} is closed.")
        for organization in organizations:
            locked = _locked_organization(organization)
            if locked.has_ecosoc_status:
                raise ValidationError(f"{locked} has ECOSOC status: confirm it instead.")
            if locked.accreditation not in (Accreditation.REQUESTED, Accreditation.NOT_ACCREDITED):
                raise ValidationError(f"{locked} is {locked.get_accreditation_display().lower()}.")
            entry = NonObjectionEntry(list=locked_list, organization=locked)
            entry.full_clean()
            entry.save()
            entries.append(entry)
            reason = f"Member States may object until {timezone.localtime(locked_list.deadline):%d %B %Y %H:%M %Z}."
            _decide(locked, to=Accreditation.ON_LIST, by=by, reason=reason)
    return entries


def _objecting_mission(*, user, state: State | None = None) -> PermanentMission:
    missions = permissions.member_state_missions_of(user)
    if state is not None:
        missions = missions.filter(state=state)
    mission = missions.first()
    if mission is None:
        raise PermissionDenied("Only focal points of Member States' missions consider the lists.")
    return mission


def _entry_open(entry: NonObjectionEntry, *, now=None) -> NonObjectionEntry:
    entry = NonObjectionEntry.objects.select_related("list", "organization").get(pk=entry.pk)
    if not entry.list.is_open_at(now or timezone.now()):
        raise ValidationError(_("The list is closed: objections are no longer taken."))
    return entry


def objection_raise(*, entry: NonObjectionEntry, by, reason: str = "") -> Objection:
    """A Member State objects to an organization on an open list (once; raising again updates the reason)."""
    mission = _objecting_mission(user=by)
    entry = _entry_open(entry)
    with transaction.atomic():
        objection, _created = Objection.objects.update_or_create(
            entry=entry,
            state=mission.state,
            defaults={"mission": mission, "by": by, "reason": (reason or "").strip(), "at": timezone.now()},
        )
        trail.record(actor=by, action="objection raise", obj=objection, reason=objection.reason)
    return objection


def objection_withdraw(*, entry: NonObjectionEntry, by) -> bool:
    mission = _objecting_mission(user=by)
    entry = _entry_open(entry)
    with transaction.atomic():
        deleted, _by_model = Objection.objects.filter(entry=entry, state=mission.state).delete()
        if deleted:
            trail.record(actor=by, action="objection withdraw", obj=entry, object_repr=f"{mission.state} on {entry}")
    return bool(deleted)


def non_objection_list_close(*, nolist: NonObjectionList, by=None, now: datetime | None = None) -> dict[str, int]:
    """Closes a list: organizations without objection are accredited, the others not; each is told.

    Called by the periodic task once the deadline has passed (`by` None), or by the secretariat to close it now.
    Closing twice does nothing the second time.
    """
    if by is not None:
        permissions.require_secretariat(by)
    now = now or timezone.now()
    counts = {"approved": 0, "not_approved": 0}
    with transaction.atomic():
        locked = NonObjectionList.objects.select_for_update().get(pk=nolist.pk)
        if locked.is_closed:
            return counts
        objected = Objection.objects.filter(entry=OuterRef("pk"))
        entries = (
            locked.entries.filter(outcome=NonObjectionEntry.Outcome.PENDING)
            .annotate(objected=Exists(objected))
            .select_related("organization")
        )
        for entry in entries:
            organization = _locked_organization(entry.organization)
            if entry.objected:
                entry.outcome = NonObjectionEntry.Outcome.NOT_APPROVED
                # Stored in English; the e-mail and the organization's page show it translated.
                reason = OBJECTED_REASON
                _decide(organization, to=Accreditation.NOT_ACCREDITED, by=by, reason=reason, now=now)
                counts["not_approved"] += 1
            else:
                entry.outcome = NonObjectionEntry.Outcome.APPROVED
                _decide(organization, to=Accreditation.ACCREDITED, by=by, now=now)
                counts["approved"] += 1
            entry.decided_at = now
            entry.save(update_fields=["outcome", "decided_at"])
        locked.closed_at = now
        locked.closed_by = by
        locked.save(update_fields=["closed_at", "closed_by"])
        trail.record(actor=by, action="non-objection list close", obj=locked, after=counts, at=now)
    return counts


def non_objection_lists_close_due(*, now: datetime | None = None) -> int:
    """Closes every open list whose deadline has passed (the periodic task); returns how many."""
    now = now or timezone.now()
    due = NonObjectionList.objects.past_deadline(now).values_list("pk", flat=True)
    closed = 0
    for pk in list(due):
        non_objection_list_close(nolist=NonObjectionList(pk=pk), now=now)
        closed += 1
    return closed


# --- Representatives ------------------------------------------------------------------------------------------------


def representatives_quota(session: ThematicSession) -> int:
    dialogue = Dialogue.objects.filter(session=session).only("representatives_per_organization").first()
    return dialogue.representatives_per_organization if dialogue else DEFAULT_REPRESENTATIVES


def representation_request(
    *, session: ThematicSession, organization: Organization, by, function: str = ""
) -> Representation:
    """A signed-up person asks to represent an accredited organization at a session."""
    if not organization.is_accredited:
        raise ValidationError(_("%(organization)s is not accredited.") % {"organization": organization})
    if session.status != ThematicSession.Status.PUBLISHED:
        raise ValidationError(_("The session is not open."))
    representation = Representation(session=session, organization=organization, user=by, function=function.strip())
    representation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            representation.save()
    except IntegrityError as error:
        raise ValidationError(_("You have already asked to represent an organization at this session.")) from error
    return representation


def representation_decide(*, representation: Representation, by, confirm: bool) -> Representation:
    """The organization's focal point or the secretariat confirms or declines; confirmations keep to the quota.

    A change of decision is e-mailed to the representative, after the commit and a settle delay
    (REPRESENTATION_NOTICE_SETTLE_SECONDS): decisions toggled within it make one e-mail, of the last one.
    """
    if not permissions.may_decide_representation(by, representation.organization):
        raise PermissionDenied("Only the organization's focal point or the secretariat confirms its representatives.")
    with transaction.atomic():
        _locked_organization(representation.organization)  # confirmations for one organization queue here
        locked = Representation.objects.select_related("session").get(pk=representation.pk)
        if confirm and locked.status != Representation.Status.CONFIRMED:
            quota = representatives_quota(locked.session)
            confirmed = Representation.objects.filter(
                session=locked.session, organization=locked.organization, status=Representation.Status.CONFIRMED
            ).count()
            if confirmed >= quota:
                raise ValidationError(
                    ngettext(
                        "%(quota)s representative is confirmed already, the most this session allows per organization.",
                        "%(quota)s representatives are confirmed already, the most this session allows per "
                        "organization.",
                        quota,
                    )
                    % {"quota": quota}
                )
        was = locked.status
        locked.status = Representation.Status.CONFIRMED if confirm else Representation.Status.DECLINED
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        trail.record(
            actor=by,
            action="representation decide",
            obj=locked,
            before={"status": was},
            after={"status": locked.status},
        )
        if locked.status != was:
            _enqueue_representation_notice(locked)
    representation.refresh_from_db()
    return representation


# --- Notifications (called by tasks) --------------------------------------------------------------------------------


def organization_event_notify(*, event_id: int) -> bool:
    """E-mails the organization about one decision on its accreditation. Sends at most once per event."""
    from registrations import notifications

    events = OrganizationEvent.objects.select_related("organization")
    return notify_once(
        events,
        pk=event_id,
        field="notified_at",
        send=lambda: notifications.organization_event_send(event=events.get(pk=event_id)),
    )


def _enqueue_representation_notice(representation: Representation) -> None:
    """After the commit, with a countdown: each decision's task carries its decision time, and only the task of the
    decision still standing when it runs sends (representation_decision_notify)."""
    enqueue_on_commit(
        "registrations.notify_representation_decision",
        representation.pk,
        representation.status,
        representation.decided_at.isoformat(),
        countdown=settings.REPRESENTATION_NOTICE_SETTLE_SECONDS,
    )


def representation_decision_notify(*, representation_id: int, status: str, decided_at: str | None = None) -> bool:
    """E-mails the representative the decision `status` made at `decided_at`, unless a later decision has replaced
    it since (that one's task follows) or the representative was last told this very decision. Claims with one
    atomic UPDATE of notified_status, so a task run twice sends once; an error gives the claim back to the retry."""
    from registrations import notifications

    standing = Representation.objects.filter(pk=representation_id, status=status)
    if decided_at is not None:
        standing = standing.filter(decided_at=datetime.fromisoformat(decided_at))
    told = standing.values_list("notified_status", flat=True).first()
    if told is None or told == status:
        return False
    if not standing.filter(notified_status=told).update(notified_status=status):
        return False  # another task claimed it, or a later decision came in between
    try:
        representation = Representation.objects.select_related("user", "organization", "session__process").get(
            pk=representation_id
        )
        notifications.representation_decision_send(representation=representation)
    except Exception:
        Representation.objects.filter(pk=representation_id, notified_status=status).update(notified_status=told)
        raise
    return True
