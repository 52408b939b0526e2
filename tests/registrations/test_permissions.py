"""The permission vocabulary: who is secretariat, co-facilitator, focal point; the staff second factor wherever a
staff power is used; the secretariat's user picker for linking accounts (issue 11)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.urls import reverse

from audit.models import AuditEntry
from registrations import badges, permissions, services
from registrations.models import Profile

AUTOCOMPLETE = reverse("admin:autocomplete")
PICKER = {"app_label": "registrations", "model_name": "profile", "field_name": "user"}


def _second_factor(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


# --- The vocabulary -----------------------------------------------------------------------------------------------


def test_roles_answer_for_each_kind_of_account(
    secretariat_user, cofacilitator_user, focal_mex, mission_mex, mission_che, make_organization
):
    organization = make_organization(name="Migrants Rights Network")
    org_focal = Profile.objects.get(organization=organization).user
    roles = {
        user.email: (
            permissions.is_secretariat(user),
            permissions.is_cofacilitator(user),
            permissions.is_focal_point_of_mission(user, mission_mex),
            permissions.is_focal_point_of_mission(user, mission_che),
            permissions.is_focal_point_of_organization(user, organization),
        )
        for user in (secretariat_user, cofacilitator_user, focal_mex, org_focal)
    }
    assert roles == {
        "sec@example.org": (True, False, False, False, False),
        "cofac@example.org": (False, True, False, False, False),
        "focal.mex@example.org": (False, False, True, False, False),
        org_focal.email: (False, False, False, False, True),
    }
    assert list(permissions.missions_of(focal_mex)) == [mission_mex]
    assert permissions.organization_of(org_focal) == organization


def test_the_template_filters_speak_the_same_vocabulary(secretariat_user, focal_mex, mission_mex):
    template = Template(
        "{% load permissions %}{{ user|is_secretariat }} {{ user|is_cofacilitator }} {{ user|is_focal_point_of:m }}"
    )
    assert template.render(Context({"user": secretariat_user, "m": mission_mex})) == "True False False"
    assert template.render(Context({"user": focal_mex, "m": mission_mex})) == "False False True"


# --- The staff second factor, wherever the URL is ------------------------------------------------------------------


@pytest.fixture
def staff_urls(approved_mex):
    head = approved_mex.members.get()
    code = badges.badge_code(registration_id=approved_mex.pk, member_id=head.pk)
    return {
        "note verbale": reverse("registrations:note_verbale", kwargs={"pk": approved_mex.pk}),
        "confirmation letters": reverse("registrations:letters", kwargs={"pk": approved_mex.pk}),
        "one member's letter": reverse(
            "registrations:member_letter", kwargs={"pk": approved_mex.pk, "member_pk": head.pk}
        ),
        "badge check": reverse("registrations:badge_check") + f"?code={code}",
        "admin": reverse("admin:registrations_delegationregistration_changelist"),
    }


def test_staff_without_their_second_factor_get_no_staff_power_anywhere(client, secretariat_user, staff_urls, settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    client.force_login(secretariat_user)
    statuses = {name: client.get(url).status_code for name, url in staff_urls.items()}
    assert statuses == {
        "note verbale": 404,  # as for any account that is not the mission's: nothing disclosed
        "confirmation letters": 404,
        "one member's letter": 404,
        "badge check": 403,
        "admin": 302,  # to the set-up of the second factor
    }
    assert not permissions.is_secretariat(secretariat_user)


def test_staff_with_their_second_factor_use_their_powers(client, secretariat_user, staff_urls, settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    _second_factor(secretariat_user)
    client.force_login(secretariat_user)
    statuses = {name: client.get(url).status_code for name, url in staff_urls.items()}
    assert statuses == dict.fromkeys(staff_urls, 200)


def test_services_refuse_staff_powers_without_the_second_factor(
    secretariat_user, open_session, mission_che, focal_che, make_registration, settings
):
    registration = make_registration(
        session=open_session, mission=mission_che, focal_point=focal_che, status="submitted"
    )
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    with pytest.raises(PermissionDenied):
        services.registration_approve(registration=registration, by=secretariat_user)
    registration.refresh_from_db()
    assert registration.status == "submitted"


def test_cofacilitators_send_no_letter_without_their_second_factor(cofacilitator_user, settings):
    from invitations.dispatch import _check_may_send

    settings.STAFF_REQUIRE_TWO_FACTOR = True
    with pytest.raises(PermissionDenied):
        _check_may_send(cofacilitator_user)
    _second_factor(cofacilitator_user)
    cofacilitator_user = type(cofacilitator_user).objects.get(pk=cofacilitator_user.pk)
    _check_may_send(cofacilitator_user)  # no exception


# --- Linking accounts: the secretariat's user picker (issue 11) ----------------------------------------------------


@pytest.fixture
def accounts(django_user_model):
    """Two new accounts at Ghana's mission: one confirmed its address, one did not."""
    verified = django_user_model.objects.create_user("pm.gha@example.org", "pm.gha@example.org", "x")
    EmailAddress.objects.create(user=verified, email=verified.email, verified=True, primary=True)
    unverified = django_user_model.objects.create_user("attache.gha@example.org", "attache.gha@example.org", "x")
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False, primary=True)
    return {"verified": verified, "unverified": unverified}


