"""Values every page shows: the secretariat's contact (footer, e-mails)."""

from django.conf import settings


def portal(request):
    return {"SECRETARIAT_CONTACT_EMAIL": settings.SECRETARIAT_CONTACT_EMAIL}
