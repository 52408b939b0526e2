"""The delegates' and stakeholders' forms: required fields marked and announced, members added as needed without
JavaScript, the remove checkbox with its label, a speaker picked from the delegation, durations in words."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from compact_portal.templatetags.portal_i18n import words_for_duration
from registrations import services
from registrations.forms import InscriptionForm, MemberForm, OrganizationForm
from registrations.models import DelegationRegistration, Inscription
from tests.registrations.views.test_delegations import form_data

pytestmark = pytest.mark.django_db


def test_required_fields_are_announced_and_marked():
    form = MemberForm()
    required = {name for name, field in form.fields.items() if field.widget.attrs.get("aria-required") == "true"}
    assert required == {"family_name", "function", "attendance"}
    html = str(form["family_name"].label_tag())
    assert 'class="required"' in html
    assert 'class="required"' not in str(form["given_name"].label_tag())


def test_registration_form_has_the_required_legend_and_members_in_a_formset_keep_aria_required(
    client, open_session, mission_mex, focal_mex
):
    client.force_login(focal_mex)
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    page = client.get(reverse("registrations:edit", kwargs={"pk": registration.pk})).content.decode()
    assert "Fields marked with an asterisk are required." in page
    assert re.search(r'<input[^>]*name="members-0-family_name"[^>]*aria-required="true"', page)
    # One blank member to start with (not a fixed three), and the remove checkbox labelled beside it.
    assert 'name="members-TOTAL_FORMS" value="1"' in page
    assert re.search(
        r'<input type="checkbox" name="members-0-DELETE" id="id_members-0-DELETE">\s*'
        r'<label for="id_members-0-DELETE">Remove this member</label>',
        page,
    )


def test_add_another_member_without_javascript_returns_the_form_with_one_more_blank_member(
    client, open_session, mission_mex, focal_mex
):
    client.force_login(focal_mex)
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    url = reverse("registrations:edit", kwargs={"pk": registration.pk})
    response = client.post(url, {**form_data(), "add_member": "1"})
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == 3
    assert [form["family_name"].value() for form in formset] == ["Pérez", None, None]
    assert response.context["head_form"]["family_name"].value() == "Gómez-Camacho"
    assert registration.members.count() == 0  # nothing saved
    assert 'name="members-TOTAL_FORMS" value="3"' in response.content.decode()


def test_adding_a_member_before_the_head_is_filled_in_shows_no_error(client, open_session, mission_mex, focal_mex):
    client.force_login(focal_mex)
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    data = {"members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0", "head-attendance": "in_person"}
    data["members-0-attendance"] = "in_person"
    response = client.post(reverse("registrations:edit", kwargs={"pk": registration.pk}), {**data, "add_member": "1"})
    assert "errorlist" not in response.content.decode()


def _registered_head(speakers_list, mission, focal_point, head):
    session = speakers_list.item.session
    session.registration_deadline = timezone.now() + timedelta(days=5)
    session.save()
    registration = services.registration_start(session=session, mission=mission, by=focal_point)
    services.registration_update(registration=registration, by=focal_point, head=head, members=[], note_verbale=None)
    return registration.members.get()


def test_speaker_is_picked_from_the_delegations_members(client, speakers_list, mission_mex, focal_mex, head):
    member = _registered_head(speakers_list, mission_mex, focal_mex, head)
    client.force_login(focal_mex)
    url = reverse("registrations:inscribe", kwargs={"list_pk": speakers_list.pk})
    page = client.get(url).content.decode()
    assert "H.E. Mr. Juan José Gómez-Camacho, Ambassador" in page
    assert "Speaking time: 3 minutes." in page
    response = client.post(url, {"member": member.pk, "level": 1})
    assert response.status_code == 302
    inscription = Inscription.objects.get()
    assert (inscription.honorific, inscription.given_name, inscription.family_name, inscription.function) == (
        "H.E. Mr.",
        "Juan José",
        "Gómez-Camacho",
        "Ambassador",
    )


def test_a_speaker_not_on_the_delegation_is_typed_and_needs_a_name(speakers_list, mission_mex, focal_mex, head):
    _registered_head(speakers_list, mission_mex, focal_mex, head)
    form = InscriptionForm({"level": 1}, missions=[mission_mex], speakers_list=speakers_list)
    assert not form.is_valid()
    assert form.errors == {
        "family_name": ["Pick the speaker from the delegation, or give this."],
        "function": ["Pick the speaker from the delegation, or give this."],
    }
    assert DelegationRegistration.objects.count() == 1


def test_durations_in_words_in_the_pages_language():
    assert words_for_duration(timedelta(minutes=3)) == "3 minutes"
    assert words_for_duration(timedelta(minutes=1, seconds=30)) == "1 minute 30 seconds"
    assert words_for_duration(timedelta(hours=1, minutes=15)) == "1 hour 15 minutes"
    with translation.override("fr"):
        assert words_for_duration(timedelta(minutes=3)) == "3 minutes"
    with translation.override("ru"):
        assert words_for_duration(timedelta(minutes=3)) == "3 минуты"
    with translation.override("es"):
        assert words_for_duration(timedelta(minutes=1)) == "1 minuto"


def test_organization_form_lists_states_in_the_pages_language(reference_data):
    with translation.override("fr"):
        form = OrganizationForm()
        labels = [label for value, label in form.fields["country"].choices if value]
    assert "Allemagne" in labels
    assert "Germany" not in labels
    assert labels.index("Afrique du Sud") < labels.index("Allemagne")


def test_organization_form_files_accented_state_names_with_their_letter(reference_data):
    # A database sorts by code point: "Égypte" came after "Zimbabwe", "Libéria" after "Libye".
    with translation.override("fr"):
        labels = [label for value, label in OrganizationForm().fields["country"].choices if value]
    e_names = [label for label in labels if label[0] in "EÉ"]
    assert e_names == [
        "Égypte",
        "El Salvador",
        "Émirats arabes unis",
        "Équateur",
        "Érythrée",
        "Espagne",
        "Estonie",
        "Eswatini",
        "État de Palestine",
        "États-Unis d'Amérique",
        "Éthiopie",
    ]
    assert labels[labels.index("Libéria") + 1] == "Libye"
    assert labels[-1] == "Zimbabwe"


def test_allauth_forms_mark_required_fields_and_put_the_checkbox_label_beside_it(client):
    signup = client.get("/en/accounts/signup/").content.decode()
    assert "Fields marked with an asterisk are required." in signup
    assert '<label class="required" for="id_email">Email:</label>' in signup
    login = client.get("/en/accounts/login/").content.decode()
    assert '<label class="required" for="id_password">Password:</label>' in login
    assert re.search(r'<p class="check"><input type="checkbox" name="remember" id="id_remember"> <label', login)
