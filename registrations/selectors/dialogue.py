"""Reads of the informal dialogue: dialogues taking applications, an organization's applications, the published
list of speakers."""

from django.core.cache import caches
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from registrations import permissions
from registrations.models import FLOOR_KINDS, Dialogue, Organization, Profile, Representation, SlotApplication
from sessions import public_cache
from sessions.models import AgendaItem, ThematicSession


def _applications() -> QuerySet[SlotApplication]:
    return SlotApplication.objects.select_related(
        "organization__country__regional_group", "theme", "dialogue__item", "dialogue__session__venue"
    )


def dialogues_taking_applications(*, now=None) -> QuerySet[Dialogue]:
    now = now or timezone.now()
    return (
        Dialogue.objects.taking_applications(now)
        .select_related("item", "session__venue", "session__process")
        .order_by("item__day", "item__start_time")
    )


def dialogue_for_application(*, pk: int) -> Dialogue:
    """The dialogue of a published session with its item, session and venue; 404 for any other. Kept in this
    process's memory while its session's public version is the one it was read with (sessions.public_cache: a change
    to the dialogue, its item, its session or the venue bumps it, and the version is read without a query when the
    cache is shared), so a burst of applications does not read it twice per applicant. The application's service
    reads the window, the draw and the session's status again, under the dialogue's lock."""
    key = f"dialogue.for_application.{pk}"
    memory = caches["public_pages"].local
    kept = memory.get(key)
    published = ThematicSession.Status.PUBLISHED
    if kept is not None and public_cache.session_state(kept.session_id) == (published, kept.session.public_version):
        return kept
    dialogue = get_object_or_404(
        Dialogue.objects.select_related("item", "session__venue").filter(session__status=published), pk=pk
    )
    memory.set(key, dialogue, 3600)
    return dialogue


def panels_for_application(dialogue: Dialogue) -> list[AgendaItem]:
    """The session's panels, a statement's possible themes, in order: read once per process and version of the
    session's public pages (sessions.public_cache: the admin's changes to an agenda item bump it), so the form page
    and its POST make no query for them. `dialogue.session` read with the dialogue (its version)."""
    key = f"dialogue.panels.{dialogue.session_id}.{dialogue.session.public_version}"
    memory = caches["public_pages"].local
    panels = memory.get(key)
    if panels is None:
        panels = list(
            AgendaItem.objects.filter(session=dialogue.session_id, kind__in=FLOOR_KINDS).order_by("day", "start_time")
        )
        memory.set(key, panels, 3600)
    return panels


def applications_of(organization: Organization) -> QuerySet[SlotApplication]:
    return _applications().filter(organization=organization).order_by("-dialogue__item__day", "-id")


def application_for_user(*, user, pk: int) -> SlotApplication:
    """An application the user may see: their organization's (as focal point or confirmed representative at the
    session), or any for the secretariat; 404 for anyone else."""
    queryset = _applications()
    if not permissions.is_secretariat(user):
        if not user.is_authenticated:
            raise Http404
        focal = Profile.objects.filter(user=user, is_focal_point=True, organization__isnull=False)
        represented = Representation.objects.filter(
            user=user, status=Representation.Status.CONFIRMED, session=OuterRef("dialogue__session")
        ).values("organization")
        queryset = queryset.filter(
            Q(organization__in=focal.values("organization")) | Q(organization__in=Subquery(represented))
        )
    return get_object_or_404(queryset, pk=pk)


def confirmed_representative_applications(user) -> QuerySet[SlotApplication]:
    """Applications of the organizations `user` is a confirmed representative of, at that session."""
    represented = Representation.objects.filter(
        user=user, status=Representation.Status.CONFIRMED, session=OuterRef("dialogue__session")
    ).values("organization")
    return _applications().filter(organization__in=Subquery(represented)).order_by("-dialogue__item__day")


def published_dialogue(*, session: ThematicSession) -> Dialogue | None:
    """The session's dialogue with its confirmed speakers in speaking order, if the list is published."""
    confirmed = _applications().filter(status=SlotApplication.Status.CONFIRMED).order_by("position")
    return (
        Dialogue.objects.filter(session=session, is_published=True)
        .select_related("item", "session__venue")
        .prefetch_related(Prefetch("applications", queryset=confirmed, to_attr="confirmed"))
        .first()
    )
