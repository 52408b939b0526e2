"""The delegations' and the stakeholders' ways into a session, for the public pages (sessions.participation)."""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compact_portal.templatetags.portal_i18n import datetime_with_zone, words_for_duration
from registrations.models import Dialogue
from registrations.selectors.delegations import registration_window
from sessions.models import ThematicSession
from sessions.participation import WayIn


def delegation_way_in(session: ThematicSession, *, now: datetime) -> WayIn:
    """Focal points of Permanent Missions register their delegation until the registration deadline."""
    audience = _("Delegations of Member and Observer States")
    deadline = session.registration_deadline
    how = _(
        "The focal point of the Permanent Mission registers the delegation: the head of delegation and the members, "
        "with a note verbale (PDF)."
    )
    state, problem = registration_window(session, now=now)
    if problem:
        return WayIn(audience=audience, state=state, status=problem, how=how, key="delegations", deadline=deadline)
    return WayIn(
        audience=audience,
        state="open",
        status=_("Registration open until %(date)s.") % {"date": datetime_with_zone(deadline)},
        how=how,
        action=_("Register your delegation"),
        url=reverse("registrations:home"),
        key="delegations",
        deadline=deadline,
    )


def dialogue_way_in(dialogue: Dialogue, *, now: datetime) -> WayIn:
    """Accredited organizations apply for a speaking slot in the informal dialogue until its deadline."""
    session = dialogue.session
    item = dialogue.item
    audience = _("Stakeholders (NGOs, academia, the private sector, trade unions, diaspora organizations)")
    slots = ngettext(
        "%(count)s speaking slot of %(minutes)s",
        "%(count)s speaking slots of %(minutes)s",
        dialogue.slot_count,
    ) % {"count": dialogue.slot_count, "minutes": minutes_in_words(dialogue.minutes_per_statement)}
    when = _("%(day)s, %(start)s–%(end)s") % {
        "day": date_format(item.day, "DAY_FORMAT"),
        "start": f"{item.start_time:%H:%M}",
        "end": f"{item.end_time:%H:%M}",
    }
    if dialogue.allocation == Dialogue.Allocation.DRAW:
        rule = _("the slots are drawn at the deadline")
    else:
        rule = _("the slots go in order of arrival")
    how = _("Accredited organizations apply to speak in the informal dialogue (%(when)s): %(slots)s; %(rule)s.") % {
        "when": when,
        "slots": slots,
        "rule": rule,
    }
    speakers_url = reverse("registrations:dialogue_speakers", kwargs={"slug": session.slug})
    register = (_("Not accredited yet? Register your organization"), reverse("registrations:organization_register"))
    common = {"audience": audience, "how": how, "key": "dialogue", "deadline": dialogue.applications_close_at}
    if dialogue.is_published:
        return WayIn(
            state="closed",
            status=_("The list of speakers is published."),
            action=_("Speakers of the informal dialogue"),
            url=speakers_url,
            **common,
        )
    state, problem = dialogue.applications_window(now=now)
    if state == "upcoming":
        return WayIn(state=state, status=problem, more=[register], **common)
    if problem:
        return WayIn(state="closed", status=problem, **common)
    return WayIn(
        state="open",
        status=_("Applications open until %(date)s.") % {"date": datetime_with_zone(dialogue.applications_close_at)},
        action=_("Apply to speak in the informal dialogue"),
        url=reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk}),
        more=[register],
        **common,
    )


def minutes_in_words(minutes: int) -> str:
    return words_for_duration(timedelta(minutes=minutes))


def ways_in(sessions: list[ThematicSession], *, now: datetime) -> dict[int, list[WayIn]]:
    """The provider registered with sessions.participation: one query for all the sessions' dialogues."""
    dialogues = {
        dialogue.session_id: dialogue
        for dialogue in Dialogue.objects.filter(session__in=[s.pk for s in sessions]).select_related("item")
    }
    result = {}
    for session in sessions:
        items = [delegation_way_in(session, now=now)]
        dialogue = dialogues.get(session.pk)
        if dialogue is not None:
            dialogue.session = session
            items.append(dialogue_way_in(dialogue, now=now))
        result[session.pk] = items
    return result
