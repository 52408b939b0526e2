from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from compact_portal import desk, views

admin.site.site_header = "Compact Portal"
admin.site.site_title = "Compact Portal"
admin.site.index_title = "Administration"
# The index is a desk per role (compact_portal/desk.py): what awaits the user, above the list of models.
admin.site.index = desk.index_view(admin.site.index)
# One door: the admin's login is allauth's (rate limits, verified e-mail, two-factor).
admin.site.login = secure_admin_login(admin.site.login)

# Error pages in the portal's frame and the page's language (compact_portal/views.py; 404.html and 403.html).
handler400 = views.bad_request
handler500 = views.server_error

# The staff-only admin and the language switch (/i18n/) have no language prefix; every page a delegate, stakeholder
# or visitor sees carries its language in the URL (/fr/sessions/…). "/" redirects to the visitor's language (cookie,
# then Accept-Language), as LocaleMiddleware does for every unprefixed public URL.
urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page links; the icon is a static SVG.
    path("favicon.ico", RedirectView.as_view(url=static_url("img/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("i18n/<str:language>/", views.switch_language, name="switch_language"),  # the switcher's links
]
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("accessibility/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"),
    path("", include("registrations.urls")),
    path("", include("sessions.urls")),
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
