"""The e-mails of the registration workflow; tasks call these through services, after the commit."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from compact_portal.templatetags.portal_i18n import datetime_with_zone
from outbox import sending
from registrations import letters
from registrations.models import (
    ApplicationEvent,
    DelegationMember,
    DelegationRegistration,
    NonObjectionEntry,
    Organization,
    OrganizationEvent,
    RegistrationEvent,
    Representation,
    SlotApplication,
)
from registrations.selectors import accounts as account_selectors
from registrations.selectors import stakeholders as stakeholder_selectors
from sessions.calendar import event_ics, timezone_label

Status = DelegationRegistration.Status


def _registration_subject(status: str) -> str:
    subjects = {
        Status.SUBMITTED: _("%(code)s, delegation of %(state)s: registration received"),
        Status.APPROVED: _("%(code)s, delegation of %(state)s: registration approved"),
        Status.RETURNED: _("%(code)s, delegation of %(state)s: registration returned for changes"),
        Status.REJECTED: _("%(code)s, delegation of %(state)s: registration rejected"),
    }
    return subjects.get(status, _("%(code)s, delegation of %(state)s: registration %(status)s"))


def portal_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path if getattr(settings, "PORTAL_BASE_URL", "") else path


def registration_event_send(*, event: RegistrationEvent) -> None:
    """E-mails the mission's focal points, in the language the registration was made in."""
    with translation.override(event.registration.language or "en"):
        _registration_event_send(event=event)


def _registration_event_send(*, event: RegistrationEvent) -> None:
    registration = event.registration
    recipients = account_selectors.focal_point_emails(mission=registration.mission)
    process = registration.session.process
    language = translation.get_language()
    if not recipients:
        return
    context = {
        "event": {
            "to_status": event.to_status,
            "status_label": event.get_to_status_display(),
            "reason": event.reason,
        },
        "registration": {
            "reference": registration.reference,
            "state": registration.mission.state.name(language),
            "session": f"{registration.session.ordinal_name}: {registration.session.localized('title', language)}",
            "url": portal_url(reverse("registrations:detail", kwargs={"pk": registration.pk})),
        },
        "process": process.name,
    }
    subject = _registration_subject(event.to_status) % {
        "code": registration.session.code,
        "state": registration.mission.state.name(language),
        "status": event.get_to_status_display().lower(),
    }
    message = EmailMessage(
        subject=subject,
        body=render_to_string("registrations/email/registration_event.txt", context),
        to=recipients,
        reply_to=[process.secretariat_email] if process.secretariat_email else None,
    )
    sending.mail_queue(message, kind="registration")


def confirmation_letter_send(*, member: DelegationMember) -> None:
    """E-mails a member the confirmation letter, both in the language the registration was made in."""
    with translation.override(member.registration.language or "en"):
        _confirmation_letter_send(member=member)


def _confirmation_letter_send(*, member: DelegationMember) -> None:
    registration = member.registration
    language = translation.get_language()
    pdf = letters.confirmation_letters_pdf(registration=registration, members=[member], language=language)
    process = registration.session.process
    context = {
        "name": member.display_name,
        "session": f"{registration.session.ordinal_name}: {registration.session.localized('title', language)}",
        "state": registration.mission.state.name(language),
        "in_person": member.attendance == DelegationMember.Attendance.IN_PERSON,
        "process": process.name,
    }
    message = EmailMessage(
        subject=_("%(code)s: confirmation of your registration") % {"code": registration.session.code},
        body=render_to_string("registrations/email/confirmation_letter.txt", context),
        to=[member.email],
        reply_to=[process.secretariat_email] if process.secretariat_email else None,
    )
    message.attach(letters.letters_filename(registration=registration, member=member), pdf, "application/pdf")
    sending.mail_queue(message, kind="confirmation-letter")


# --- Stakeholders ---------------------------------------------------------------------------------------------------


def _after_colon(label) -> str:
    """A status label as the end of a subject after a colon: lower case in every language but English (French,
    Spanish and Russian typography; Arabic and Chinese have no case), "… : en attente du tirage au sort"."""
    text = str(label)
    if translation.get_language() in (None, "en") or not text:
        return text
    return text[0].lower() + text[1:]


