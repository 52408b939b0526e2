"""Thin tasks: take ids, call one service. The service's row guard makes each safe to run twice."""

from celery import shared_task

from outbox import sending


@shared_task(name="invitations.deliver", acks_late=True, reject_on_worker_lost=True)
def deliver(delivery_id: int) -> str:
    """Only for messages put on the broker before letters became outgoing mails (a site that upgrades with a
    dispatch under way): the delivery's mail, sent by the outbox. New letters go as `outbox.send_mail`."""
    from invitations.models import Delivery

    mail_id = Delivery.objects.filter(pk=delivery_id).values_list("mail_id", flat=True).first()
    return sending.mail_send(mail_id=mail_id) if mail_id else "gone"


@shared_task(name="invitations.send_due_reminders")
def send_due_reminders() -> int:
    from invitations import reminders

    return reminders.reminders_send_due()
