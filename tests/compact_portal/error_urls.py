"""The project's URLs and handlers, with views that fail, for the error pages' tests (test_views.py)."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from compact_portal.urls import handler400, handler500, urlpatterns  # noqa: F401 (the handlers are read from here)


def _fails(error):
    def view(request):
        raise error

    return view


urlpatterns = [
    *urlpatterns,
    *i18n_patterns(
        path("test-errors/forbidden/", _fails(PermissionDenied("not yours"))),
        path("test-errors/suspicious/", _fails(SuspiciousOperation("tampered"))),
        path("test-errors/broken/", _fails(RuntimeError("a bug"))),
    ),
]
