"""The staff-only admin stays in English whatever language a visitor chose for the public pages."""

from django.utils import translation


class AdminInEnglishMiddleware:
    """After LocaleMiddleware: /admin/ has no language prefix, so LocaleMiddleware would take the language from the
    cookie or the browser; the admin's own pages (and the model labels it shows) are English only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
        return self.get_response(request)
