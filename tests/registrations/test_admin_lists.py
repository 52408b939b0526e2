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
