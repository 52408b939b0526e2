"""Sending a letter: one dispatch, one delivery per address, each delivery with its outgoing mail.

The database is the source of truth; the broker only carries wake-ups. See README, "Sending letters".
dispatch_create writes the dispatch, its deliveries and their mails (outbox.OutgoingMail, renderer
"invitations.delivery") in one transaction, and puts the mails' tasks on the broker only after the commit. From there
the outbox sends a letter as it sends every mail (outbox/sending.py: claim, render, send, classify, back off, sweep);
`delivery_email` below is the renderer it calls, registered in InvitationsConfig.ready().
"""

import logging
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from audit import trail
from compact_portal import permissions
from invitations import audiences, placeholders, rendering
from invitations.models import Delivery, Dispatch, Letter
from invitations.selectors import addresses_with
from invitations.services import letter_revision_for
from outbox import renderers, sending
from outbox.models import OutgoingMail

logger = logging.getLogger(__name__)

RENDERER = "invitations.delivery"
KIND = "letter"


# --- Creating a dispatch ---------------------------------------------------------------------------------------------


def dispatch_create(
    *, letter: Letter, audience: str, by, key: uuid.UUID | None = None, csv_text: str | None = None
) -> Dispatch:
    """Sends `letter` to `audience`. Idempotent per `key` (the send form's): a second submit returns the first
    dispatch. Addresses that already have this letter, from any dispatch, are left out and counted.
    `by` is the user who sends, or None for an operator at the command line (who has the server already)."""
    _check_may_send(by)
    if key is not None and (existing := Dispatch.objects.filter(key=key).first()):
        return existing
    audience_list = audiences.audience_recipients(letter=letter, audience=audience, csv_text=csv_text)
    # In address order: two sends inserting the same addresses take their index locks in the same order.
    recipients = sorted(audience_list.recipients, key=lambda recipient: recipient.email)
    try:
        with transaction.atomic():
            # Sends of one letter take turns (a row lock on PostgreSQL; SQLite's IMMEDIATE transactions already
            # do): the second reads what the first wrote, so it leaves those addresses out and counts them.
            Letter.objects.select_for_update().filter(pk=letter.pk).first()
            dispatch = Dispatch(letter=letter, audience=audience, created_by=by, key=key or uuid.uuid4())
            dispatch.without_email = "\n".join(audience_list.without_email)
            dispatch.full_clean()
            dispatch.save()
            already = addresses_with(letter)
            fresh = [recipient for recipient in recipients if recipient.email not in already]
            # Each delivery is pinned to the frozen text of its language: later edits never reach it.
            revisions = {
                language: letter_revision_for(letter=letter, language=language)
                for language in {recipient.language or letter.language for recipient in fresh}
            }
            ids = _deliveries_create(dispatch, fresh, revisions)
            dispatch.already_sent, dispatch.delivery_count = len(recipients) - len(ids), len(ids)
            Dispatch.objects.filter(pk=dispatch.pk).update(
                already_sent=dispatch.already_sent, delivery_count=dispatch.delivery_count
            )
            trail.record(
                actor=by,
                action="letter send",
                obj=dispatch,
                after={
                    "letter": str(letter),
                    "audience": audience,
                    "deliveries": len(ids),
                    "already_sent": dispatch.already_sent,
                },
                session_id=letter.session_id,
            )
            transaction.on_commit(lambda: sending.mails_enqueue(ids), robust=True)
    except IntegrityError:
        # Two submits of one form raced: the other one committed first, and its dispatch is this one.
        if key is not None and (existing := Dispatch.objects.filter(key=key).first()):
            return existing
        raise
    logger.info("dispatch %s: %s deliveries queued, %s already sent", dispatch.pk, len(ids), dispatch.already_sent)
    return dispatch


def _deliveries_create(dispatch: Dispatch, recipients: list, revisions: dict) -> list[int]:
    """One outgoing mail and one delivery per recipient, in two bulk inserts; returns the mails' ids in address
    order. Conflicting deliveries are skipped, never raised: the unique constraints on the lower-cased address are
    the last word on who has each address (an address another send wrote first counts as already sent), and the
    mails of the skipped ones are deleted again."""
    letter, now = dispatch.letter, timezone.now()
    session = letter.session
    reply_to = [session.process.secretariat_email] if session.process.secretariat_email else []
    subjects = {
        language: (
            revision.content["subject"],
            placeholders.session_values(session, language=revision.content["language"]),
        )
        for language, revision in revisions.items()
    }

    def subject(recipient) -> str:  # as the e-mail will say it (rendering.delivery_email), for the outgoing list
        text, session_values = subjects[recipient.language or letter.language]
        return placeholders.fill(text, session_values | recipient.values, html=False)

    # Both PostgreSQL and SQLite (3.35+) return the new rows' keys from bulk_create (Django 5.2, RETURNING).
    mails = OutgoingMail.objects.bulk_create(
        OutgoingMail(
            kind=KIND,
            renderer=RENDERER,
            subject=subject(recipient)[:500],
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
            reply_to=reply_to,
            body="",
            enqueued_at=now,
        )
        for recipient in recipients
    )
    Delivery.objects.bulk_create(
        (
            Delivery(
                dispatch=dispatch,
                letter=letter,
                revision=revisions[recipient.language or letter.language],
                mission_id=recipient.mission_id,
                email=recipient.email,
                recipient_name=recipient.name,
                recipient_code=recipient.code,
                values=recipient.values,
                mail=mail,
            )
            for recipient, mail in zip(recipients, mails, strict=True)
        ),
        ignore_conflicts=True,
    )
    ids = list(dispatch.deliveries.order_by("mail_id").values_list("mail_id", flat=True))
    if len(ids) < len(mails):
        OutgoingMail.objects.filter(pk__in=[mail.pk for mail in mails], delivery__isnull=True).delete()
    return ids


