"""Thin tasks: take ids, call one service. The service's row guard makes each safe to run twice."""

from celery import shared_task

from invitations import dispatch


@shared_task(name="invitations.deliver", acks_late=True, reject_on_worker_lost=True)
def deliver(delivery_id: int) -> str:
    return dispatch.delivery_send(delivery_id=delivery_id)


@shared_task(name="invitations.sweep_stuck_deliveries")
def sweep_stuck_deliveries() -> dict[str, int]:
    return dispatch.deliveries_sweep()


@shared_task(name="invitations.send_due_reminders")
def send_due_reminders() -> int:
    from invitations import reminders

    return reminders.reminders_send_due()
