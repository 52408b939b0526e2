"""The co-facilitators' sections of the admin's desk (compact_portal/desk.py): their sessions' letters, dispatches
still sending with their bars, and failed deliveries. One query per section, whatever the data size: the counts are
those kept on each dispatch, not its deliveries counted."""

from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from compact_portal import desk
from compact_portal.permissions import is_cofacilitator
from invitations.models import LANGUAGE_NAMES, Dispatch, Letter
from invitations.selectors import progress
from registrations.desk import session_label
from sessions.models import ThematicSession

RECENT = 20  # dispatches shown at most per section; the rest are in the dispatches' list


def letters(**_) -> list[desk.Row]:
    rows = (
        Letter.objects.originals()
        .exclude(session__status=ThematicSession.Status.CLOSED)
        .annotate(sent=Coalesce(Sum("dispatches__sent_count"), 0))
        .order_by("session__number", "kind", "language")
        .values_list("pk", "kind", "language", "session__number", "session__title", "sent")
    )
    return [
        desk.Row(
            label=f"{Letter.Kind(kind).label} ({LANGUAGE_NAMES.get(language, language)})",
            count=sent or None,
            note=f"sent to {sent} address{'es' if sent != 1 else ''}" if sent else "not sent yet",
            session=session_label(number, title),
            url=reverse("admin:invitations_letter_change", args=[pk]),
            links=[
                ("Preview", reverse("admin:invitations_letter_preview", args=[pk])),
                ("Send", reverse("admin:invitations_letter_send", args=[pk])),
            ],
        )
        for pk, kind, language, number, title, sent in rows
    ]


def _dispatches():
    # The counts kept on each dispatch (invitations.dispatch.delivery_counts_change), not its deliveries counted.
    counts = {"total": F("delivery_count"), "sent": F("sent_count"), "failed": F("failed_count")}
    return Dispatch.objects.annotate(**counts).order_by("-created_at", "-pk")


def _dispatch_label(kind: str, language: str, audience: str) -> str:
    return f"{Letter.Kind(kind).label} ({language}) to {Dispatch.audience_label_in_sentence(audience)}"


def dispatches_in_progress(**_) -> list[desk.Row]:
    rows = (
        _dispatches()
        .filter(total__gt=F("sent") + F("failed"))
        .values_list(
            "pk",
            "letter__kind",
            "letter__language",
            "audience",
            "letter__session__number",
            "letter__session__title",
            "created_at",
            "total",
            "sent",
            "failed",
        )[:RECENT]
    )
    return [
        desk.Row(
            label=_dispatch_label(kind, language, audience),
            count=total - sent - failed,
            note="still to go",
            session=session_label(number, title),
            when=created_at,
            progress=progress(total=total, sent=sent, failed=failed),
            url=reverse("admin:invitations_dispatch_change", args=[pk]),
        )
        for pk, kind, language, audience, number, title, created_at, total, sent, failed in rows
    ]


def failed_deliveries(**_) -> list[desk.Row]:
    rows = (
        _dispatches()
        .filter(failed__gt=0)
        .values_list(
            "pk", "letter__kind", "letter__language", "audience", "letter__session__number", "letter__session__title",
            "created_at", "failed",
        )[:RECENT]
    )  # fmt: skip
    return [
        desk.Row(
            label=_dispatch_label(kind, language, audience),
            count=failed,
            note="failed (the server refused them; see why, resend)",
            session=session_label(number, title),
            when=created_at,
            url=reverse("admin:invitations_dispatch_change", args=[pk]) + "?status=failed",
        )
        for pk, kind, language, audience, number, title, created_at, failed in rows
    ]


def register() -> None:
    desk.register_title(title="Co-facilitators’ desk", audience=is_cofacilitator, order=20)
    desk.register(
        key=desk.LETTERS,
        title="Letters of the open sessions",
        order=50,
        audience=is_cofacilitator,
        rows=letters,
        empty="No letter yet: the secretariat prepares them.",
    )
    desk.register(
        key=desk.DISPATCHES,
        title="Dispatches in progress",
        order=60,
        audience=is_cofacilitator,
        rows=dispatches_in_progress,
        empty="No dispatch is sending.",
    )
    desk.register(
        key=desk.FAILED,
        title="Failed deliveries",
        order=70,
        audience=is_cofacilitator,
        rows=failed_deliveries,
        empty="No failed delivery.",
    )
