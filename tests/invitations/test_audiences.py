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
