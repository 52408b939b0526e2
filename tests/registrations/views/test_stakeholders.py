"""The stakeholders' application for a speaking slot through the browser's requests: what a burst of them costs the
database (a constant number of queries, whatever the applications already in), and that the rules still hold."""

import re
from datetime import timedelta

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from registrations.forms import SlotApplicationForm
from registrations.models import Dialogue, SlotApplication
from sessions.calendar import timezone_label
from sessions.models import AgendaItem, ThematicSession
from sessions.public_cache import public_pages_changed

# The form: the session (none with Redis: cached_db), the user, the sessions' versions (none with Redis: the dialogue
# is kept while its session's version stands; its row the first time), the organization (the header's areas follow
# from it); and the session's panels when the page is rendered (once per version of the session's pages).
FORM_QUERIES = 4
# The POST: the session, user, the sessions' versions, organization (the panels kept); then, in one transaction
# (a savepoint in tests): the dialogue locked with its arrival counter moved on (one UPDATE … RETURNING), its lists
# counted in one query, the application, its event, and the audit entry (chain head locked, entry, head moved on).
POST_QUERIES = 13


def application(dialogue) -> dict:
    theme = dialogue.session.agenda_items.get(kind="panel")
    return {
        "speaker_name": "Amina Mensah",
        "speaker_function": "Director",
        "speaker_email": "",
        "theme": theme.pk,
        "summary": "What the parties can do for climate mobility this session.",
    }


@pytest.fixture(params=["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"])
def session_engine(request, settings) -> int:
    """Both engines settings.py chooses (cached_db with REDIS_URL); the queries the session costs a request."""
    settings.SESSION_ENGINE = request.param
    return 0 if request.param.endswith("cached_db") else 1


def apply_counting(client, dialogue, organization) -> tuple[int, int]:
    url = reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})
    client.force_login(organization.focal_point)
    with CaptureQueriesContext(connection) as form:
        assert client.get(url).status_code == 200
    data = application(dialogue)
    with CaptureQueriesContext(connection) as post:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return len(form), len(post)


@pytest.fixture
def counted(db):
    ContentType.objects.get_for_model(SlotApplication)  # read once per process in production


def test_an_application_costs_the_same_queries_for_the_first_and_the_thirtieth(
    client, counted, session_engine, make_dialogue, make_organization, apply_for
):
    dialogue = make_dialogue()
    form, post = FORM_QUERIES - 1 + session_engine, POST_QUERIES - 1 + session_engine
    assert apply_counting(client, dialogue, make_organization()) == (form + 1, post)  # the page rendered: panels
    for _ in range(28):  # past the 15 slots: the next ones are wait-listed
        apply_for(dialogue, make_organization())
    assert apply_counting(client, dialogue, make_organization()) == (form, post)  # the page kept
    last = SlotApplication.objects.get(sequence=30)
    assert (last.status, last.position) == (SlotApplication.Status.WAITLISTED, 15)


def test_a_second_application_of_the_organization_is_refused_and_leaves_no_gap(
    client, make_dialogue, make_organization
):
    dialogue = make_dialogue()
    first, second = make_organization(), make_organization()
    url = reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})
    client.force_login(first.focal_point)
    assert client.post(url, application(dialogue)).status_code == 302
    page = client.post(url, application(dialogue), follow=True).content.decode()
    assert f"{first.name} has already applied for this dialogue." in page
    client.force_login(second.focal_point)
    assert client.post(url, application(dialogue)).status_code == 302
    assert sorted(SlotApplication.objects.values_list("sequence", flat=True)) == [1, 2]


def test_a_theme_of_another_session_is_refused(client, make_dialogue, make_organization):
    dialogue, other = make_dialogue(), make_dialogue()
    organization = make_organization()
    client.force_login(organization.focal_point)
    url = reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})
    response = client.post(url, application(other))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not SlotApplication.objects.exists()


class _ValidatedByTheModelToo(SlotApplicationForm):
    """The form as it was: the model's validation after the fields' (the theme excluded, as it was)."""

    def _post_clean(self):
        forms.ModelForm._post_clean(self)

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "theme"}


