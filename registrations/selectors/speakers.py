"""Reads of speakers lists: those open to a focal point's inscriptions, the published ones."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from registrations import permissions
from registrations.models import Inscription, SpeakersList
from sessions.models import ThematicSession


def _inscriptions() -> QuerySet[Inscription]:
    return Inscription.objects.select_related("mission__state").order_by("position", "id")


def speakers_lists_open_for(user) -> QuerySet[SpeakersList]:
    """Lists taking inscriptions in published sessions, with the user's missions' inscriptions prefetched."""
    missions = permissions.missions_of(user)
    return (
        SpeakersList.objects.filter(
            is_open=True, is_locked=False, item__session__status=ThematicSession.Status.PUBLISHED
        )
        .select_related("item__session")
        .prefetch_related(Prefetch("inscriptions", queryset=_inscriptions().filter(mission__in=missions)))
        .order_by("item__session__start_date", "item__day", "item__start_time")
    )


def speakers_list_for_inscription(*, pk: int) -> SpeakersList:
    return get_object_or_404(
        SpeakersList.objects.select_related("item__session").filter(
            item__session__status=ThematicSession.Status.PUBLISHED
        ),
        pk=pk,
    )


def inscription_for_user(*, user, pk: int) -> Inscription:
    return get_object_or_404(
        Inscription.objects.select_related("speakers_list__item__session", "mission__state").filter(
            mission__in=permissions.missions_of(user)
        ),
        pk=pk,
    )


def published_speakers_lists(*, session: ThematicSession) -> QuerySet[SpeakersList]:
    return (
        SpeakersList.objects.filter(item__session=session, is_published=True)
        .select_related("item")
        .prefetch_related(Prefetch("inscriptions", queryset=_inscriptions()))
        .order_by("item__day", "item__start_time", "item__id")
    )
