"""Rules for sessions and agendas: writes that must hold together go through here."""

from collections.abc import Iterable
from itertools import combinations

from sessions.models import AgendaItem, ThematicSession


def agenda_clashes(items: Iterable[AgendaItem], *, default_room: str, involving: AgendaItem | None = None) -> list[str]:
    """Messages naming each pair of items that overlap on the same day in the same room.

    Items may be unsaved (an admin formset checks its forms together), so an item without a room of its own is
    in `default_room`, the venue's. With `involving`, only the pairs that include that item are reported.
    """

    def room(item: AgendaItem) -> str:
        return (item.room or default_room).casefold()

    messages = []
    timed = sorted(
        (item for item in items if item.day and item.start_time and item.end_time),
        key=lambda item: (item.day, item.start_time, item.end_time),
    )
    for first, second in combinations(timed, 2):
        if involving is not None and involving not in (first, second):
            continue
        if (
            room(first) == room(second)
            and first.day == second.day
            and first.start_time < second.end_time
            and second.start_time < first.end_time
        ):
            messages.append(
                f"“{first.title}” ({first.start_time:%H:%M}–{first.end_time:%H:%M}) and "
                f"“{second.title}” ({second.start_time:%H:%M}–{second.end_time:%H:%M}) overlap on "
                f"{first.day:%d %B %Y} in {first.room or default_room}."
            )
    return messages


def days_outside_session(items: Iterable[AgendaItem], *, session: ThematicSession) -> list[str]:
    """Messages naming each item whose day lies outside the session's dates."""
    messages = (session.outside_dates_message(day=item.day, title=item.title) for item in items)
    return [message for message in messages if message]
