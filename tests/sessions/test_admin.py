from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse

from sessions.models import AgendaItem
from tests.sessions.conftest import session_change_data

pytestmark = pytest.mark.django_db


def _admin_urls(obj_for_model, user=None):
    """List, add (where the admin allows adding at all) and change pages of every registered model."""
    request = RequestFactory().get("/")
    request.user = user or User(is_superuser=True, is_staff=True, is_active=True)
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_changelist".format(*info))
        if model_admin.has_add_permission(request):
            yield reverse("admin:{}_{}_add".format(*info))
        obj = obj_for_model(model)
        if obj is not None:
            yield reverse("admin:{}_{}_change".format(*info), args=[obj.pk])


@pytest.fixture
def populated(reference_data, demo_session, admin_user):
    from registrations.demo import demo_missions_load

    demo_missions_load()
    return demo_session


def test_every_admin_list_add_and_change_page_answers_for_a_superuser(client, admin_user, populated):
    client.force_login(admin_user)
    urls = list(_admin_urls(lambda model: model.objects.order_by("pk").first()))
    assert len(urls) >= 3 * 10
    failures = {url: status for url in urls if (status := client.get(url).status_code) != 200}
    assert failures == {}


def test_secretariat_staff_can_open_every_sessions_admin_page(client, secretariat_user, populated):
    client.force_login(secretariat_user)
    urls = [u for u in _admin_urls(lambda model: model.objects.order_by("pk").first()) if "/consultations/" in u]
    failures = {url: status for url in urls if (status := client.get(url).status_code) != 200}
    assert failures == {}


def test_anonymous_users_are_sent_to_the_login_page(client, populated):
    for url in _admin_urls(lambda model: model.objects.order_by("pk").first()):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_session_change_page_lists_agenda_items_by_day_and_time(client, admin_user, populated):
    client.force_login(admin_user)
    response = client.get(reverse("admin:consultations_thematicsession_change", args=[populated.pk]))
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is AgendaItem)
    items = [form.instance for form in formset.formset.forms]
    assert items == sorted(items, key=lambda i: (i.day, i.start_time))
    assert len(items) == 7


def test_admin_refuses_overlapping_items_and_says_which(client, admin_user, make_session):
    session = make_session(start_date=date(2030, 5, 6), end_date=date(2030, 5, 7))
    client.force_login(admin_user)
    rows = [("2030-05-06", "10:00", "13:00", "Panel A"), ("2030-05-06", "12:00", "14:00", "Panel B")]
    response = client.post(
        reverse("admin:consultations_thematicsession_change", args=[session.pk]), session_change_data(session, rows)
    )
    assert response.status_code == 200
    assert "“Panel A” (10:00–13:00) and “Panel B” (12:00–14:00) overlap on 06 May 2030 in Room XX." in (
        response.content.decode()
    )
    assert session.agenda_items.count() == 0


def test_admin_refuses_items_outside_the_session_dates(client, admin_user, make_session):
    session = make_session(start_date=date(2030, 5, 6), end_date=date(2030, 5, 7))
    client.force_login(admin_user)
    rows = [("2030-05-09", "10:00", "13:00", "Too late")]
    response = client.post(
        reverse("admin:consultations_thematicsession_change", args=[session.pk]), session_change_data(session, rows)
    )
    assert "“Too late” is on 09 May 2030, outside the session" in response.content.decode()
    assert session.agenda_items.count() == 0


def test_admin_saves_a_clean_agenda(client, admin_user, make_session):
    session = make_session(start_date=date(2030, 5, 6), end_date=date(2030, 5, 7))
    client.force_login(admin_user)
    rows = [("2030-05-06", "10:00", "13:00", "Panel A"), ("2030-05-06", "13:00", "14:00", "Lunch")]
    response = client.post(
        reverse("admin:consultations_thematicsession_change", args=[session.pk]), session_change_data(session, rows)
    )
    assert response.status_code == 302
    assert list(session.agenda_items.values_list("title", flat=True)) == ["Panel A", "Lunch"]


def test_editing_one_item_is_checked_against_the_rest_of_the_agenda(client, admin_user, demo_session):
    client.force_login(admin_user)
    item = demo_session.agenda_items.get(title="Lunch break and side events")
    data = {
        "session": demo_session.pk,
        "day": "2017-10-12",
        "start_time": "12:00",
        "end_time": "15:00",
        "kind": "break",
        "title": item.title,
        "roles-TOTAL_FORMS": 0,
        "roles-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:consultations_agendaitem_change", args=[item.pk]), data)
    assert "overlap on 12 October 2017 in Conference Room XIX" in response.content.decode()
    item.refresh_from_db()
    assert item.start_time.hour == 13