def test_the_secretariat_user_picker_lists_accounts_with_a_verified_address(client, secretariat_user, accounts):
    client.force_login(secretariat_user)
    response = client.get(AUTOCOMPLETE, {**PICKER, "term": "gha"})
    assert response.status_code == 200
    assert response.json() == {
        "results": [{"id": str(accounts["verified"].pk), "text": "pm.gha@example.org"}],
        "pagination": {"more": False},
    }


def test_the_user_picker_leaves_out_accounts_already_linked_to_a_mission_or_an_organization(
    client, secretariat_user, accounts, mission_mex, make_focal_point, make_organization
):
    make_focal_point(mission_mex, email="focal.gha.linked@example.org")
    organization = make_organization(name="Ghana Migrants Forum")
    organization.focal_point.email = organization.focal_point.username = "focal.gha.forum@example.org"
    organization.focal_point.save()
    client.force_login(secretariat_user)
    response = client.get(AUTOCOMPLETE, {**PICKER, "term": "gha"})
    assert response.json() == {
        "results": [{"id": str(accounts["verified"].pk), "text": "pm.gha@example.org"}],
        "pagination": {"more": False},
    }


def test_the_user_picker_is_no_way_into_the_list_of_accounts(client, secretariat_user, accounts, focal_mex):
    client.force_login(secretariat_user)
    other_field = {"app_label": "registrations", "model_name": "representation", "field_name": "user"}
    assert client.get(AUTOCOMPLETE, {**other_field, "term": "gha"}).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    client.force_login(focal_mex)
    assert client.get(AUTOCOMPLETE, {**PICKER, "term": "gha"}).status_code == 302  # to the admin's sign-in


def test_the_secretariat_links_and_unlinks_an_account_on_the_missions_page(
    client, secretariat_user, accounts, mission_mex
):
    client.force_login(secretariat_user)
    url = reverse("admin:registrations_permanentmission_change", args=[mission_mex.pk])
    form = {
        "state": mission_mex.state_id,
        "name": mission_mex.name,
        "duty_station": mission_mex.duty_station,
        "head_name": mission_mex.head_name,
        "emails": mission_mex.emails,
        "correspondence_language": mission_mex.correspondence_language,
        "profiles-TOTAL_FORMS": "1",
        "profiles-INITIAL_FORMS": "0",
        "profiles-0-user": accounts["verified"].pk,
        "profiles-0-is_focal_point": "on",
        "profiles-0-mission": mission_mex.pk,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    profile = Profile.objects.get(user=accounts["verified"])
    assert (profile.mission, profile.is_focal_point) == (mission_mex, True)

    refused = client.post(url, {**form, "profiles-0-user": accounts["unverified"].pk})
    assert refused.status_code == 200
    assert not Profile.objects.filter(user=accounts["unverified"]).exists()

    unlink = {
        **form,
        "profiles-INITIAL_FORMS": "1",
        "profiles-0-id": profile.pk,
        "profiles-0-DELETE": "on",
    }
    assert client.post(url, unlink).status_code == 302
    assert not Profile.objects.filter(user=accounts["verified"]).exists()
    trail = AuditEntry.objects.filter(content_type__model="profile", object_id=str(profile.pk)).order_by("seq")
    linked = {"mission": str(mission_mex), "organization": None, "is_focal_point": True}
    assert list(trail.values_list("action", "actor_repr", "before", "after")) == [
        ("account link", "sec@example.org", None, linked),
        ("account unlink", "sec@example.org", linked, None),
    ]


def test_the_secretariat_links_an_account_under_profiles_add(client, secretariat_user, accounts, mission_mex):
    client.force_login(secretariat_user)
    form = {"user": accounts["verified"].pk, "mission": mission_mex.pk, "is_focal_point": "on"}
    response = client.post(reverse("admin:registrations_profile_add"), form)
    assert response.status_code == 302
    assert Profile.objects.filter(user=accounts["verified"], mission=mission_mex, is_focal_point=True).exists()
    assert AuditEntry.objects.get().action == "account link"
    refused = client.post(reverse("admin:registrations_profile_add"), {**form, "user": accounts["unverified"].pk})
    assert refused.status_code == 200
    assert not Profile.objects.filter(user=accounts["unverified"]).exists()


def test_an_organization_read_through_the_focal_points_profile_answers_for_it_without_a_second_query(
    make_organization, django_assert_num_queries
):
    organization = make_organization()
    colleague = make_organization().focal_point
    read = permissions.organization_of(organization.focal_point)
    with django_assert_num_queries(0):
        assert permissions.is_focal_point_of_organization(organization.focal_point, read)
    with django_assert_num_queries(1):  # the mark is the focal point's only
        assert not permissions.is_focal_point_of_organization(colleague, read)


def test_a_registration_read_for_a_focal_point_answers_for_its_mission_and_only_for_them(
    open_session, mission_mex, focal_mex, focal_che, django_assert_num_queries
):
    from registrations.selectors import delegations as delegation_selectors

    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    read = delegation_selectors.registration_for_user(user=focal_mex, pk=registration.pk)
    with django_assert_num_queries(0):
        assert permissions.is_focal_point_of_mission(focal_mex, read.mission)
    with django_assert_num_queries(1):
        assert not permissions.is_focal_point_of_mission(focal_che, read.mission)
    with pytest.raises(PermissionDenied):
        services.registration_submit(registration=read, by=focal_che)
