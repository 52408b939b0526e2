"""Rules for a mission's way in: focal-point requests and their decision, the letter's link, "we will not attend".

Status machine of a focal-point request:

    pending ──approve──▶ approved          (approving links the account to the mission as its focal point)
       └─────decline (reason)──▶ declined

An account whose verified address received the session's letter, following that letter's link, is approved at once
(`via_letter`). Each approval tells the mission's other focal points; each decision tells the requester, in the
language the request was made in. E-mails are queued after the commit.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from outbox.notify import enqueue_on_commit, notify_once
from registrations import permissions
from registrations.links import RegistrationLink
from registrations.models import DelegationRegistration, FocalPointRequest, MissionAnswer, PermanentMission, Profile
from registrations.selectors import delegations as delegation_selectors
from registrations.uploads import validate_note_verbale
from sessions.models import ThematicSession

Status = FocalPointRequest.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.APPROVED, Status.DECLINED}),
    Status.APPROVED: frozenset(),
    Status.DECLINED: frozenset(),
}

# A registration in one of these statuses is the mission's answer: it outranks "we will not attend".
REGISTERED_STATUSES = frozenset(
    {
        DelegationRegistration.Status.SUBMITTED,
        DelegationRegistration.Status.APPROVED,
        DelegationRegistration.Status.RETURNED,
        DelegationRegistration.Status.REJECTED,
    }
)


def _affiliation_problem(*, user, mission: PermanentMission) -> str | None:
    """Why `user` cannot become a focal point of `mission` (an account acts for one mission or organization)."""
    profile = Profile.objects.select_related("mission__state", "organization").filter(user=user).first()
    if profile is None:
        return None
    if profile.organization_id:
        return _("This account represents %(organization)s; a mission's focal point needs an account of its own.") % {
            "organization": profile.organization
        }
    if profile.mission_id and profile.mission_id != mission.pk and profile.is_focal_point:
        return _("This account is already a focal point of %(mission)s.") % {"mission": profile.mission.name}
    return None


def _link_account(*, user, mission: PermanentMission, by, reason: str) -> None:
    problem = _affiliation_problem(user=user, mission=mission)
    if problem:
        raise ValidationError(problem)
    profile, _created = Profile.objects.get_or_create(user=user)
    before = {"mission": str(profile.mission) if profile.mission_id else None, "is_focal_point": profile.is_focal_point}
    profile.mission = mission
    profile.is_focal_point = True
    profile.full_clean()
    profile.save()
    after = {"mission": str(mission), "is_focal_point": True}
    trail.record(actor=by, action="account link", obj=profile, before=before, after=after, reason=reason)


# --- Requests -------------------------------------------------------------------------------------------------------


def focal_point_request_create(
    *,
    user,
    mission: PermanentMission,
    function: str,
    designation_letter=None,
    session: ThematicSession | None = None,
    language: str = "en",
) -> FocalPointRequest:
    """Asks the secretariat to name `user` a focal point of `mission`. A pending request of the same account for the
    same mission is returned as it is (a second click asks once). An account has at most
    FOCAL_POINT_MAX_PENDING_REQUESTS requests pending, so that nobody files one (with its letter of designation) for
    every mission and fills the storage."""
    if permissions.is_focal_point_of_mission(user, mission):
        raise ValidationError(_("You are already a focal point of this mission."))
    problem = _affiliation_problem(user=user, mission=mission)
    if problem:
        raise ValidationError(problem)
    existing = FocalPointRequest.objects.filter(user=user, mission=mission, status=Status.PENDING).first()
    if existing:
        return existing
    _refuse_beyond_pending_limit(user=user)  # before the letter is parsed or stored
    if designation_letter is not None:
        validate_note_verbale(designation_letter)
    request = FocalPointRequest(
        user=user, mission=mission, function=(function or "").strip(), session=session, language=language
    )
    stored = None
    try:
        with transaction.atomic():
            # Requests of one account filed at the same moment wait for each other here, then count again.
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
            _refuse_beyond_pending_limit(user=user)
            if designation_letter is not None:
                request.designation_letter_name = (getattr(designation_letter, "name", "") or "letter.pdf")[-200:]
                request.designation_letter.save("designation.pdf", designation_letter, save=False)
                stored = request.designation_letter.name
            request.full_clean()
            request.save()
    except Exception:
        if stored:
            request.designation_letter.storage.delete(stored)
        raise
    return request


def _refuse_beyond_pending_limit(*, user) -> None:
    limit = settings.FOCAL_POINT_MAX_PENDING_REQUESTS
    if FocalPointRequest.objects.filter(user=user, status=Status.PENDING).count() >= limit:
        raise ValidationError(
            _(
                "Requests waiting for the secretariat's decision: at most %(count)s per account. Wait for a decision "
                "before asking to act for another mission."
            )
            % {"count": limit}
        )


def _locked(request: FocalPointRequest) -> FocalPointRequest:
    return FocalPointRequest.objects.select_for_update().select_related("mission__state", "user").get(pk=request.pk)


def _not_own(request: FocalPointRequest, *, by) -> None:
    # Four eyes: a secretariat member's own request to act for a State is decided by a colleague.
    if request.user_id == getattr(by, "pk", None):
        raise PermissionDenied("Nobody decides their own focal-point request: a colleague of the secretariat does.")


def _transition(request: FocalPointRequest, *, to: str) -> None:
    if to not in TRANSITIONS[request.status]:
        raise ValidationError(
            _("A request that is %(current)s cannot become %(next)s.")
            % {"current": Status(request.status).label.lower(), "next": Status(to).label.lower()}
        )
    request.status = to


def focal_point_request_approve(*, request: FocalPointRequest, by) -> FocalPointRequest:
    """Names the requester a focal point of the mission; tells them and the mission's other focal points."""
    permissions.require_secretariat(by, "Only the secretariat decides focal-point requests.")
    with transaction.atomic():
        locked = _locked(request)
        _not_own(locked, by=by)
        _transition(locked, to=Status.APPROVED)
        _link_account(user=locked.user, mission=locked.mission, by=by, reason="Focal-point request approved.")
        locked.decided_at, locked.decided_by = timezone.now(), by
        locked.full_clean()
        locked.save()
        enqueue_on_commit("registrations.notify_focal_point_decision", locked.pk)
        enqueue_on_commit("registrations.notify_focal_point_colleagues", locked.pk)
    request.refresh_from_db()
    return request


