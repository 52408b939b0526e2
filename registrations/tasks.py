"""Thin Celery tasks: take ids, call one service. Enqueued after the commit (delay_on_commit)."""

from smtplib import SMTPException

from celery import shared_task

from registrations import services

RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": 30, "retry_backoff_max": 3600, "max_retries": 8}


@shared_task(name="registrations.notify_registration_event", **RETRY)
def notify_registration_event(event_id: int) -> bool:
    return services.registration_event_notify(event_id=event_id)


@shared_task(name="registrations.email_confirmation_letter", **RETRY)
def email_confirmation_letter(member_id: int) -> bool:
    return services.confirmation_letter_email(member_id=member_id)
