import pytest

from invitations.audiences import CsvRecipientsError, audience_recipients, recipients_from_csv


def test_a_good_csv_gives_one_recipient_per_row_with_its_salutation():
    text = "\ufeffname,email,salutation\n"
    text += 'International Organization for Migration,iom@example.org,"Dear Director General,"\n'
    text += "Academia Network, net@example.org ,\n"
    recipients = recipients_from_csv(text)
    assert [(r.name, r.email, r.code, r.values) for r in recipients] == [
        (
            "International Organization for Migration",
            "iom@example.org",
            "International-Organization-for",
            {"recipient_name": "International Organization for Migration", "salutation": "Dear Director General,"},
        ),
        ("Academia Network", "net@example.org", "Academia-Network", {"recipient_name": "Academia Network"}),
    ]


def test_bad_rows_are_reported_by_line_and_nothing_is_imported():
    text = "name,email,salutation\nGood,good@example.org,\n,empty-name@example.org,\nBad,not-an-address,\n"
    text += "Twice,GOOD@example.org,\n"
    with pytest.raises(CsvRecipientsError) as error:
        recipients_from_csv(text)
    assert error.value.messages == [
        "Line 3: the name is empty.",
        "Line 4: 'not-an-address' is not an e-mail address.",
        "Line 5: GOOD@example.org is already on line 2.",
    ]


def test_a_csv_without_the_header_is_refused():
    with pytest.raises(CsvRecipientsError) as error:
        recipients_from_csv("someone,someone@example.org\n")
    assert error.value.messages == [
        "Line 1: the header must name the columns name, email and salutation; missing: name, email."
    ]


@pytest.mark.django_db
def _addresses(count: int) -> str:
    return "name,email\n" + "".join(f"Recipient {n},r{n}@example.org\n" for n in range(count))


def test_a_list_of_20000_recipients_is_read_and_one_over_the_default_cap_is_refused():
    assert len(recipients_from_csv(_addresses(20_000))) == 20_000
    with pytest.raises(CsvRecipientsError) as error:
        recipients_from_csv(_addresses(25_001))
    assert error.value.messages == [
        "The list has more than 25,000 recipients; one letter goes to at most 25,000 at once. "
        "Split the list and send each part."
    ]


def test_the_cap_comes_from_the_settings(settings):
    settings.INVITATIONS_CSV_MAX_ROWS = 3
    assert len(recipients_from_csv(_addresses(3))) == 3
    with pytest.raises(CsvRecipientsError, match="more than 3 recipients"):
        recipients_from_csv(_addresses(4))


def test_member_states_audience_is_one_recipient_per_mission_address(reference_data, demo_session):
    from invitations.models import Letter
    from registrations.demo import demo_missions_load
    from registrations.models import PermanentMission

    demo_missions_load()
    PermanentMission.objects.filter(state__iso3="MEX").update(emails="a@mex.example.org\nb@mex.example.org")
    PermanentMission.objects.filter(state__iso3="CHE").update(emails="")
    letter = Letter(session=demo_session, language="fr")
    result = audience_recipients(letter=letter, audience="member-states")
    assert len(result.recipients) == 193  # 192 missions with one address, Mexico with two, Switzerland none
    assert result.without_email == ["Permanent Mission of Switzerland to the United Nations"]
    mexico = [r for r in result.recipients if r.code == "MEX"]
    assert [r.email for r in mexico] == ["a@mex.example.org", "b@mex.example.org"]
    assert mexico[0].values["state_name"] == "Mexique"


@pytest.mark.django_db
def test_stakeholders_audience_is_each_accredited_organization_at_each_address(reference_data, demo_session):
    from django.utils import timezone

    from invitations.models import Letter
    from registrations.models import Organization

    now = timezone.now()
    Organization.objects.create(
        name="Migrants Rights Network", acronym="MRN", email="info@mrn.example.org", accreditation="accredited",
        accredited_at=now,
    )  # fmt: skip
    Organization.objects.create(name="No Address Academy", accreditation="accredited", accredited_at=now)
    Organization.objects.create(name="Pending Org", email="p@example.org")  # not accredited: left out
    result = audience_recipients(letter=Letter(session=demo_session), audience="stakeholders")
    assert [(r.name, r.email, r.code, r.values) for r in result.recipients] == [
        ("Migrants Rights Network", "info@mrn.example.org", "MRN", {"recipient_name": "Migrants Rights Network"})
    ]
    assert result.without_email == ["No Address Academy"]


@pytest.mark.django_db
def test_delegates_audience_is_each_member_of_the_sessions_approved_registrations(reference_data, demo_session):
    from invitations.models import Letter
    from registrations.models import DelegationMember, DelegationRegistration, PermanentMission

    def registration(iso3, status, members):
        mission = PermanentMission.objects.get(state__iso3=iso3)
        record = DelegationRegistration.objects.create(session=demo_session, mission=mission, status=status)
        for order, (family_name, email) in enumerate(members):
            DelegationMember.objects.create(
                registration=record, is_head=order == 0, honorific="Ms.", family_name=family_name,
                given_name="Ana", function="Delegate", email=email, order=order,
            )  # fmt: skip

    registration("MEX", "approved", [("Ruiz", "ruiz@mex.example.org"), ("Soto", "")])
    registration("CHE", "submitted", [("Keller", "keller@che.example.org")])  # not approved yet: left out
    result = audience_recipients(letter=Letter(session=demo_session), audience="delegates")
    [ruiz] = result.recipients
    assert (ruiz.name, ruiz.email, ruiz.values["recipient_name"], ruiz.values["mission_name"]) == (
        "Ms. Ana Ruiz, Permanent Mission of Mexico to the United Nations",
        "ruiz@mex.example.org",
        "Ms. Ana Ruiz",
        "Permanent Mission of Mexico to the United Nations",
    )
    assert result.without_email == ["Ms. Ana Soto, Permanent Mission of Mexico to the United Nations"]
