"""Reads of letters used by the admin and the command line."""

from dataclasses import dataclass

from invitations.models import Letter


def letter_for(*, session_slug: str, kind: str = Letter.Kind.INVITATION, language: str = "en") -> Letter:
    """The session's letter of this kind and language; raises Letter.DoesNotExist with a message that says which."""
    letter = (
        Letter.objects.filter(session__slug=session_slug, kind=kind, language=language)
        .select_related("session__process", "session__venue")
        .order_by("-updated_at")
        .first()
    )
    if letter is None:
        raise Letter.DoesNotExist(f"session {session_slug!r} has no {kind} letter in language {language!r}")
    return letter


# --- Sending: what a dispatch would do, and how far it got ---------------------------------------------------------


@dataclass(frozen=True)
class SendSummary:
    """What sending `letter` to an audience would do, for the confirmation page (nothing is written)."""

    recipients: list  # audiences.Recipient, the addresses that will get the letter
    already_sent: int  # addresses left out: they have this letter already
    without_email: list[str]  # recipients left out for want of an address


def send_summary(*, letter: Letter, audience: str, csv_text: str | None = None) -> SendSummary:
    """As dispatch_create would count it. Raises ValidationError (CsvRecipientsError for a bad list)."""
    from invitations.audiences import audience_recipients
    from invitations.models import Delivery

    audience_list = audience_recipients(letter=letter, audience=audience, csv_text=csv_text)
    already = set(Delivery.objects.filter(letter=letter).values_list("email", flat=True))
    fresh = [recipient for recipient in audience_list.recipients if recipient.email not in already]
    return SendSummary(
        recipients=fresh,
        already_sent=len(audience_list.recipients) - len(fresh),
        without_email=audience_list.without_email,
    )


def delivery_status_counts(*, dispatch) -> dict[str, int]:
    """{status: count} for every status of Delivery, zeros included; one query."""
    from django.db.models import Count

    from invitations.models import Delivery

    counts = dict(dispatch.deliveries.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in Delivery.Status.values}
