"""State names in the six official languages: English and French from the UN's short names, the others from CLDR
(scripts/state_names.py) with the UN's short name where CLDR's everyday name differs."""

import pytest

from registrations.models import State
from registrations.reference import read_states_csv

pytestmark = pytest.mark.django_db


def test_every_state_has_a_name_in_each_official_language():
    rows = read_states_csv()
    assert len(rows) == 195
    for column in ("name_en", "name_fr", "name_ar", "name_zh", "name_ru", "name_es"):
        assert [row["iso3"] for row in rows if not row[column].strip()] == [], column


@pytest.mark.parametrize(
    ("language", "mexico", "russia", "palestine"),
    [
        ("en", "Mexico", "Russian Federation", "State of Palestine"),
        ("fr", "Mexique", "Fédération de Russie", "État de Palestine"),
        ("ar", "المكسيك", "الاتحاد الروسي", "دولة فلسطين"),
        ("zh-hans", "墨西哥", "俄罗斯联邦", "巴勒斯坦国"),
        ("ru", "Мексика", "Российская Федерация", "Государство Палестина"),
        ("es", "México", "Federación de Rusia", "Estado de Palestina"),
    ],
)
def test_state_name_follows_the_language(reference_data, language, mexico, russia, palestine):
    names = {state.iso3: state.name(language) for state in State.objects.filter(iso3__in=["MEX", "RUS", "PSE"])}
    assert names == {"MEX": mexico, "RUS": russia, "PSE": palestine}


def test_state_name_falls_back_to_english():
    state = State(name_en="Mexico", name_fr="Mexique", name_ru="")
    assert (state.name("ru"), state.name("de"), state.name(""), state.name("fr-ca")) == (
        "Mexico",
        "Mexico",
        "Mexico",
        "Mexique",
    )