def focal_point_request_decline(*, request: FocalPointRequest, by, reason: str) -> FocalPointRequest:
    permissions.require_secretariat(by, "Only the secretariat decides focal-point requests.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give the reason: the requester reads it.")
    with transaction.atomic():
        locked = _locked(request)
        _not_own(locked, by=by)
        _transition(locked, to=Status.DECLINED)
        locked.reason = reason
        locked.decided_at, locked.decided_by = timezone.now(), by
        locked.full_clean()
        locked.save()
        trail.record(
            actor=by,
            action="focal-point request declined",
            obj=locked,
            before={"status": Status.PENDING},
            after={"status": Status.DECLINED},
            reason=reason,
        )
        enqueue_on_commit("registrations.notify_focal_point_decision", locked.pk)
    request.refresh_from_db()
    return request


# --- The letter's link ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkOutcome:
    """Where following a link leads: the mission's registration (`registration`), or a request form."""

    registration: DelegationRegistration | None = None
    linked_now: bool = False


def has_verified_address(*, user, email: str) -> bool:
    # Compared here, not with email__iexact: PostgreSQL's UPPER() folds lookalikes ('ı' and 'ſ' to 'I' and 'S'), so
    # a verified address at an attacker's IDN domain would pass for the letter's. Python's lower() folds none of them.
    wanted = email.strip().lower()
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return any(address.strip().lower() == wanted for address in verified)


def link_followed_record(*, link: RegistrationLink, now=None) -> None:
    """The board's "link followed": the first time a signed-in account acted on the mission's link for the session
    (an anonymous opening is not one: mail scanners open every link of a message before anyone reads it)."""
    answer, _created = MissionAnswer.objects.get_or_create(session=link.session, mission=link.mission)
    MissionAnswer.objects.filter(pk=answer.pk, link_followed_at__isnull=True).update(
        link_followed_at=now or timezone.now()
    )


