"""The secretariat's admin: decisions single and bulk with reasons, counts per status, filters, participants."""

import pytest
from django.urls import reverse

from registrations import services
from registrations.models import DelegationRegistration

Status = DelegationRegistration.Status
CHANGELIST = "admin:registrations_delegationregistration_changelist"
DECIDE = "admin:registrations_delegationregistration_decide"


@pytest.fixture
def submitted(open_session, mission_mex, mission_che, mission_vat, mission_zaf, make_focal_point, make_registration):
    """Four submitted registrations, each with a head and one member."""
    registrations = {}
    for mission in (mission_mex, mission_che, mission_vat, mission_zaf):
        registrations[mission.state.iso3] = make_registration(
            session=open_session,
            mission=mission,
            focal_point=make_focal_point(mission),
            status="submitted",
            members=[services.MemberData(family_name=f"Adviser {mission.state.iso3}", function="Adviser")],
        )
    return registrations


def test_bulk_approval_goes_through_the_decision_page(client, secretariat_user, submitted):
    client.force_login(secretariat_user)
    ids = [submitted["MEX"].pk, submitted["CHE"].pk]
    response = client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": ids})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Mexico" in page and "Switzerland" in page and "Holy See" not in page
    response = client.post(reverse(DECIDE), {"decision": "approve", "reason": "", "ids": f"{ids[0]},{ids[1]}"})
    assert response.status_code == 302
    statuses = dict(DelegationRegistration.objects.values_list("mission__state__iso3", "status"))
    assert statuses == {"MEX": "approved", "CHE": "approved", "VAT": "submitted", "ZAF": "submitted"}


def test_return_without_reason_is_refused_and_changes_nothing(client, secretariat_user, submitted):
    client.force_login(secretariat_user)
    response = client.post(reverse(DECIDE), {"decision": "return", "reason": " ", "ids": str(submitted["MEX"].pk)})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    submitted["MEX"].refresh_from_db()
    assert submitted["MEX"].status == Status.SUBMITTED


def test_single_rejection_from_the_change_page_keeps_the_reason(client, secretariat_user, submitted):
    client.force_login(secretariat_user)
    registration = submitted["ZAF"]
    change = client.get(reverse("admin:registrations_delegationregistration_change", args=[registration.pk]))
    decide_link = f"{reverse(DECIDE)}?decision=reject&amp;ids={registration.pk}"
    assert decide_link in change.content.decode()
    client.post(
        reverse(DECIDE), {"decision": "reject", "reason": "Duplicate of the Geneva one.", "ids": registration.pk}
    )
    registration.refresh_from_db()
    assert (registration.status, registration.decision_reason) == (Status.REJECTED, "Duplicate of the Geneva one.")


def test_a_decision_that_does_not_apply_is_reported_per_registration(client, secretariat_user, submitted):
    client.force_login(secretariat_user)
    services.registration_approve(registration=submitted["MEX"], by=secretariat_user)
    ids = f"{submitted['MEX'].pk},{submitted['CHE'].pk}"
    response = client.post(
        reverse(DECIDE), {"decision": "return", "reason": "Titles missing.", "ids": ids}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        f"{submitted['MEX']}: A registration that is approved cannot become returned for changes.",
        f"Returned: {submitted['CHE']}.",
    ]


def test_counts_per_status_follow_the_filters(client, secretariat_user, submitted, groups):
    client.force_login(secretariat_user)
    services.registration_approve(registration=submitted["MEX"], by=secretariat_user)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "<strong>0</strong> draft" in page
    assert "<strong>3</strong> submitted" in page
    assert "<strong>1</strong> approved" in page
    grulac = client.get(reverse(CHANGELIST), {"mission__state__regional_group__id__exact": groups["GRULAC"].pk})
    assert [r.mission.state.iso3 for r in grulac.context["cl"].result_list] == ["MEX"]
    assert "<strong>0</strong> submitted" in grulac.content.decode()
    by_status = client.get(reverse(CHANGELIST), {"status__exact": "submitted"})
    assert sorted(r.mission.state.iso3 for r in by_status.context["cl"].result_list) == ["CHE", "VAT", "ZAF"]


def test_cofacilitators_do_not_process_registrations(client, cofacilitator_user, submitted):
    client.force_login(cofacilitator_user)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    response = client.post(reverse(DECIDE), {"decision": "approve", "ids": str(submitted["MEX"].pk)})
    assert response.status_code == 403
    submitted["MEX"].refresh_from_db()
    assert submitted["MEX"].status == Status.SUBMITTED


def test_the_secretariat_sees_and_edits_a_missions_language_of_correspondence(client, secretariat_user, reference_data):
    from registrations.models import PermanentMission

    client.force_login(secretariat_user)
    france = PermanentMission.objects.get(state__iso3="FRA")
    change = client.get(reverse("admin:registrations_permanentmission_change", args=[france.pk])).content.decode()
    assert 'name="correspondence_language"' in change
    listed = client.get(reverse("admin:registrations_permanentmission_changelist"), {"correspondence_language": "fr"})
    names = {mission.state.iso3 for mission in listed.context["cl"].result_list}
    assert "FRA" in names and "MEX" not in names
