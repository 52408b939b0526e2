"""Admin lists at a COP's size: the same queries for 1 and for 50 rows, as the secretariat."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invitations.demo_scale import Scale, scale_demo_load

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LISTS = [
    "/admin/registrations/delegationregistration/",
    "/admin/registrations/delegationregistration/?status__exact=approved",
    "/admin/registrations/delegationmember/",
    "/admin/registrations/delegationmember/?q=a",
    "/admin/registrations/organization/",
    "/admin/registrations/representation/",
    "/admin/registrations/slotapplication/",
    "/admin/invitations/delivery/",
]


def _load(slug: str, rows: int, tmp_path) -> None:
    scale = Scale(
        slug=slug,
        missions=rows,
        members=6 * rows,
        organizations=rows,
        represented=rows,
        applications=rows,
        recipients=rows,
    )
    scale_demo_load(scale=scale, now=NOW, csv_dir=tmp_path)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_admin_lists_run_the_same_queries_for_1_and_50_rows(client, secretariat_user, tmp_path):
    client.force_login(secretariat_user)
    _load("one", 1, tmp_path)
    with_one = {url: _queries(client, url) for url in LISTS}
    _load("fifty", 49, tmp_path)
    with_fifty = {url: _queries(client, url) for url in LISTS}
    assert with_fifty == with_one


def test_the_members_list_shows_a_page_of_members_with_their_mission(client, secretariat_user, tmp_path):
    client.force_login(secretariat_user)
    _load("one", 1, tmp_path)
    page = client.get("/admin/registrations/delegationmember/").content.decode()
    assert page.count('class="field-family_name"') == 6
    assert "Head of delegation" in page
    assert "Permanent Mission of Afghanistan to the United Nations" in page


def test_a_large_delegation_shows_its_first_50_members_and_links_all(client, secretariat_user, tmp_path):
    from registrations.models import DelegationRegistration

    client.force_login(secretariat_user)
    scale_demo_load(
        scale=Scale(slug="big", missions=1, members=120, organizations=1, represented=1, applications=1, recipients=1),
        now=NOW,
        csv_dir=tmp_path,
    )
    registration = DelegationRegistration.objects.get(session__slug="big")
    change = f"/admin/registrations/delegationregistration/{registration.pk}/change/"
    page = client.get(change).content.decode()
    queries = _queries(client, change)
    assert page.count('<td class="field-family_name">') == 50
    link = f"/admin/registrations/delegationmember/?registration__id__exact={registration.pk}"
    assert f'<a href="{link}">All 120 members</a>' in page
    members = client.get(link).content.decode()
    assert members.count('class="field-family_name"') == 100  # a page of the list
    scale_demo_load(
        scale=Scale(slug="small", missions=1, members=3, organizations=1, represented=1, applications=1, recipients=1),
        now=NOW,
        csv_dir=tmp_path,
    )
    small = DelegationRegistration.objects.get(session__slug="small")
    assert _queries(client, f"/admin/registrations/delegationregistration/{small.pk}/change/") == queries


def _member(family: str, given: str = "", email: str = ""):
    from registrations import services

    return services.MemberData(family_name=family, given_name=given, email=email, function="Adviser")


def test_the_members_search_finds_names_and_addresses_by_their_beginning_through_an_index(
    client, secretariat_user, open_session, mission_mex, focal_mex, make_registration
):
    from registrations.admin.delegations import DelegationMemberAdmin
    from registrations.models import DelegationMember

    members = [
        _member("Diallo", "Aminata"),
        _member("DIALLO-Sow", "Moussa"),
        _member("Ba", "Diallo Oumar"),
        _member("Sy", "Awa", email="diallo.fatou@example.org"),
        _member("Ndiallo", "Kofi"),  # contains the word, does not start with it
        _member("Smith", "Jane"),
    ]
    make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex, members=members)
    client.force_login(secretariat_user)
    response = client.get("/admin/registrations/delegationmember/?q=diallo")
    found = {member.family_name for member in response.context["cl"].result_list}
    assert found == {"Diallo", "DIALLO-Sow", "Ba", "Sy"}
    # Each searched column has its index, and the search reads them rather than every member (migration 0016).
    queryset, _ = DelegationMemberAdmin(DelegationMember, None).get_search_results(
        None, DelegationMember.objects.all(), "diallo"
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: PostgreSQL would read the table
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    for column in ("family_name", "given_name", "email"):
        assert f"member_{column}_prefix" in plan, plan


def test_the_members_list_counts_a_few_pages_ahead_not_the_whole_table(client, secretariat_user, tmp_path, monkeypatch):
    from registrations.admin.delegations import DelegationMemberAdmin

    monkeypatch.setattr(DelegationMemberAdmin, "list_per_page", 2)  # so 30 members stand for 100,000
    client.force_login(secretariat_user)
    scale_demo_load(
        scale=Scale(slug="mid", missions=3, members=30, organizations=1, represented=1, applications=1, recipients=1),
        now=NOW,
        csv_dir=tmp_path,
    )
    url = "/admin/registrations/delegationmember/"
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    (count,) = [query["sql"] for query in captured if "COUNT(" in query["sql"]]
    assert "LIMIT 23" in count  # (page 1 + 10 pages ahead) × 2 rows, and one more to know there are more
    assert "More than 22 delegation members" in page
    assert 'href="?p=12"' in page and 'href="?p=13"' not in page
    further = client.get(url + "?p=12").content.decode()
    assert "30 delegation members" in further  # counted up to page 12 + 10: all of them


def test_the_registrations_search_finds_a_delegation_by_the_beginning_of_a_members_family_name(
    client, secretariat_user, open_session, mission_mex, focal_mex, make_registration
):
    make_registration(
        session=open_session, mission=mission_mex, focal_point=focal_mex, members=[_member("Ndiaye", "Awa")]
    )
    client.force_login(secretariat_user)
    url = "/admin/registrations/delegationregistration/?q="
    assert len(client.get(url + "ndia").context["cl"].result_list) == 1
    assert len(client.get(url + "diaye").context["cl"].result_list) == 0  # not inside a name: no index serves it
    assert len(client.get(url + "mexi").context["cl"].result_list) == 1  # the State's name, anywhere in it
