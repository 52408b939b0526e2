"""Template filters for content that comes in several languages."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def state_name(state) -> str:
    """A State's short name in the active language (State.name falls back to English)."""
    if not state:
        return ""
    return state.name(translation.get_language() or "en")


@register.simple_tag(takes_context=True)
def language_links(context) -> list[tuple[str, str, str]]:
    """(code, name in itself, link) per official language: the link leads to this page in that language and remembers
    the choice (compact_portal.views.switch_language). The same for every visitor of a page: no token, no session."""
    query = urlencode({"next": context["request"].get_full_path()})
    return [(code, name, f"{reverse('switch_language', args=[code])}?{query}") for code, name in settings.LANGUAGES]


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
def with_zone(moment) -> str:
    """A moment as the portal writes deadlines, in the active language and time zone, with the zone:
    "12 October 2017, 18:00 CEST" (DATETIME_ZONE_FORMAT, compact_portal/formats/)."""
    return datetime_with_zone(moment)


def datetime_with_zone(moment) -> str:
    if moment is None or moment == "":
        return ""
    return date_format(timezone.localtime(moment), "DATETIME_ZONE_FORMAT")


@register.filter
def minutes_words(minutes) -> str:
    """A number of minutes in words: "3 minutes"."""
    return words_for_duration(int(minutes) * 60)


def _marked_english(text: str):
    """`text` as content in English on a page in another language: lang="en", so that screen readers read it as
    English (and tests/registrations/test_no_english_left.py knows it is content, not a missing translation)."""
    if not text or (translation.get_language() or "en").lower().startswith("en"):
        return text
    return format_html('<span lang="en">{}</span>', text)


@register.filter
def content(obj, field: str):
    """Content the secretariat enters (sessions.models.Translatable: titles, descriptions, names, people's titles)
    in the page's language, or in English marked lang="en" where no translation was entered."""
    if obj is None or obj == "":
        return ""
    language = (translation.get_language() or "en").lower()
    translated = ((getattr(obj, "translations", None) or {}).get(language) or {}).get(field)
    return translated or _marked_english(getattr(obj, field) or "")


@register.filter
def english(text):
    """Content that exists only in English (a room's name, a list's title): marked lang="en" on other pages."""
    return _marked_english(text)


@register.filter
def proper_name(text):
    """A proper name (a person, an organization, a mission): the same in every language, marked translate="no"."""
    if not text:
        return ""
    return format_html('<bdi translate="no">{}</bdi>', text)


@register.filter
def as_entered(text):
    """Text a user typed (a speaker's function), shown as typed, in whatever language: marked translate="no"."""
    return proper_name(text)
