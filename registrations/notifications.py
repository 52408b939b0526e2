"""The e-mails of the registration workflow; tasks call these through services, after the commit."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from registrations import letters, selectors
from registrations.models import DelegationMember, DelegationRegistration, RegistrationEvent

Status = DelegationRegistration.Status

SUBJECTS = {
    Status.SUBMITTED: "received",
    Status.APPROVED: "approved",
    Status.RETURNED: "returned for changes",
    Status.REJECTED: "rejected",
}


def portal_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path if getattr(settings, "PORTAL_BASE_URL", "") else path


def registration_event_send(*, event: RegistrationEvent) -> None:
    registration = event.registration
    recipients = selectors.focal_point_emails(mission=registration.mission)
    process = registration.session.process
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
            "state": registration.mission.state.name_en,
            "session": f"{registration.session.ordinal_name}: {registration.session.title}",
            "url": portal_url(reverse("registrations:detail", kwargs={"pk": registration.pk})),
        },
        "process": process.name,
    }
    subject = (
        f"{registration.session.code}, delegation of {registration.mission.state.name_en}: "
        f"registration {SUBJECTS.get(event.to_status, event.get_to_status_display().lower())}"
    )
    message = EmailMessage(
        subject=subject,
        body=render_to_string("registrations/email/registration_event.txt", context),
        to=recipients,
        reply_to=[process.secretariat_email] if process.secretariat_email else None,
    )
    message.send()


def confirmation_letter_send(*, member: DelegationMember) -> None:
    registration = member.registration
    pdf = letters.confirmation_letters_pdf(registration=registration, members=[member])
    process = registration.session.process
    context = {
        "name": member.display_name,
        "session": f"{registration.session.ordinal_name}: {registration.session.title}",
        "state": registration.mission.state.name_en,
        "in_person": member.attendance == DelegationMember.Attendance.IN_PERSON,
        "process": process.name,
    }
    message = EmailMessage(
        subject=f"{registration.session.code}: confirmation of your registration",
        body=render_to_string("registrations/email/confirmation_letter.txt", context),
        to=[member.email],
        reply_to=[process.secretariat_email] if process.secretariat_email else None,
    )
    message.attach(letters.letters_filename(registration=registration, member=member), pdf, "application/pdf")
    message.send()
