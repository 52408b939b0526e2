from collections import Counter

import pytest

from registrations.models import PermanentMission, RegionalGroup, State
from registrations.models.reference import alphabetical_key
from registrations.reference import mission_name, read_states_csv, reference_data_load

pytestmark = pytest.mark.django_db


def test_reference_data_has_193_members_and_2_observer_states(reference_data):
    assert State.objects.filter(membership=State.Membership.MEMBER).count() == 193
    observers = State.objects.filter(membership=State.Membership.OBSERVER)
    assert sorted(observers.values_list("iso3", "name_en")) == [("PSE", "State of Palestine"), ("VAT", "Holy See")]


def test_every_member_state_is_in_exactly_one_of_the_five_groups(reference_data):
    members = State.objects.filter(membership=State.Membership.MEMBER)
    assert not members.filter(regional_group__isnull=True).exists()
    assert RegionalGroup.objects.count() == 5
    assert sum(Counter(members.values_list("regional_group__code", flat=True)).values()) == 193


def test_observer_states_have_no_electoral_group(reference_data):
    assert list(State.objects.filter(membership="observer", regional_group__isnull=False)) == []


def test_group_placements_that_are_easy_to_get_wrong(reference_data):
    group_of = dict(State.objects.values_list("iso3", "regional_group__code"))
    assert (group_of["TUR"], group_of["USA"], group_of["ISR"], group_of["KIR"]) == (
        "WEOG",
        "WEOG",
        "WEOG",
        "ASIA_PACIFIC",
    )
    assert (group_of["MEX"], group_of["CHE"], group_of["CYP"]) == ("GRULAC", "WEOG", "ASIA_PACIFIC")


def test_states_csv_codes_are_unique_and_well_formed():
    rows = read_states_csv()
    assert len(rows) == 195
    assert len({row["iso3"] for row in rows}) == 195
    assert len({row["iso2"] for row in rows}) == 195
    assert all(len(row["iso3"]) == 3 and row["iso3"].isupper() for row in rows)
    assert all(row["name_fr"] for row in rows)


def test_each_state_gets_one_new_york_mission_named_after_it(reference_data):
    assert PermanentMission.objects.filter(duty_station="new_york").count() == 195
    mexico = PermanentMission.objects.get(state__iso3="MEX")
    assert mexico.name == "Permanent Mission of Mexico to the United Nations"
    assert PermanentMission.objects.get(state__iso3="VAT").name == (
        "Permanent Observer Mission of the Holy See to the United Nations"
    )
    assert PermanentMission.objects.get(state__iso3="KOR").name == (
        "Permanent Mission of the Republic of Korea to the United Nations"
    )


def test_loading_twice_doubles_nothing_and_keeps_secretariat_edits(reference_data):
    mission = PermanentMission.objects.get(state__iso3="MEX")
    mission.head_name = "Edited by the secretariat"
    mission.save()
    assert reference_data_load() == {"states": 0, "missions": 0}
    assert State.objects.count() == 195
    assert PermanentMission.objects.count() == 195
    mission.refresh_from_db()
    assert mission.head_name == "Edited by the secretariat"


def test_mission_name_for_an_observer_state():
    state = State(name_en="State of Palestine", membership=State.Membership.OBSERVER)
    assert mission_name(state) == "Permanent Observer Mission of the State of Palestine to the United Nations"


def test_mission_emails_are_validated_line_by_line(reference_data):
    from django.core.exceptions import ValidationError

    mission = PermanentMission.objects.get(state__iso3="MEX")
    mission.emails = "pm@example.org\nnot-an-address"
    with pytest.raises(ValidationError) as error:
        mission.full_clean()
    assert error.value.message_dict == {"emails": ["Line 2: 'not-an-address' is not an e-mail address."]}
    mission.emails = "pm@example.org\n\n  second@example.org "
    mission.full_clean()
    assert mission.email_list == ["pm@example.org", "second@example.org"]


