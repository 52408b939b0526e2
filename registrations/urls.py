from django.urls import path

from registrations.views import delegations as views
from registrations.views import missions as mission_views
from registrations.views import participants as participants_views
from registrations.views import stakeholders as stakeholder_views

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
    path("delegation/letter/<str:token>/", mission_views.registration_link, name="registration_link"),
    path("delegation/focal-point/", mission_views.focal_point_request, name="focal_point_request"),
    path(
        "delegation/sessions/<slug:slug>/missions/<int:mission_pk>/answer/",
        mission_views.mission_answer,
        name="mission_answer",
    ),
    path("delegation/missions/<int:mission_pk>/language/", mission_views.mission_language, name="mission_language"),
    path("delegation/speakers/<int:list_pk>/inscribe/", views.inscription_create, name="inscribe"),
    path("delegation/inscriptions/<int:pk>/withdraw/", views.inscription_withdraw, name="withdraw"),
    path("sessions/<slug:slug>/speakers/", views.session_speakers, name="session_speakers"),
    path(
        "sessions/<slug:slug>/participants.pdf",
        participants_views.published_participants_list,
        name="participants_list",
    ),
    path("badges/check/", views.badge_check, name="badge_check"),
    # Stakeholders
    path("stakeholders/", stakeholder_views.stakeholder_home, name="stakeholder_home"),
    path("stakeholders/organization/register/", stakeholder_views.organization_register, name="organization_register"),
    path("stakeholders/represent/", stakeholder_views.representation_request, name="representation_request"),
    path(
        "stakeholders/representations/<int:pk>/decide/",
        stakeholder_views.representation_decide,
        name="representation_decide",
    ),
    path("stakeholders/dialogues/<int:dialogue_pk>/apply/", stakeholder_views.application_create, name="apply"),
    path(
        "stakeholders/applications/<int:pk>/withdraw/",
        stakeholder_views.application_withdraw,
        name="application_withdraw",
    ),
    path("stakeholders/applications/<int:pk>/slot.ics", stakeholder_views.application_ics, name="application_ics"),
    path("stakeholders/non-objection/", stakeholder_views.non_objection_lists, name="non_objection"),
    path("stakeholders/non-objection/<int:entry_pk>/objection/", stakeholder_views.objection, name="objection"),
    path("sessions/<slug:slug>/dialogue/", stakeholder_views.dialogue_speakers, name="dialogue_speakers"),
]
