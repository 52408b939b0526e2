"""The language switch (a plain link on every page, templates/base.html, so pages carry no CSRF token for it), and the
error pages."""

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
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


# --- Error pages ---------------------------------------------------------------------------------------------------
# 404.html and 403.html extend the portal's frame (Django renders them with the request). A refused form (CSRF) is
# rendered here in the frame too, so that its user learns what happened and what to do instead of Django's bare page.
# 400 and 500 are rendered without the request, as Django does: no query, no session, nothing that could fail again.


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check: most often a page opened before its user signed in or out again (the token
    changes then), or a browser refusing cookies. Nothing was saved; say so, and how to send it again."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    context = {"cookies_refused": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)


def _without_request(template_name: str) -> str:
    return loader.get_template(template_name).render({"SECRETARIAT_CONTACT_EMAIL": settings.SECRETARIAT_CONTACT_EMAIL})


def bad_request(request, exception):
    return HttpResponseBadRequest(_without_request("400.html"))


def server_error(request):
    return HttpResponseServerError(_without_request("500.html"))