def test_loading_costs_a_few_queries_whatever_the_number_of_states(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(45):
        assert reference_data_load() == {"states": 195, "missions": 195}
    with django_assert_max_num_queries(45):
        assert reference_data_load() == {"states": 0, "missions": 0}


def test_loading_again_corrects_a_state_changed_in_the_database(reference_data):
    State.objects.filter(iso3="MEX").update(name_fr="Mexico (typo)", regional_group=None, membership="observer")
    reference_data_load()
    mexico = State.objects.get(iso3="MEX")
    assert (mexico.name_fr, mexico.regional_group.code, mexico.membership) == ("Mexique", "GRULAC", "member")


def test_alphabetical_key_drops_accents_from_latin_letters_only():
    assert sorted(["Zambie", "Libye", "Égypte", "Libéria", "Îles Salomon", "Inde"], key=alphabetical_key) == [
        "Égypte",
        "Îles Salomon",
        "Inde",
        "Libéria",
        "Libye",
        "Zambie",
    ]
    # Russian "Й" is a letter of its own, after "И": Yemen comes after India.
    assert sorted(["Йемен", "Индия"], key=alphabetical_key) == ["Индия", "Йемен"]


def test_every_new_york_mission_is_named_in_french_and_spanish_with_the_un_articles(reference_data):
    missions = PermanentMission.objects.filter(duty_station="new_york").select_related("state")
    names = {mission.state.iso3: mission for mission in missions}
    assert len(names) == 195
    for mission in names.values():
        french, spanish = mission.name_in("fr")[0], mission.name_in("es")[0]
        kind = "Mission permanente d’observation " if mission.state.membership == "observer" else "Mission permanente "
        assert french.startswith(kind) and french.endswith(" auprès de l’Organisation des Nations Unies"), french
        assert spanish.startswith("Misión Permanente ") and spanish.endswith(" ante las Naciones Unidas"), spanish
    assert {iso3: names[iso3].name_in("fr") for iso3 in ("FRA", "MEX", "DEU", "USA", "HTI", "CUB")} == {
        "FRA": ("Mission permanente de la France auprès de l’Organisation des Nations Unies", "fr"),
        "MEX": ("Mission permanente du Mexique auprès de l’Organisation des Nations Unies", "fr"),
        "DEU": ("Mission permanente de l’Allemagne auprès de l’Organisation des Nations Unies", "fr"),
        "USA": ("Mission permanente des États-Unis d’Amérique auprès de l’Organisation des Nations Unies", "fr"),
        "HTI": ("Mission permanente d’Haïti auprès de l’Organisation des Nations Unies", "fr"),
        "CUB": ("Mission permanente de Cuba auprès de l’Organisation des Nations Unies", "fr"),
    }
    assert {iso3: names[iso3].name_in("es")[0] for iso3 in ("MEX", "ARG", "PER", "USA", "IND", "PSE")} == {
        "MEX": "Misión Permanente de México ante las Naciones Unidas",
        "ARG": "Misión Permanente de la Argentina ante las Naciones Unidas",
        "PER": "Misión Permanente del Perú ante las Naciones Unidas",
        "USA": "Misión Permanente de los Estados Unidos de América ante las Naciones Unidas",
        "IND": "Misión Permanente de la India ante las Naciones Unidas",
        "PSE": "Misión Permanente de Observación del Estado de Palestina ante las Naciones Unidas",
    }
    # A language without a name: the English one, and the language it is in.
    assert names["FRA"].name_in("ru") == ("Permanent Mission of France to the United Nations", "en")


def test_every_new_york_mission_is_named_in_arabic_and_chinese_as_un_usage_writes_them(reference_data):
    missions = PermanentMission.objects.filter(duty_station="new_york").select_related("state")
    names = {mission.state.iso3: mission for mission in missions}
    for mission in names.values():
        arabic, chinese = mission.name_in("ar"), mission.name_in("zh-hans")
        observer = mission.state.membership == "observer"
        assert arabic[1] == "ar" and chinese[1] == "zh-hans"
        assert arabic[0].startswith("بعثة المراقب الدائم ل" if observer else "البعثة الدائمة ل"), arabic
        assert arabic[0].endswith(" لدى الأمم المتحدة") and mission.state.name_ar[2:] in arabic[0], arabic
        assert chinese[0] == mission.state.name_zh + ("常驻联合国观察员代表团" if observer else "常驻联合国代表团")
    arabic = {iso3: names[iso3].name_in("ar")[0] for iso3 in ("EGY", "FRA", "ARG", "GBR", "LBN", "BOL", "PSE")}
    assert arabic == {
        # لـ joined to the name; ل + ال gives لل.
        "EGY": "البعثة الدائمة لمصر لدى الأمم المتحدة",
        "FRA": "البعثة الدائمة لفرنسا لدى الأمم المتحدة",
        "ARG": "البعثة الدائمة للأرجنتين لدى الأمم المتحدة",
        "GBR": "البعثة الدائمة للمملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية لدى الأمم المتحدة",
        "LBN": "البعثة الدائمة للبنان لدى الأمم المتحدة",
        "BOL": "البعثة الدائمة لبوليفيا (دولة - المتعددة القوميات) لدى الأمم المتحدة",
        "PSE": "بعثة المراقب الدائم لدولة فلسطين لدى الأمم المتحدة",
    }
    assert {iso3: names[iso3].name_in("zh-hans")[0] for iso3 in ("EGY", "CHN", "VAT")} == {
        "EGY": "埃及常驻联合国代表团",
        "CHN": "中国常驻联合国代表团",
        "VAT": "教廷常驻联合国观察员代表团",
    }


def test_reloading_keeps_a_name_the_secretariat_entered_and_fills_a_missing_one(reference_data):
    france = PermanentMission.objects.get(state__iso3="FRA", duty_station="new_york")
    france.translations = {"fr": {"name": "Mission permanente de la France (corrigée)"}}
    france.save()
    reference_data_load()
    france.refresh_from_db()
    assert france.translations == {
        "fr": {"name": "Mission permanente de la France (corrigée)"},
        "es": {"name": "Misión Permanente de Francia ante las Naciones Unidas"},
        "ar": {"name": "البعثة الدائمة لفرنسا لدى الأمم المتحدة"},
        "zh-hans": {"name": "法国常驻联合国代表团"},
    }
