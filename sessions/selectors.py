"""Reads of sessions and agendas that pages reuse; each runs a fixed number of queries."""

from itertools import groupby

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from sessions.models import AgendaItem, CoFacilitator, ItemRole, ThematicSession


def public_sessions() -> QuerySet[ThematicSession]:
    return (
        ThematicSession.objects.exclude(status=ThematicSession.Status.DRAFT)
        .select_related("process", "venue")
        .order_by("process__name", "number")
    )


def public_session(*, slug: str) -> ThematicSession:
    """The session with its process and venue; 404 if draft."""
    return get_object_or_404(public_sessions(), slug=slug)


def public_session_with_programme(*, slug: str) -> ThematicSession:
    """The session with venue, co-facilitators, documents and agenda (items with their people); 404 if draft."""
    queryset = public_sessions().prefetch_related(
        Prefetch("co_facilitator_links", queryset=CoFacilitator.objects.select_related("person")),
        "documents",
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.prefetch_related(
                Prefetch("roles", queryset=ItemRole.objects.select_related("person"))
            ),
        ),
    )
    return get_object_or_404(queryset, slug=slug)


def agenda_by_day(session: ThematicSession) -> list[tuple]:
    """[(day, [items])] in programme order, from the prefetched items."""
    items = sorted(session.agenda_items.all(), key=lambda item: (item.day, item.start_time, item.end_time, item.id))
    return [(day, list(day_items)) for day, day_items in groupby(items, key=lambda item: item.day)]
