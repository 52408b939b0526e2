"""The two steps every notification shares: its task is put on the broker after the commit, and it is made once.

A notification is "made" when its outgoing mail is written (outbox.sending.mail_queue); the mail's own row then
guards the sending. The row that asked for it (an event, a member, a request) records when it was made, in a
field claimed with one atomic UPDATE, so a task delivered twice makes one mail."""

from collections.abc import Callable
from importlib import import_module

from celery import current_app
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone


def enqueue_on_commit(task_name: str, *args, countdown: float | None = None) -> None:
    """Puts the task named `task_name` (e.g. "registrations.notify_registration_event") on the broker after the
    current transaction commits, to run `countdown` seconds later if given; nothing if it rolls back."""
    # Task names are "<app>.<function>" and live in <app>/tasks.py; a web process has not necessarily imported it
    # (the worker's autodiscovery runs at its start only).
    import_module(f"{task_name.partition('.')[0]}.tasks")
    task = current_app.tasks[task_name]
    if countdown is None:
        task.delay_on_commit(*args)
    else:
        transaction.on_commit(lambda: task.apply_async(args, countdown=countdown))


def notify_once(rows: QuerySet, *, pk: int, field: str, send: Callable[[], None]) -> bool:
    """Claims row `pk` of `rows` by setting `field` (when its notification was made) if it is still empty, then
    calls `send()`. An error gives the claim back, so the task's retry makes it, and is raised again. Returns
    whether this call made the notification; False if another did, or `rows` no longer holds the row."""
    if not rows.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: timezone.now()}):
        return False
    try:
        send()
    except Exception:
        rows.model._base_manager.filter(pk=pk).update(**{field: None})
        raise
    return True
