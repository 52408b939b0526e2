"""The session's admin page: the co-facilitators inline named in words, the agenda's rows with compact inputs."""

from django.urls import reverse


def test_session_page_names_co_facilitators_and_keeps_agenda_inputs_short(client, secretariat_user, demo_session):
    client.force_login(secretariat_user)
    response = client.get(reverse("admin:consultations_thematicsession_change", args=[demo_session.pk]))
    page = response.content.decode()
    assert [inline.opts.verbose_name_plural for inline in response.context["inline_admin_formsets"]][:2] == [
        "co-facilitators",
        "agenda items",
    ]
    assert "Add another Co-facilitator" in page
    assert "Co facilitator" not in page
    assert 'name="agenda_items-0-start_time" value="10:00" size="5" placeholder="HH:MM"' in page
    assert 'name="agenda_items-0-day" value="2017-10-12" size="10" placeholder="YYYY-MM-DD"' in page
