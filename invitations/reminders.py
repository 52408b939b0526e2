"""Reminders through the letters' own machinery: a round is a dispatch of a copy of the session's reminder letter to
an audience that has not answered yet (missions that have neither registered nor declined; accredited organizations
that have not applied for the informal dialogue). Each mission's copy carries its own registration link.

By the schedule (Celery beat, `reminders_send_due`): a round per number of days before the deadline (default 7 and
2), once: the round's row is unique per session, audience and day, written in the transaction that makes the
dispatch, so a beat that runs twice (or two beats) sends it once. By hand ("remind now" on the board): a round
whenever a co-facilitator asks, idempotent per the form's key.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from invitations import audiences
from invitations.dispatch import dispatch_create
from invitations.models import Dispatch, Letter
from invitations.reminder_models import ReminderRound, ReminderSchedule, days_list
from registrations.models import Dialogue
from sessions.models import ThematicSession

MISSIONS = Dispatch.Audience.MISSIONS_WITHOUT_ANSWER
STAKEHOLDERS = Dispatch.Audience.STAKEHOLDERS_WITHOUT_APPLICATION


def schedule_of(session: ThematicSession) -> ReminderSchedule:
    """The session's schedule, or the default one (unsaved): missions at 7 and 2 days, no stakeholders."""
    return ReminderSchedule.objects.filter(session=session).first() or ReminderSchedule(session=session)


def reminder_letter(session: ThematicSession, *, audience: str) -> Letter | None:
    """The letter a round copies: the schedule's, else (for missions) the session's first reminder letter that is
    not itself a round's copy."""
    schedule = schedule_of(session)
    if audience == STAKEHOLDERS:
        return schedule.stakeholder_letter
    if schedule.mission_letter_id:
        return schedule.mission_letter
    return (
        Letter.objects.originals().filter(session=session, kind=Letter.Kind.REMINDER).order_by("language", "pk").first()
    )


def _copy(letter: Letter) -> Letter:
    """The letter with its language versions, signatories and attachments, as a new letter: each round reaches each
    address once, and each mission in its language of correspondence as the letter would."""
    parts = [*letter.versions.all(), *letter.signatories.all()]
    attachments = list(letter.attachments.all())
    copy = Letter.objects.get(pk=letter.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.save()
    for part in parts:
        part.pk = part.id = None
        part._state.adding = True
        part.letter = copy
        part.save()
    copy.attachments.set(attachments)
    return copy


def _send(round_: ReminderRound, *, template: Letter, by, key: uuid.UUID | None = None) -> ReminderRound:
    round_.letter = _copy(template)
    round_.dispatch = dispatch_create(letter=round_.letter, audience=round_.audience, by=by, key=key)
    round_.save(update_fields=["letter", "dispatch"])
    return round_


@dataclass(frozen=True)
class AudienceCount:
    recipients: int  # missions or organizations
    addresses: int


def reminder_count(session: ThematicSession, *, audience: str) -> AudienceCount:
    """Who a reminder sent now would reach ("remind now" shows it before sending)."""
    letter = reminder_letter(session, audience=audience) or Letter(session=session, language="en")
    recipients = audiences.audience_recipients(letter=letter, audience=audience).recipients
    return AudienceCount(
        recipients=len({r.mission_id or r.name for r in recipients}),
        addresses=len(recipients),
    )


def reminder_send_now(*, session: ThematicSession, audience: str, by, key: uuid.UUID) -> ReminderRound:
    """A round now, by a co-facilitator (dispatch_create checks the permission). A second submit of the same form
    (same `key`) returns the first round."""
    existing = ReminderRound.objects.filter(dispatch__key=key).first()
    if existing:
        return existing
    template = reminder_letter(session, audience=audience)
    if template is None:
        raise LookupError("This session has no reminder letter: the secretariat prepares one (kind Reminder).")
    with transaction.atomic():
        round_ = ReminderRound.objects.create(session=session, audience=audience, created_by=by)
        return _send(round_, template=template, by=by, key=key)


def _send_due_round(*, session, audience: str, deadline, days: list[int], now) -> ReminderRound | None:
    due = [day for day in days if deadline - timedelta(days=day) <= now < deadline]
    if not due:
        return None
    done = set(
        ReminderRound.objects.filter(session=session, audience=audience, days_before__in=due).values_list(
            "days_before", flat=True
        )
    )
    pending = [day for day in due if day not in done]
    template = reminder_letter(session, audience=audience)
    if not pending or template is None:
        return None
    latest = min(pending)  # a round whose day passed while a later one is due is skipped, not sent late
    try:
        with transaction.atomic():
            for day in pending:
                if day != latest:
                    ReminderRound.objects.create(session=session, audience=audience, days_before=day, skipped=True)
            round_ = ReminderRound.objects.create(session=session, audience=audience, days_before=latest)
            return _send(round_, template=template, by=None)
    except IntegrityError:
        return None  # another beat sent this round first


def reminders_send_due(*, now=None) -> int:
    """Celery beat: sends each round whose day has come, once. Returns how many rounds were sent."""
    now = now or timezone.now()
    sent = 0
    sessions = ThematicSession.objects.filter(status=ThematicSession.Status.PUBLISHED, registration_deadline__gt=now)
    for session in sessions:
        schedule = schedule_of(session)
        sent += bool(
            _send_due_round(
                session=session,
                audience=MISSIONS,
                deadline=session.registration_deadline,
                days=days_list(schedule.mission_days),
                now=now,
            )
        )
    for dialogue in Dialogue.objects.filter(applications_close_at__gt=now).select_related("session"):
        schedule = schedule_of(dialogue.session)
        if schedule.stakeholder_letter_id:
            sent += bool(
                _send_due_round(
                    session=dialogue.session,
                    audience=STAKEHOLDERS,
                    deadline=dialogue.applications_close_at,
                    days=days_list(schedule.stakeholder_days),
                    now=now,
                )
            )
    return sent
