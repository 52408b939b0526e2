"""Reads of letters used by the admin and the command line."""

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
