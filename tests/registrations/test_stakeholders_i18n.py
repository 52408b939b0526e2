"""Languages of stakeholders: an organization keeps the language its focal point registered it in, and the e-mails
about its accreditation, its applications and its representatives go out in it; validation messages show in the
page's language."""

from django.urls import reverse
from django.utils import translation

from registrations.models import Organization
from registrations.services import dialogue as dialogue_services
from registrations.services import stakeholders
from tests.registrations.conftest import upload


def test_an_organization_registered_on_a_french_page_is_told_of_its_accreditation_in_french(
    client, django_user_model, secretariat_user, django_capture_on_commit_callbacks, mailoutbox
):
    user = django_user_model.objects.create_user("ana@redmem.example.org", "ana@redmem.example.org", "pw")
    client.force_login(user)
    with translation.override("fr"):
        url = reverse("registrations:organization_register")
    assert url.startswith("/fr/")
    data = {"name": "Red Mesoamericana", "acronym": "REDMEM", "kind": "diaspora", "ecosoc_status": "special"}
    assert client.post(url, data).status_code == 302
    organization = Organization.objects.get()
    assert organization.language == "fr"

    translation.activate("en")  # the secretariat decides in English (the test client left French active)
    with django_capture_on_commit_callbacks(execute=True):
        stakeholders.accreditation_confirm(organization=organization, by=secretariat_user)
    (message,) = mailoutbox
    assert message.subject == "Red Mesoamericana (REDMEM) : accréditée"
    assert "Red Mesoamericana (REDMEM) est accréditée aux consultations." in message.body
    assert message.body.rstrip().endswith("Secrétariat")
    assert translation.get_language() == "en"  # the e-mail's language does not leak into the caller's


def test_the_objection_reason_reaches_the_organization_in_its_language(
    make_organization, secretariat_user, django_capture_on_commit_callbacks, mailoutbox
):
    organization = make_organization(accredited=False, ecosoc_status="none")
    Organization.objects.filter(pk=organization.pk).update(language="es")
    organization.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        stakeholders._decide(
            organization, to=Organization.Accreditation.NOT_ACCREDITED, by=None, reason=stakeholders.OBJECTED_REASON
        )
    (message,) = mailoutbox
    assert message.subject == f"{organization}: no acreditada"
    assert "Un Estado Miembro ha formulado una objeción a la participación de la organización." in message.body


def test_an_application_e_mail_and_its_calendar_file_are_in_the_organizations_language(
    make_dialogue, make_organization, django_capture_on_commit_callbacks, mailoutbox
):
    dialogue = make_dialogue()
    organization = make_organization()
    Organization.objects.filter(pk=organization.pk).update(language="fr")
    organization.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        dialogue_services.application_submit(
            dialogue=dialogue,
            organization=organization,
            by=organization.focal_point,
            speaker_name="Ana Pérez",
            speaker_function="Director",
            summary="Regular pathways.",
            theme=dialogue.session.agenda_items.exclude(pk=dialogue.item_id).get(),
        )
    (message,) = mailoutbox
    assert message.subject == f"{dialogue.session.code}, dialogue informel, {organization} : confirmée"
    assert f"Ana Pérez ({organization}) est confirmé(e) comme orateur nº 1, de 09:05 à 09:08" in message.body
    assert "heure de Genève" in message.body
    ((_name, ics, _mimetype),) = message.attachments
    assert "dialogue informel" in (ics.decode() if isinstance(ics, bytes) else ics)


def test_a_note_verbale_that_is_not_a_pdf_is_refused_in_french_on_a_french_page(
    client, open_session, mission_mex, focal_mex, make_registration
):
    from tests.registrations.views.test_delegations import form_data

    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    client.force_login(focal_mex)
    with translation.override("fr"):
        url = reverse("registrations:edit", kwargs={"pk": registration.pk})
    png = upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, name="scan.pdf")
    response = client.post(url, {**form_data(), "note_verbale": png})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ce fichier est une image PNG, et non un PDF." in page
    assert "PDF, 10 MB au maximum." in page  # the field's help, in the page's language too


def test_a_representative_is_told_of_the_decision_in_the_organizations_language(
    make_dialogue, make_organization, django_user_model, django_capture_on_commit_callbacks, mailoutbox
):
    dialogue = make_dialogue()
    organization = make_organization(name="Red Mesoamericana")
    Organization.objects.filter(pk=organization.pk).update(language="fr")
    organization.refresh_from_db()
    person = django_user_model.objects.create_user("rep@redmem.example.org", "rep@redmem.example.org", "pw")
    representation = stakeholders.representation_request(session=dialogue.session, organization=organization, by=person)
    with django_capture_on_commit_callbacks(execute=True):
        stakeholders.representation_decide(representation=representation, by=organization.focal_point, confirm=True)
    (message,) = mailoutbox
    assert message.to == ["rep@redmem.example.org"]
    assert message.subject == f"{dialogue.session.code} : votre demande de représenter Red Mesoamericana est confirmée"
    assert message.body.startswith(f"Session thématique informelle {dialogue.session.number}: ")
    assert "Votre demande de représenter Red Mesoamericana à cette session est confirmée." in message.body
    assert message.body.rstrip().endswith("Secrétariat")
    assert translation.get_language() == "en"
