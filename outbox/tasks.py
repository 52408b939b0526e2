"""Thin tasks: take ids, call one service. The row guard makes each safe to run twice."""

from celery import shared_task

from outbox import sending


@shared_task(name="outbox.send_mail", acks_late=True, reject_on_worker_lost=True)
def send_mail(mail_id: int) -> str:
    return sending.mail_send(mail_id=mail_id)


@shared_task(name="outbox.sweep")
def sweep() -> dict[str, int]:
    return sending.mails_sweep()