@pytest.mark.parametrize(
    "changes",
    [
        {"speaker_name": "x" * 201},
        {"speaker_function": ""},
        {"speaker_email": "not an address"},
        {"speaker_email": "a@" + "b" * 260 + ".org"},
        {"summary": "s" * 1501, "speaker_name": "  "},
        {"speaker_name": "nul\x00"},
        {},
    ],
)
def test_the_form_finds_the_errors_the_models_validation_found(make_dialogue, changes):
    dialogue = make_dialogue()
    data = {**application(dialogue), **changes}
    form = SlotApplicationForm(data, dialogue=dialogue)
    assert form.errors == _ValidatedByTheModelToo(data, dialogue=dialogue).errors
    assert form.is_valid() is not bool(changes)


def test_the_panels_labels_are_made_to_render_the_options_not_to_validate(make_dialogue, monkeypatch):
    dialogue = make_dialogue()
    panel = dialogue.session.agenda_items.get(kind="panel")
    labelled = []
    local_title = AgendaItem.local_title
    monkeypatch.setattr(
        AgendaItem, "local_title", property(lambda item: labelled.append(item.pk) or local_title.fget(item))
    )
    form = SlotApplicationForm({**application(dialogue), "speaker_name": ""}, dialogue=dialogue)
    assert not form.is_valid()
    assert form.cleaned_data["theme"] == panel
    assert labelled == []
    with translation.override("fr"):
        options = str(form["theme"])
    assert labelled == [panel.pk]
    assert f'<option value="{panel.pk}" selected>{panel.local_title}</option>' in options


def test_a_post_validates_the_application_once(client, make_dialogue, make_organization, monkeypatch):
    dialogue = make_dialogue()
    organization = make_organization()
    validated = []
    full_clean = SlotApplication.full_clean
    monkeypatch.setattr(
        SlotApplication,
        "full_clean",
        lambda self, *args, **kwargs: validated.append(self) or full_clean(self, *args, **kwargs),
    )
    client.force_login(organization.focal_point)
    url = reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})
    assert client.post(url, application(dialogue)).status_code == 302
    assert len(validated) == 1  # the service's (application_submit)
    assert SlotApplication.objects.get().organization == organization


# --- The form page, rendered once per shape and served with each user's values (compact_portal.slotted_pages) ------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _form_page(client, dialogue, language: str = "en") -> tuple[str, object]:
    with translation.override(language):
        url = reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), response.wsgi_request


def _rendered_fresh(request, dialogue, organization, language: str = "en") -> str:
    """The page as the template renders it with the user's own values, as the view did before it kept pages."""
    user = request.user
    vars(request).pop("_portal_areas", None)  # the header's menu read from the profile, not as the view knew it
    dialogue = Dialogue.objects.select_related("item", "session__venue", "session__process").get(pk=dialogue.pk)
    with translation.override(language):
        form = SlotApplicationForm(
            dialogue=dialogue, initial={"speaker_name": user.get_full_name(), "speaker_email": user.email}
        )
        context = {
            "dialogue": dialogue,
            "organization": organization,
            "form": form,
            "timezone_label": timezone_label(dialogue.session),
            "problem": dialogue.applications_message(),
        }
        return render_to_string("registrations/stakeholders/application_form.html", context, request)


def _without_tokens(page: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', page)


def test_the_kept_form_page_is_the_page_rendered_fresh_for_each_user(client, make_dialogue, make_organization):
    dialogue = make_dialogue()
    first = make_organization(name='Mobility & Rights "Now" <Network>')
    first.focal_point.first_name, first.focal_point.last_name = "Zoë", "O'Brien & <Sons>"
    first.focal_point.save()
    second = make_organization(name="Second Organization")  # its focal point has no name: no value in the field
    pages = {}
    for organization in (first, second, first):
        client.force_login(organization.focal_point)
        page, request = _form_page(client, dialogue)
        assert _without_tokens(page) == _without_tokens(_rendered_fresh(request, dialogue, organization))
        pages.setdefault(organization.pk, []).append(page)
    assert "Zoë O&#x27;Brien &amp; &lt;Sons&gt;" in pages[first.pk][0]
    assert "Mobility &amp; Rights &quot;Now&quot; &lt;Network&gt;" in pages[first.pk][0]
    assert "Mobility" not in pages[second.pk][0] and "Brien" not in pages[second.pk][0]
    assert "Second Organization" not in pages[first.pk][1]


def test_the_kept_form_page_costs_no_panels_query_and_its_token_is_valid(make_dialogue, make_organization):
    from django.test import Client

    dialogue = make_dialogue()
    first, second = make_organization(), make_organization()
    client = Client(enforce_csrf_checks=True)
    client.force_login(first.focal_point)
    with CaptureQueriesContext(connection) as rendered:
        _form_page(client, dialogue)
    client.force_login(second.focal_point)
    with CaptureQueriesContext(connection) as kept:
        page, _request = _form_page(client, dialogue)
    assert len(kept) == len(rendered) - 1  # the panels are read only to render
    assert not any('FROM "consultations_agendaitem"' in query["sql"] for query in kept.captured_queries)
    data = application(dialogue) | {"csrfmiddlewaretoken": TOKEN.search(page).group(0).split('value="')[1][:-1]}
    response = client.post(reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk}), data)
    assert response.status_code == 302
    assert SlotApplication.objects.get().organization == second


