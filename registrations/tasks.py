"""Thin Celery tasks: take ids, call one service. Enqueued after the commit (delay_on_commit)."""

from smtplib import SMTPException

from celery import shared_task

from registrations import services
from registrations.services import dialogue, stakeholders

RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": 30, "retry_backoff_max": 3600, "max_retries": 8}


@shared_task(name="registrations.notify_registration_event", **RETRY)
def notify_registration_event(event_id: int) -> bool:
    return services.registration_event_notify(event_id=event_id)


@shared_task(name="registrations.email_confirmation_letter", **RETRY)
def email_confirmation_letter(member_id: int) -> bool:
    return services.confirmation_letter_email(member_id=member_id)


@shared_task(name="registrations.notify_organization_event", **RETRY)
def notify_organization_event(event_id: int) -> bool:
    return stakeholders.organization_event_notify(event_id=event_id)


@shared_task(name="registrations.notify_representation_decision", **RETRY)
def notify_representation_decision(representation_id: int, status: str, decided_at: str | None = None) -> bool:
    return stakeholders.representation_decision_notify(
        representation_id=representation_id, status=status, decided_at=decided_at
    )


@shared_task(name="registrations.notify_application_event", **RETRY)
def notify_application_event(event_id: int) -> bool:
    return dialogue.application_event_notify(event_id=event_id)


@shared_task(name="registrations.close_due_non_objection_lists")
def close_due_non_objection_lists() -> int:
    """Periodic (celery beat): closes the non-objection lists whose deadline has passed."""
    return stakeholders.non_objection_lists_close_due()


@shared_task(name="registrations.draw_due_dialogues")
def draw_due_dialogues() -> int:
    """Periodic (celery beat): makes the draw of the dialogues whose application deadline has passed."""
    return dialogue.dialogues_draw_due()


@shared_task(name="registrations.notify_focal_point_decision", **RETRY)
def notify_focal_point_decision(request_id: int) -> bool:
    from registrations import missions

    return missions.focal_point_decision_notify(request_id=request_id)


@shared_task(name="registrations.notify_focal_point_colleagues", **RETRY)
def notify_focal_point_colleagues(request_id: int) -> bool:
    from registrations import missions

    return missions.focal_point_colleagues_notify(request_id=request_id)
