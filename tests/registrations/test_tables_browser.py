"""In headless Chromium, at a phone's width (390 px) and a desktop's (1280 px): no table cell on the public,
delegate and stakeholder pages splits a word ("Miss ion", "Submi tted", "Insc ribe a spea ker"), no cell overflows,
and buttons and statuses keep their words whole."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from tests.registrations.test_browser import browser  # noqa: F401 - the fixture

# Every word (split at spaces, hyphens, dashes and slashes, where a line may break) of every text node in a table cell,
# a button or a status must lie on one line: its rendered boxes share one top. A cell must not overflow either.
SPLIT_WORDS = """() => {
  const found = [];
  const boxes = document.querySelectorAll("main td, main th, main button, main .button, main .status");
  for (const box of boxes) {
    if (!box.getClientRects().length) continue;  // not rendered (a visually hidden header keeps its words)
    if (box.closest(".visually-hidden") || box.matches("thead th")) continue;
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const words = /[^\\s\\-\\u2010-\\u2015\\/]+/g;
      for (let match = words.exec(node.textContent); match; match = words.exec(node.textContent)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) found.push(`split: ${match[0]}`);
      }
    }
    if ((box.matches("td, th")) && box.scrollWidth > box.clientWidth + 1) {
      found.push(`overflow: ${box.textContent.trim().slice(0, 60)}`);
    }
  }
  return found;
}"""


def _signed_in(browser, live_server, user, width):  # noqa: F811 - the fixture's name
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context.new_page()


@pytest.mark.browser
def test_no_table_cell_splits_a_word_on_a_phone_or_a_desktop(
    live_server,
    transactional_db,
    browser,  # noqa: F811 - the fixture imported above
    demo,
    secretariat_user,
    django_user_model,
):
    from registrations import services
    from registrations.models import Dialogue, PermanentMission, SpeakersList
    from registrations.services import dialogue as dialogue_services
    from sessions.models import ThematicSession

    delegate = django_user_model.objects.get(email="delegate.mex@example.org")
    stakeholder = django_user_model.objects.get(email="stakeholder@example.org")
    session = ThematicSession.objects.get(slug="gcm-its-6")
    mexico = PermanentMission.objects.get(profiles__user=delegate)
    registration = services.registration_start(session=session, mission=mexico, by=delegate)
    services.registration_update(
        registration=registration,
        by=delegate,
        head=services.MemberData(
            honorific="H.E. Mr.",
            given_name="Juan José",
            family_name="Gómez-Camacho",
            function="Ambassador and Permanent Representative of Mexico to the United Nations",
        ),
        members=[services.MemberData(given_name="Ana", family_name="Pérez", function="Counsellor")],
        note_verbale=None,
    )
    services.inscription_create(
        speakers_list=SpeakersList.objects.filter(item__session=session).first(),
        mission=mexico,
        by=delegate,
        family_name="Gómez-Camacho",
        function="Ambassador and Permanent Representative",
        level=1,
    )
    dialogue = Dialogue.objects.get(session=session)
    dialogue_services.application_submit(
        dialogue=dialogue,
        organization=stakeholder.profile.organization,
        by=stakeholder,
        speaker_name="Stella Stakeholder",
        speaker_function="Coordinator of the Migrant Rights Network",
        summary="Regular pathways.",
    )
    dialogue_services.dialogue_draw(
        dialogue=dialogue,
        by=secretariat_user,
        seed="demo-seed",
        now=dialogue.applications_close_at + timedelta(hours=1),
    )
    dialogue_services.dialogue_publish(dialogue=dialogue, by=secretariat_user)

    pages = {
        None: ["/en/", session.get_absolute_url(), f"/en/sessions/{session.slug}/dialogue/"],
        delegate: [
            "/en/delegation/",
            f"/en/delegation/registrations/{registration.pk}/",
            "/en/stakeholders/non-objection/",
        ],
        stakeholder: ["/en/stakeholders/"],
    }
    found = {}
    for width in (390, 1280):
        for user, paths in pages.items():
            if user is None:
                page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
            else:
                page = _signed_in(browser, live_server, user, width)
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                tables = page.locator("main table").count()
                assert tables or path == "/en/", f"{path} shows no table"
                problems = page.evaluate(SPLIT_WORDS)
                if problems:
                    found[(width, path)] = problems
            page.context.close()
    assert found == {}
