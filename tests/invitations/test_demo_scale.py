import csv
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from invitations.demo_scale import Scale, delegation_sizes, scale_demo_load
from invitations.models import Delivery
from registrations.models import DelegationMember, Organization, Profile, Representation, SlotApplication

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SMALL = Scale(
    slug="cop-small", missions=20, members=400, organizations=30, represented=12, applications=25, recipients=120
)


def test_cop_delegation_sizes_span_3_to_4000_and_sum_to_100000():
    sizes = delegation_sizes(missions=198, members=100_000, seed=28)
    assert (len(sizes), sum(sizes), min(sizes), max(sizes)) == (198, 100_000, 3, 4_000)


def test_delegation_sizes_are_the_same_for_the_same_seed():
    assert delegation_sizes(missions=198, members=5_000, seed=1) == delegation_sizes(
        missions=198, members=5_000, seed=1
    )


def test_scale_demo_loads_every_table_once(tmp_path):
    report = scale_demo_load(scale=SMALL, now=NOW, csv_dir=tmp_path)

    assert report.counts == {
        "delegations": 20,
        "members": 400,
        "organizations represented": 12,
        "representatives": 24,
        "dialogue applications": 25,
        "deliveries": 120,
    }
    assert Organization.objects.filter(accreditation="accredited").count() == 30
    assert Profile.objects.filter(is_focal_point=True, organization__isnull=False).count() == 30
    assert Representation.objects.filter(status="confirmed").count() == 24
    assert list(SlotApplication.objects.order_by("sequence").values_list("sequence", flat=True)) == list(range(1, 26))
    assert Delivery.objects.filter(mail__status="sent").count() == 119  # one in a hundred failed
    with (tmp_path / "cop-small-recipients.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 120
    assert len({row["email"] for row in rows}) == 120

    again = scale_demo_load(scale=SMALL, now=NOW, csv_dir=tmp_path)
    assert (again.created, again.counts) == (False, report.counts)
    assert DelegationMember.objects.count() == 400


def test_scale_demo_names_are_in_the_six_official_languages_scripts(tmp_path):
    scale_demo_load(scale=SMALL, now=NOW, csv_dir=tmp_path)
    names = " ".join(DelegationMember.objects.values_list("family_name", flat=True))
    names += " ".join(Organization.objects.values_list("name", flat=True))
    scripts = {
        "Arabic": any("\u0600" <= char <= "\u06ff" for char in names),
        "Cyrillic": any("\u0400" <= char <= "\u04ff" for char in names),
        "Han": any("\u4e00" <= char <= "\u9fff" for char in names),
        "Latin with diacritics": any(char in "éíóúñçèàü" for char in names),
    }
    assert scripts == dict.fromkeys(scripts, True)


def test_demo_command_scale_cop_reports_the_load(monkeypatch, capsys):
    loaded = []
    monkeypatch.setattr(
        "invitations.management.commands.demo.scale_demo_load", lambda *, scale: loaded.append(scale) or "loaded"
    )
    call_command("demo", "--no-accounts", "--scale", "cop")
    assert loaded == [Scale()]
    assert capsys.readouterr().out.splitlines()[-1] == "loaded"
