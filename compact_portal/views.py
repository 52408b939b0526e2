"""The language switch: a plain link on every page (templates/base.html), so pages carry no CSRF token for it."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import translate_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme


def switch_language(request, language):
    """GET /i18n/<language>/?next=/en/sessions/…/: the same page in `language`, and the choice remembered in the
    language cookie (what Django's `set_language` does for a POST), which leads the bare address to it next time.

    A link, not a form: the page around it is the same for every visitor (no token), so a visitor's page can be served
    whole from the cache (sessions.public_cache). The cookie is set only on a navigation from this site or typed in
    (`Sec-Fetch-Site`): another site's link or image cannot change it."""
    if language not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        url=next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(translate_url(next_url, language))
    if request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none"):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    add_never_cache_headers(response)
    return response
