import sys
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from compact_portal import config
from invitations import dispatch as dispatching
from invitations import selectors
from invitations.models import Dispatch, Letter
from invitations.selectors import letter_for
from outbox import workers
from outbox.models import OutgoingMail

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Sends a session's letter to an audience: one e-mail with its own PDF per address, through the Celery worker. "
        "Addresses that already have the letter are left out. With --wait, shows progress until every delivery has "
        "ended and exits 1 if any failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("session_slug", help="e.g. gcm-its-6")
        parser.add_argument("--audience", required=True, choices=[a for a in Dispatch.Audience.values if a != "csv"])
        parser.add_argument("--language", default="en", help="The letter's language (default en).")
        parser.add_argument("--kind", default=Letter.Kind.INVITATION, choices=Letter.Kind.values)
        parser.add_argument("--wait", action="store_true", help="Show progress until done; exit 1 if any failed.")
        parser.add_argument("--timeout", type=float, default=0, help="With --wait: give up after SECONDS (0: never).")
        parser.add_argument(
            "--stall",
            type=float,
            default=30,
            help="With --wait: after SECONDS without progress, say whether a worker is running (default 30).",
        )

    def handle(self, *args, session_slug, audience, language, kind, wait, timeout, stall, **options):
        try:  # each letter carries links (the registration link): never to a guessed address
            config.require_portal_base_url()
        except config.ConfigError as error:
            raise CommandError(str(error)) from error
        try:
            letter = letter_for(session_slug=session_slug, kind=kind, language=language)
            dispatch = dispatching.dispatch_create(letter=letter, audience=audience, by=None)
        except (Letter.DoesNotExist, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        progress = selectors.dispatch_progress(dispatch)
        self.stdout.write(
            f"Dispatch {dispatch.pk}: {letter} to {dispatch.get_audience_display().lower()}: "
            f"{progress['total']} to send, {dispatch.already_sent} already had it."
        )
        if dispatch.without_email:
            names = dispatch.without_email.splitlines()
            self.stdout.write(f"No e-mail address, left out ({len(names)}): {'; '.join(names)}")
        if wait:
            self._wait(dispatch, timeout=timeout, stall=stall)

    def _wait(self, dispatch, *, timeout, stall):
        started = time.monotonic()
        interactive = sys.stdout.isatty()
        last_line, last_change, hinted_at = "", started, None
        while True:
            progress = selectors.dispatch_progress(dispatch)
            line = _progress_line(progress)
            if line != last_line:
                last_change = time.monotonic()
                self.stdout.write(("\r" + line) if interactive else line, ending="" if interactive else "\n")
                self.stdout.flush()
                last_line = line
            if progress["done"]:
                break
            if time.monotonic() - last_change > stall and hinted_at != last_change:
                self.stderr.write("\n" + stall_message(dispatch, seconds=stall))
                hinted_at = last_change
            if timeout and time.monotonic() - started > timeout:
                raise CommandError(f"\ngave up waiting after {timeout:g} s: {line}")
            time.sleep(0.5)
        if interactive:
            self.stdout.write("")
        elapsed = time.monotonic() - started
        self.stdout.write(f"Done in {elapsed:.1f} s: {progress['sent']} sent, {progress['failed']} failed.")
        if progress["failed"]:
            failed = dispatch.deliveries.filter(mail__status=OutgoingMail.Status.FAILED).select_related("mail")
            for delivery in failed:
                self.stderr.write(f"  failed: {delivery.recipient_name} <{delivery.email}>: {delivery.mail.last_error}")
            sys.exit(1)


def stall_message(dispatch, *, seconds: float, now=None) -> str:
    """Why nothing moved: no worker process is alive (none has a recent heartbeat), or workers are alive and the
    dispatch itself is stalled (what its pending deliveries are waiting for)."""
    alive = workers.alive_workers(now=now)
    if not alive:
        return (
            f"No progress for {seconds:g} s and no Celery worker is running (no worker heartbeat in the last "
            f"{settings.WORKER_DEAD_AFTER_SECONDS:g} s): start one (make run does)."
        )
    pending = dict(
        dispatch.deliveries.filter(mail__status__in=OutgoingMail.PENDING)
        .order_by()
        .values_list("mail__status")
        .annotate(n=Count("pk"))
        .values_list("mail__status", "n")
    )
    waiting = ", ".join(f"{n} {status}" for status, n in sorted(pending.items())) or "nothing pending"
    retry = (
        dispatch.deliveries.filter(mail__status=OutgoingMail.Status.RETRYING, mail__next_attempt_at__isnull=False)
        .order_by("mail__next_attempt_at")
        .values_list("mail__next_attempt_at", flat=True)
        .first()
    )
    due = f"; the next retry is due at {timezone.localtime(retry):%H:%M:%S}" if retry else ""
    return (
        f"No progress for {seconds:g} s, but {len(alive)} worker process{'es' if len(alive) != 1 else ''} "
        f"{'are' if len(alive) != 1 else 'is'} running ({', '.join(sorted(alive))}): the dispatch is stalled "
        f"({waiting}{due}). Busy with other work, or the broker lost its messages (the sweeper re-queues them)."
    )


def _progress_line(progress: dict) -> str:
    total = progress["total"] or 1
    sent = round(BAR_WIDTH * progress["sent"] / total)
    failed = round(BAR_WIDTH * progress["failed"] / total)
    bar = "#" * sent + "x" * failed + "." * (BAR_WIDTH - sent - failed)
    retrying = f", {progress['retrying']} retrying" if progress["retrying"] else ""
    return (
        f"[{bar}] {progress['sent']}/{progress['total']} sent, {progress['failed']} failed, "
        f"{progress['pending']} pending{retrying}"
    )
