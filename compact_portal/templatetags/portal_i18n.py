"""Template filters for content that comes in several languages."""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def state_name(state) -> str:
    """A State's short name in the active language (State.name falls back to English)."""
    if not state:
        return ""
    return state.name(translation.get_language() or "en")


@register.simple_tag
def official_languages() -> list[tuple[str, str]]:
    """settings.LANGUAGES as written there, each language named in itself (Django's own tag translates the names)."""
    return list(settings.LANGUAGES)


@register.filter
def duration_words(value) -> str:
    """A duration in words in the active language: "3 minutes", "1 minute 30 seconds", "1 hour 15 minutes"."""
    return words_for_duration(value)


def words_for_duration(value) -> str:
    if value is None or value == "":
        return ""
    seconds = int(value.total_seconds()) if hasattr(value, "total_seconds") else int(value)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours})
    if minutes:
        parts.append(ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes})
    if seconds or not parts:
        parts.append(ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds})
    return " ".join(parts)


@register.filter
def minutes_words(minutes) -> str:
    """A number of minutes in words: "3 minutes"."""
    return words_for_duration(int(minutes) * 60)