def _check_may_send(user) -> None:
    if user is not None and not permissions.is_cofacilitator(user):
        raise PermissionDenied("Only co-facilitators may send letters.")


def dispatch_resend_failed(*, dispatch: Dispatch, by) -> int:
    """Queues the failed deliveries of `dispatch` again (each renders its pinned text); returns how many."""
    _check_may_send(by)
    with transaction.atomic():
        ids = sending.mails_resend(OutgoingMail.objects.filter(delivery__dispatch=dispatch))
        if ids:
            trail.record(
                actor=by,
                action="letter resend failed",
                obj=dispatch,
                after={"deliveries": len(ids)},
                session_id=dispatch.letter.session_id,
            )
    return len(ids)


# --- The dispatches' kept counts -------------------------------------------------------------------------------------

COUNT_FIELDS = {OutgoingMail.Status.SENT: "sent_count", OutgoingMail.Status.FAILED: "failed_count"}


def delivery_counts_change(mail_ids: list[int], *, status: str, change: int) -> None:
    """The outbox's hook (renderers.counted): the letters' mails `mail_ids` reached (+1) or left (-1) `status`; their
    dispatches' counts follow, in the transaction of the change. One UPDATE per dispatch, its row locked until the
    commit (two workers finishing at once add one each)."""
    field = COUNT_FIELDS[status]
    if len(mail_ids) == 1:  # a worker's sent or failed letter: one statement
        Dispatch.objects.filter(deliveries__mail_id=mail_ids[0]).update(**{field: F(field) + change})
        return
    per_dispatch = (
        Delivery.objects.filter(mail_id__in=mail_ids).order_by("dispatch_id").values_list("dispatch_id")
    ).annotate(n=Count("pk"))
    for dispatch_id, n in per_dispatch:
        Dispatch.objects.filter(pk=dispatch_id).update(**{field: F(field) + change * n})


def dispatch_recount(dispatch: Dispatch) -> Dispatch:
    """Counts `dispatch`'s deliveries again into its kept counts, for rows written other than through the outbox
    (bulk loaders, as registrations' members_recount) and to check the kept counts (tests)."""
    counts = dispatch.deliveries.aggregate(
        delivery_count=Count("pk"),
        sent_count=Count("pk", filter=Q(mail__status=OutgoingMail.Status.SENT)),
        failed_count=Count("pk", filter=Q(mail__status=OutgoingMail.Status.FAILED)),
    )
    Dispatch.objects.filter(pk=dispatch.pk).update(**counts)
    for field, value in counts.items():
        setattr(dispatch, field, value)
    return dispatch


# --- The outbox's renderer of a letter -------------------------------------------------------------------------------


def delivery_email(mail: OutgoingMail):
    """The e-mail of the delivery that `mail` carries, with its PDF, rendered from its pinned revision."""
    delivery = Delivery.objects.select_related("letter__session__process", "letter__session__venue", "revision").get(
        mail=mail
    )
    try:
        return rendering.delivery_email(delivery)
    except Exception as error:  # RenderTimeout and DocumentTooLong say why; a retry would fail the same way
        raise renderers.RenderError(f"The letter could not be rendered: {error}") from error


def delivery_link(mail: OutgoingMail) -> tuple[str, str]:
    """The dispatch a letter's mail belongs to, for the outgoing-mail list (mail.delivery is select_related)."""
    dispatch_id = mail.delivery.dispatch_id
    return f"Dispatch {dispatch_id}", reverse("admin:invitations_dispatch_change", args=[dispatch_id])


def renderer_register() -> None:
    renderers.register(
        RENDERER,
        delivery_email,
        related="delivery",
        link=delivery_link,
        # Sending a letter again is sending it: co-facilitators only, as dispatch_resend_failed.
        may_resend=permissions.is_cofacilitator,
        counted=delivery_counts_change,
    )
