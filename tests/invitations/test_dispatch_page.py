"""A dispatch's page live as a whole: one HTML fragment (the bar, the tabs with their counts, the page of the table)
that the page swaps in while the dispatch sends; without JavaScript the page refreshes itself."""

import re

import pytest
from django.urls import reverse

from invitations.demo import demo_letters_load
from invitations.dispatch import dispatch_recount
from outbox.models import OutgoingMail
from registrations.demo import demo_missions_load
from tests.invitations.test_admin import _dispatch_with
from tests.registrations.test_browser import PASSWORD
from tests.registrations.test_browser import browser as chromium  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(reference_data, demo_session):
    demo_missions_load()
    return demo_letters_load(session=demo_session)[0]


def _tabs(html: str) -> list[str]:
    nav = re.search(r'<nav class="invitations-filter".*?</nav>', html, re.S).group(0)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", nav, re.S)]


def test_the_live_fragment_holds_bar_tabs_and_table_and_follows_the_deliveries(client, secretariat_user, letter):
    dispatch = _dispatch_with(letter, None, ["sent", "queued", "queued"])
    client.force_login(secretariat_user)
    url = reverse("admin:invitations_dispatch_live", args=[dispatch.pk])
    fragment = client.get(url).content.decode()
    assert 'aria-valuetext="1 sent · 0 failed · 2 pending of 3"' in fragment
    assert _tabs(fragment) == ["All (3)", "Queued (2)", "Sending (0)", "Sent (1)", "Retrying (0)", "Failed (0)"]
    assert 'data-done="false"' in fragment

    OutgoingMail.objects.filter(delivery__dispatch=dispatch, status="queued").update(
        status="failed", last_error="550 5.1.1 No such user"
    )
    dispatch_recount(dispatch)  # its kept counts, as the outbox keeps them when it fails a mail
    fragment = client.get(url, {"status": "failed"}).content.decode()
    assert _tabs(fragment) == ["All (3)", "Queued (0)", "Sending (0)", "Sent (1)", "Retrying (0)", "Failed (2)"]
    assert fragment.count("550 5.1.1 No such user") == 2
    assert 'data-done="true"' in fragment
    assert "<html" not in fragment  # a fragment, not a page


def test_the_table_is_paginated(client, secretariat_user, letter):
    dispatch = _dispatch_with(letter, None, ["queued"] * 140 + ["sent"] * 10)
    client.force_login(secretariat_user)
    url = reverse("admin:invitations_dispatch_change", args=[dispatch.pk])
    page = client.get(url, {"page": 2})
    assert [d.recipient_name for d in page.context["page"]] == [f"Recipient {n:03d}" for n in range(100, 150)]
    assert "Deliveries 101–150 of 150" in page.content.decode()
    # Paginated by the dispatch's counts (kept, or of the mails on their way), as the tabs say them.
    queued = client.get(url, {"page": 2, "status": "queued"})
    assert [d.recipient_name for d in queued.context["page"]] == [f"Recipient {n:03d}" for n in range(100, 140)]
    assert "Deliveries 101–140 of 140" in queued.content.decode()
    sent = client.get(url, {"status": "sent"})
    assert [d.recipient_name for d in sent.context["page"]] == [f"Recipient {n:03d}" for n in range(140, 150)]


def test_the_title_keeps_the_audiences_capitals(client, secretariat_user, letter):
    # It read "to all member states' missions" and "to an uploaded list (csv)".
    dispatch = _dispatch_with(letter, None, ["queued"])
    dispatch.audience = "member-states"
    dispatch.save()
    client.force_login(secretariat_user)
    page = client.get(reverse("admin:invitations_dispatch_change", args=[dispatch.pk]))
    assert page.context["title"] == "Dispatch of ITS6 invitation (en) to all Member States' missions"
    assert str(dispatch).startswith("ITS6 invitation (en) to all Member States' missions (")


@pytest.mark.browser
def test_the_page_updates_its_tabs_and_table_without_reloading(
    live_server, transactional_db, chromium, reference_data, demo_session, django_user_model,  # noqa: F811
):  # fmt: skip
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from compact_portal import roles

    demo_missions_load()
    letter = demo_letters_load(session=demo_session)[0]
    dispatch = _dispatch_with(letter, None, ["queued", "queued"])
    user = django_user_model.objects.create_user("sec@example.org", "sec@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=roles.SECRETARIAT))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    page = chromium.new_context().new_page()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email").fill("sec@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/invitations/dispatch/{dispatch.pk}/change/")
    page.evaluate("window.notReloaded = true")
    assert page.locator(".invitations-filter").inner_text().split("\n")[1] == "Queued (2)"

    first = dispatch.deliveries.order_by("recipient_name").first()
    OutgoingMail.objects.filter(pk=first.mail_id).update(status="sent", sent_at=first.queued_at)
    dispatch_recount(dispatch)
    page.get_by_text("Sent (1)").wait_for()
    assert page.locator("#result_list tbody tr").first.locator(".invitations-status").inner_text() == "Sent"
    OutgoingMail.objects.filter(delivery__dispatch=dispatch, status="queued").update(
        status="failed", last_error="550 No"
    )
    dispatch_recount(dispatch)
    page.get_by_text("Failed (1)").wait_for()
    assert page.locator(".invitations-live").get_attribute("data-done") == "true"
    assert page.evaluate("window.notReloaded") is True  # swapped in, never reloaded