def _accreditation_subject(status: str) -> str:
    subjects = {
        Organization.Accreditation.ACCREDITED: _("%(organization)s: accredited"),
        Organization.Accreditation.NOT_ACCREDITED: _("%(organization)s: not accredited"),
        Organization.Accreditation.ON_LIST: _("%(organization)s: on a non-objection list"),
    }
    return subjects.get(status, _("%(organization)s: %(status)s"))


def _accreditation_reason(event: OrganizationEvent) -> str:
    """The reason in the recipient's language: the deadline of the list the organization is on, a reason the
    portal wrote (translated), or the secretariat's own words as typed."""
    if event.to_status == Organization.Accreditation.ON_LIST:
        entry = (
            NonObjectionEntry.objects.filter(organization=event.organization, list__created_at__lte=event.at)
            .select_related("list")
            .order_by("-list__created_at", "-pk")
            .first()
        )
        if entry is not None:
            deadline = datetime_with_zone(entry.list.deadline)
            return _("Member States may object until %(deadline)s.") % {"deadline": deadline}
    return _(event.reason) if event.reason else ""


def organization_event_send(*, event: OrganizationEvent) -> None:
    """E-mails the organization, in the language its focal point registered it in."""
    with translation.override(event.organization.language or "en"):
        _organization_event_send(event=event)


def _organization_event_send(*, event: OrganizationEvent) -> None:
    organization = event.organization
    recipients = stakeholder_selectors.organization_contact_emails(organization)
    if not recipients:
        return
    context = {
        "organization": str(organization),
        "to_status": event.to_status,
        "status_label": event.get_to_status_display(),
        "reason": _accreditation_reason(event),
        "url": portal_url(reverse("registrations:stakeholder_home")),
    }
    subject = _accreditation_subject(event.to_status) % {
        "organization": organization,
        "status": _after_colon(event.get_to_status_display()),
    }
    message = EmailMessage(
        subject=subject,
        body=render_to_string("registrations/email/accreditation_event.txt", context),
        to=recipients,
    )
    sending.mail_queue(message, kind="accreditation")


def representation_decision_send(*, representation: Representation) -> None:
    """E-mails the representative whether their request is confirmed or declined, in the organization's language
    (the portal keeps no language per person; the organization's is the one its focal point registered it in)."""
    with translation.override(representation.organization.language or "en"):
        _representation_decision_send(representation=representation)


def _representation_decision_send(*, representation: Representation) -> None:
    if not representation.user.email:
        return
    session = representation.session
    confirmed = representation.status == Representation.Status.CONFIRMED
    context = {
        "organization": str(representation.organization),
        "session": f"{session.ordinal_name}: {session.localized('title', translation.get_language())}",
        "confirmed": confirmed,
        "url": portal_url(reverse("registrations:stakeholder_home")),
    }
    if confirmed:
        subject = _("%(code)s: your request to represent %(organization)s is confirmed")
    else:
        subject = _("%(code)s: your request to represent %(organization)s is declined")
    message = EmailMessage(
        subject=subject % {"code": session.code, "organization": representation.organization},
        body=render_to_string("registrations/email/representation_decision.txt", context),
        to=[representation.user.email],
        reply_to=[session.process.secretariat_email] if session.process.secretariat_email else None,
    )
    sending.mail_queue(message, kind="representation")


def slot_ics(application: SlotApplication) -> bytes:
    """The confirmed speaker's slot as an iCalendar event, in the venue's time zone."""
    dialogue = application.dialogue
    session = dialogue.session
    start, end = application.slot_times()
    venue = session.venue
    return event_ics(
        uid=f"dialogue-slot-{application.pk}",
        summary=_("%(code)s informal dialogue: statement no. %(position)s, %(organization)s")
        % {"code": session.code, "position": application.position, "organization": application.organization},
        start=start,
        end=end,
        location=f"{dialogue.item.room_name}, {venue.building}, {venue.local_duty_station}",
        description=f"{application.speaker_name}, {application.speaker_function}. "
        + _("%(minutes)s minutes; speaker no. %(position)s in the dialogue (%(start)s–%(end)s).")
        % {
            "minutes": dialogue.minutes_per_statement,
            "position": application.position,
            "start": f"{dialogue.item.start_time:%H:%M}",
            "end": f"{dialogue.item.end_time:%H:%M}",
        },
        name=_("%(code)s informal dialogue") % {"code": session.code},
    )