def test_the_form_page_is_kept_per_language(client, make_dialogue, make_organization):
    dialogue, organization = make_dialogue(), make_organization()
    client.force_login(organization.focal_point)
    english, _request = _form_page(client, dialogue)
    french, request = _form_page(client, dialogue, "fr")
    assert 'lang="fr"' in french and "Apply for a speaking slot" in english
    assert _without_tokens(french) == _without_tokens(_rendered_fresh(request, dialogue, organization, "fr"))


def test_a_panel_renamed_in_the_admin_shows_at_once_on_the_form_page(
    client, make_dialogue, make_organization, secretariat_user
):
    dialogue, organization = make_dialogue(), make_organization()
    panel = AgendaItem.objects.get(session=dialogue.session, kind="panel")
    client.force_login(organization.focal_point)
    assert "Panel 1: Irregular migration" in _form_page(client, dialogue)[0]
    staff = client.__class__()
    staff.force_login(secretariat_user)
    data = {
        "session": panel.session_id,
        "day": panel.day.isoformat(),
        "start_time": "10:00",
        "end_time": "13:00",
        "kind": "panel",
        "title": "Panel 1: Decent work for migrants",
        "roles-TOTAL_FORMS": 0,
        "roles-INITIAL_FORMS": 0,
    }
    response = staff.post(reverse("admin:consultations_agendaitem_change", args=[panel.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _form_page(client, dialogue)[0]
    assert "Panel 1: Decent work for migrants" in page and "Irregular migration" not in page


def test_a_dialogue_changed_shows_at_once_on_the_form_page_and_its_closing_without_a_change(
    client, make_dialogue, make_organization, monkeypatch
):
    """The admin's and the services' changes to a dialogue bump its session's public version (DialogueAdmin is a
    PublicContentAdminMixin); the applications' closing changes the message under the title by itself."""
    dialogue, organization = make_dialogue(), make_organization()
    client.force_login(organization.focal_point)
    assert "15 statements of 3 minutes" in _form_page(client, dialogue)[0]
    with transaction.atomic():
        Dialogue.objects.filter(pk=dialogue.pk).update(minutes_per_statement=5)
        public_pages_changed(session=dialogue.session_id)
    assert "9 statements of 5 minutes" in _form_page(client, dialogue)[0]
    later = dialogue.applications_close_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page, request = _form_page(client, dialogue)
    assert "Applications closed on" in page
    assert _without_tokens(page) == _without_tokens(_rendered_fresh(request, dialogue, organization))


def test_a_session_no_longer_published_has_no_form_page(client, make_dialogue, make_organization):
    dialogue, organization = make_dialogue(), make_organization()
    client.force_login(organization.focal_point)
    _form_page(client, dialogue)
    with transaction.atomic():
        ThematicSession.objects.filter(pk=dialogue.session_id).update(status=ThematicSession.Status.DRAFT)
        public_pages_changed(session=dialogue.session_id)
    assert client.get(reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})).status_code == 404


def test_messages_waiting_are_shown_on_the_form_page_and_never_kept(client, make_dialogue, make_organization):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    dialogue, first, second = make_dialogue(), make_organization(), make_organization()
    client.force_login(first.focal_point)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[CookieStorage.cookie_name] = storage._encode([Message(constants.INFO, "A note for the first")])
    page, request = _form_page(client, dialogue)
    assert "A note for the first" in page
    assert _without_tokens(page) == _without_tokens(_rendered_fresh(request, dialogue, first))
    client.force_login(second.focal_point)
    assert "A note for the first" not in _form_page(client, dialogue)[0]
