from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Compact Portal"
admin.site.site_title = "Compact Portal"
admin.site.index_title = "Secretariat"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("sessions.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
