"""Reads of letters used by the admin and the command line."""

from dataclasses import dataclass

from django.db.models import F, Q

from invitations.models import Letter


def letter_for(*, session_slug: str, kind: str = Letter.Kind.INVITATION, language: str | None = None) -> Letter:
    """The session's letter of this kind written in `language` (its main text or a version; any language if
    None); raises Letter.DoesNotExist with a message that says which."""
    letters = Letter.objects.filter(session__slug=session_slug, kind=kind)
    if language is not None:
        letters = letters.filter(Q(language=language) | Q(versions__language=language))
    letter = letters.select_related("session__process", "session__venue").order_by("-updated_at").first()
    if letter is None:
        in_language = f" in language {language!r}" if language else ""
        raise Letter.DoesNotExist(f"session {session_slug!r} has no {kind} letter{in_language}")
    return letter


def addresses_with(letter: Letter) -> set[str]:
    """The addresses that have `letter` already, from any dispatch."""
    from invitations.models import Delivery

    return set(Delivery.objects.filter(letter=letter).values_list("email", flat=True))


# --- Sending: what a dispatch would do, and how far it got ---------------------------------------------------------


@dataclass(frozen=True)
class SendSummary:
    """What sending `letter` to an audience would do, for the confirmation page (nothing is written)."""

    recipients: list  # audiences.Recipient, the addresses that will get the letter
    already_sent: int  # addresses left out: they have this letter already
    without_email: list[str]  # recipients left out for want of an address
    main_language: str = "en"

    def by_language(self) -> list[tuple[str, int]]:
        """[("English", 150), ("French", 25), …]: how many addresses get each version, the largest first."""
        from collections import Counter

        from invitations.models import LANGUAGE_NAMES

        counts = Counter(recipient.language or self.main_language for recipient in self.recipients)
        return [(LANGUAGE_NAMES.get(code, code), n) for code, n in counts.most_common()]


def send_summary(*, letter: Letter, audience: str, csv_text: str | None = None) -> SendSummary:
    """As dispatch_create would count it. Raises ValidationError (CsvRecipientsError for a bad list)."""
    from invitations.audiences import audience_recipients

    audience_list = audience_recipients(letter=letter, audience=audience, csv_text=csv_text)
    already = addresses_with(letter)
    fresh = [recipient for recipient in audience_list.recipients if recipient.email not in already]
    return SendSummary(
        recipients=fresh,
        already_sent=len(audience_list.recipients) - len(fresh),
        without_email=audience_list.without_email,
        main_language=letter.language,
    )


def delivery_status_counts(*, dispatch) -> dict[str, int]:
    """{status: count} of the dispatch's deliveries (their outgoing mails), every status, zeros included; one query.
    Sent and failed are the counts kept on the dispatch (a finished dispatch of 20,000 is not counted again); the
    mails still on their way (queued, sending, retrying) are counted, through the status index."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from invitations.models import Dispatch
    from outbox.models import OutgoingMail

    def on_the_way(status):
        mails = OutgoingMail.objects.filter(delivery__dispatch=OuterRef("pk"), status=status).order_by()
        count = mails.values("status").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(count, output_field=IntegerField()), 0)

    counts = (
        Dispatch.objects.filter(pk=dispatch.pk)
        .annotate(**{status: on_the_way(status) for status in OutgoingMail.PENDING})
        .values(*OutgoingMail.PENDING, sent=F("sent_count"), failed=F("failed_count"))
        .get()
    )
    return {status: counts[status] for status in OutgoingMail.Status.values}


def progress(*, total: int, sent: int, failed: int, retrying: int = 0) -> dict:
    """How far a dispatch got, for its bar (the desk's, the dispatch page's, progress.json): counts and percents."""
    percent_sent = round(100 * sent / total, 1) if total else 100.0
    percent_failed = round(100 * failed / total, 1) if total else 0.0
    return {
        "total": total,
        "sent": sent,
        "failed": failed,
        "pending": total - sent - failed,
        "retrying": retrying,
        "done": total == sent + failed,
        "percent_sent": percent_sent,
        "percent_failed": percent_failed,
        "percent_pending": max(0.0, round(100 - percent_sent - percent_failed, 1)),
    }


def progress_of_counts(counts: dict[str, int]) -> dict:
    """progress() of delivery_status_counts()."""
    return progress(
        total=sum(counts.values()), sent=counts["sent"], failed=counts["failed"], retrying=counts["retrying"]
    )


def dispatch_progress(dispatch) -> dict:
    return progress_of_counts(delivery_status_counts(dispatch=dispatch))
