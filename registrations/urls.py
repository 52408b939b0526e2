from django.urls import path

from registrations import views

app_name = "registrations"

urlpatterns = [
    path("delegation/", views.home, name="home"),
    path("delegation/sessions/<slug:slug>/missions/<int:mission_pk>/register/", views.registration_start, name="start"),
    path("delegation/registrations/<int:pk>/", views.registration_detail, name="detail"),
    path("delegation/registrations/<int:pk>/edit/", views.registration_edit, name="edit"),
    path("delegation/registrations/<int:pk>/submit/", views.registration_submit, name="submit"),
    path("delegation/registrations/<int:pk>/note-verbale.pdf", views.note_verbale_download, name="note_verbale"),
    path("delegation/registrations/<int:pk>/letters.pdf", views.letters_download, name="letters"),
    path(
        "delegation/registrations/<int:pk>/members/<int:member_pk>/letter.pdf",
        views.letters_download,
        name="member_letter",
    ),
    path("delegation/speakers/<int:list_pk>/inscribe/", views.inscription_create, name="inscribe"),
    path("delegation/inscriptions/<int:pk>/withdraw/", views.inscription_withdraw, name="withdraw"),
    path("sessions/<slug:slug>/speakers/", views.session_speakers, name="session_speakers"),
    path("badges/check/", views.badge_check, name="badge_check"),
]
