"""Template filters for content that comes in several languages."""

from django import template
from django.conf import settings
from django.utils import translation

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