def slot_ics_filename(application: SlotApplication) -> str:
    return f"{application.dialogue.session.code}-dialogue-slot-{application.position}.ics"


def application_event_send(*, event: ApplicationEvent) -> None:
    """E-mails the organization (and the speaker), in the language its focal point registered it in."""
    with translation.override(event.application.organization.language or "en"):
        _application_event_send(event=event)


def _application_event_send(*, event: ApplicationEvent) -> None:
    application = event.application
    dialogue = application.dialogue
    session = dialogue.session
    recipients = stakeholder_selectors.organization_contact_emails(application.organization)
    if application.speaker_email and application.speaker_email.lower() not in {r.lower() for r in recipients}:
        recipients.append(application.speaker_email)
    if not recipients:
        return
    times = application.slot_times()
    language = translation.get_language()
    day = date_format(dialogue.item.day, "DAY_FORMAT")
    context = {
        "organization": str(application.organization),
        "speaker": application.speaker_name,
        "session": f"{session.ordinal_name}: {session.localized('title', language)}",
        "dialogue": f"{day}, {dialogue.item.start_time:%H:%M}–{dialogue.item.end_time:%H:%M}",
        "timezone": timezone_label(session),
        "to_status": event.to_status,
        "status_label": event.get_to_status_display(),
        "from_status": event.from_status,
        "reason": event.reason,
        "position": application.position,
        "start": times[0].strftime("%H:%M") if times else "",
        "end": times[1].strftime("%H:%M") if times else "",
        "minutes": dialogue.minutes_per_statement,
        "url": portal_url(reverse("registrations:stakeholder_home")),
    }
    message = EmailMessage(
        subject=_("%(code)s informal dialogue, %(organization)s: %(status)s")
        % {
            "code": session.code,
            "organization": application.organization,
            "status": _after_colon(event.get_to_status_display()),
        },
        body=render_to_string("registrations/email/application_event.txt", context),
        to=recipients,
        reply_to=[session.process.secretariat_email] if session.process.secretariat_email else None,
    )
    if times and event.to_status == SlotApplication.Status.CONFIRMED:
        message.attach(slot_ics_filename(application), slot_ics(application), "text/calendar")
    sending.mail_queue(message, kind="dialogue-application")


# --- Focal points ---------------------------------------------------------------------------------------------------


def focal_point_decision_send(*, request) -> None:
    """E-mails the requester whether they are now a focal point of the mission, in the language they asked in."""
    with translation.override(request.language or "en"):
        if not request.user.email:
            return
        approved = request.status == request.Status.APPROVED
        state = request.mission.state.name(translation.get_language())
        context = {
            "mission": request.mission.name,
            "approved": approved,
            "reason": request.reason,
            "url": portal_url(reverse("registrations:home")),
        }
        if approved:
            subject = _("%(state)s: you are a focal point of the delegation")
        else:
            subject = _("%(state)s: your request to be a focal point is declined")
        message = EmailMessage(
            subject=subject % {"state": state},
            body=render_to_string("registrations/email/focal_point_decision.txt", context),
            to=[request.user.email],
        )
        sending.mail_queue(message, kind="focal-point-decision")


def focal_point_added_send(*, request) -> None:
    """Tells the mission's other focal points that it has a new one (in the language of its latest registration:
    the portal keeps no language per person)."""
    recipients = [e for e in account_selectors.focal_point_emails(mission=request.mission) if e != request.user.email]
    if not recipients:
        return
    latest = DelegationRegistration.objects.filter(mission=request.mission).order_by("-updated_at").first()
    with translation.override(latest.language if latest else "en"):
        context = {
            "mission": request.mission.name,
            "email": request.user.email,
            "function": request.function,
            "via_letter": request.via_letter,
            "url": portal_url(reverse("registrations:home")),
        }
        message = EmailMessage(
            subject=_("%(state)s: a new focal point")
            % {"state": request.mission.state.name(translation.get_language())},
            body=render_to_string("registrations/email/focal_point_added.txt", context),
            to=recipients,
        )
        sending.mail_queue(message, kind="focal-point-added")