def registration_link_follow(*, link: RegistrationLink, user, language: str = "en", now=None) -> LinkOutcome:
    """A signed-in account follows a letter's link: the board shows it followed. A focal point of the link's
    mission, or the account whose verified address the letter went to (it becomes a focal point now), gets the
    mission's registration for the session. Anyone else gets nothing here (the caller offers a focal-point
    request)."""
    link_followed_record(link=link, now=now)
    linked_now = False
    if not permissions.is_focal_point_of_mission(user, link.mission):
        if not has_verified_address(user=user, email=link.email):
            return LinkOutcome()
        if _affiliation_problem(user=user, mission=link.mission):
            return LinkOutcome()
        with transaction.atomic():
            _link_account(user=user, mission=link.mission, by=user, reason="The letter's address followed its link.")
            FocalPointRequest.objects.filter(user=user, mission=link.mission, status=Status.PENDING).delete()
            request = FocalPointRequest(
                user=user,
                mission=link.mission,
                session=link.session,
                via_letter=True,
                status=Status.APPROVED,
                language=language,
                decided_at=timezone.now(),
            )
            request.full_clean()
            request.save()
            enqueue_on_commit("registrations.notify_focal_point_colleagues", request.pk)
        linked_now = True
    from registrations import services

    registration = services.registration_start(session=link.session, mission=link.mission, by=user)
    return LinkOutcome(registration=registration, linked_now=linked_now)


# --- "We will not attend" -------------------------------------------------------------------------------------------


def mission_answer_set(
    *, session: ThematicSession, mission: PermanentMission, by, not_attending: bool, now=None
) -> MissionAnswer:
    """Records (or withdraws) "we will not attend", until the registration deadline. A mission that has submitted
    its registration has answered by it."""
    permissions.require_focal_point_of_mission(by, mission, "Only the mission's focal points answer for it.")
    problem = delegation_selectors.registration_open_message(session, now=now)
    if problem:
        raise ValidationError(problem)
    registered = DelegationRegistration.objects.filter(
        session=session, mission=mission, status__in=REGISTERED_STATUSES
    ).exists()
    if not_attending and registered:
        raise ValidationError(_("The delegation is registered: ask the secretariat to withdraw the registration."))
    with transaction.atomic():
        answer, _created = MissionAnswer.objects.select_for_update().get_or_create(session=session, mission=mission)
        answer.not_attending = not_attending
        answer.answered_at, answer.answered_by = now or timezone.now(), by
        answer.save()
    return answer


def not_attending_missions(*, user, session_ids) -> set[tuple[int, int]]:
    """(session id, mission id) of the user's missions that said they will not attend these sessions."""
    return set(
        MissionAnswer.objects.filter(
            session_id__in=session_ids, mission__in=permissions.missions_of(user), not_attending=True
        ).values_list("session_id", "mission_id")
    )


# --- Language of correspondence ------------------------------------------------------------------------------------


def mission_correspondence_language_set(*, mission: PermanentMission, language: str, by) -> PermanentMission:
    """Sets the official language letters are sent to `mission` in. The mission's focal points and the secretariat
    may; the change is on the audit trail (before → after). Setting the language it has already changes nothing."""
    if not (permissions.is_focal_point_of_mission(by, mission) or permissions.is_secretariat(by)):
        raise PermissionDenied("Only the mission's focal points and the secretariat set its correspondence language.")
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose one of the six official languages."))
    with transaction.atomic():
        locked = PermanentMission.objects.select_for_update().get(pk=mission.pk)
        before = locked.correspondence_language
        if before != language:
            locked.correspondence_language = language
            locked.save(update_fields=["correspondence_language"])
            trail.record(
                actor=by,
                action="language of correspondence",
                obj=locked,
                before={"correspondence_language": before},
                after={"correspondence_language": language},
            )
    mission.correspondence_language = language
    return mission


# --- Notifications (called by tasks) --------------------------------------------------------------------------------


def focal_point_decision_notify(*, request_id: int) -> bool:
    """E-mails the requester the decision. Sends at most once per request."""
    from registrations import notifications

    requests = FocalPointRequest.objects.select_related("user", "mission__state")
    return notify_once(
        requests.filter(status__in=[Status.APPROVED, Status.DECLINED]),
        pk=request_id,
        field="decision_notified_at",
        send=lambda: notifications.focal_point_decision_send(request=requests.get(pk=request_id)),
    )


def focal_point_colleagues_notify(*, request_id: int) -> bool:
    """E-mails the mission's other focal points that it has a new one. Sends at most once per approval."""
    from registrations import notifications

    requests = FocalPointRequest.objects.select_related("user", "mission__state")
    return notify_once(
        requests.filter(status=Status.APPROVED),
        pk=request_id,
        field="colleagues_notified_at",
        send=lambda: notifications.focal_point_added_send(request=requests.get(pk=request_id)),
    )
