"""Writing letters: a new letter starts from its session's co-facilitators as signatories."""

from django.db import transaction

from invitations.models import Letter, Signatory
from sessions.models import ThematicSession


@transaction.atomic
def letter_create(*, session: ThematicSession, **fields) -> Letter:
    """Creates a letter (fields as on Letter) signed by the session's co-facilitators, in their order."""
    letter = Letter(session=session, **fields)
    letter.full_clean()
    letter.save()
    letter_add_default_signatories(letter=letter)
    return letter


@transaction.atomic
def letter_add_default_signatories(*, letter: Letter) -> list[Signatory]:
    """Adds the session's co-facilitators, in their order, as the signatories of a saved `letter` (the admin calls
    this for a new letter saved without signatories).

    Each signatory's letterhead starts as the co-facilitator's mission; the secretariat edits it afterwards
    (Switzerland's, for one, is in four languages).
    """
    signatories = []
    for order, link in enumerate(letter.session.co_facilitator_links.select_related("person")):
        person = link.person
        signatory = Signatory(
            letter=letter, order=order, name=person.full_name, title=person.title, letterhead=person.affiliation.upper()
        )
        signatory.full_clean()
        signatory.save()
        signatories.append(signatory)
    return signatories
