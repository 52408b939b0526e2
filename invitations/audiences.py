"""Who a letter goes to: the missions of an audience, or an uploaded CSV list, as one recipient per address."""

import csv
import io
import re
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet

from compact_portal.mail import normalise_address
from invitations import board
from invitations.models import Dispatch, Letter
from invitations.rendering import mission_values
from registrations.links import registration_link_url
from registrations.models import DelegationMember, DelegationRegistration, PermanentMission, SlotApplication, State
from registrations.selectors.stakeholders import approved_organizations


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    code: str  # for the PDF's file name
    values: dict[str, str]
    mission_id: int | None = None
    language: str = ""  # the version this recipient gets; "" for the letter's main language


@dataclass
class AudienceList:
    recipients: list[Recipient] = field(default_factory=list)
    without_email: list[str] = field(default_factory=list)  # names of recipients that have no address


class CsvRecipientsError(ValidationError):
    """The uploaded list has bad rows; nothing of it is used. `.messages` name each row by its line number."""


_MEMBERSHIPS = {
    Dispatch.Audience.MEMBER_STATES: [State.Membership.MEMBER],
    Dispatch.Audience.OBSERVER_STATES: [State.Membership.OBSERVER],
    Dispatch.Audience.ALL_STATES: [State.Membership.MEMBER, State.Membership.OBSERVER],
}


def audience_recipients(*, letter: Letter, audience: str, csv_text: str | None = None) -> AudienceList:
    """The audience's recipients, one per address: addresses normalised (compact_portal.mail.normalise_address) so
    that `PM.MEX@…` and `pm.mex@…` are one recipient here and one delivery per letter in the database."""
    audience_list = _audience_recipients(letter=letter, audience=audience, csv_text=csv_text)
    seen, recipients = set(), []
    for recipient in audience_list.recipients:
        email = normalise_address(recipient.email)
        if email not in seen:
            seen.add(email)
            recipients.append(replace(recipient, email=email))
    audience_list.recipients = recipients
    return audience_list


def _audience_recipients(*, letter: Letter, audience: str, csv_text: str | None) -> AudienceList:
    if audience == Dispatch.Audience.CSV:
        if csv_text is None:
            raise ValidationError("Upload the list of recipients (CSV) for this audience.")
        return AudienceList(recipients=recipients_from_csv(csv_text))
    if audience == Dispatch.Audience.STAKEHOLDERS:
        return _stakeholders(letter)
    if audience == Dispatch.Audience.DELEGATES:
        return _delegates(letter)
    if audience == Dispatch.Audience.MISSIONS_WITHOUT_ANSWER:
        return _missions(letter, board.missions_without_answer(letter.session))
    if audience == Dispatch.Audience.STAKEHOLDERS_WITHOUT_APPLICATION:
        return _stakeholders(letter, without_application_to=letter.session)
    if audience not in _MEMBERSHIPS:
        raise ValidationError(f"Unknown audience {audience!r}.")
    missions = PermanentMission.objects.filter(
        state__membership__in=_MEMBERSHIPS[audience], duty_station=PermanentMission.DutyStation.NEW_YORK
    )
    return _missions(letter, missions)


def _missions(letter: Letter, missions: QuerySet[PermanentMission]) -> AudienceList:
    result, language_for = AudienceList(), _chooser(letter)
    for mission in missions.select_related("state").order_by("state__name_en"):
        addresses = mission.email_list
        if not addresses:
            result.without_email.append(mission.name)
        # The version in the mission's language of correspondence, or the letter's main language.
        language = language_for(mission.correspondence_language)
        values = mission_values(mission, language=language)
        for email in addresses:
            link = registration_link_value(letter=letter, mission=mission, email=email)
            result.recipients.append(
                Recipient(
                    name=mission.name,
                    email=email,
                    code=mission.state.iso3,
                    values=values | link,
                    mission_id=mission.pk,
                    language=language,
                )
            )
    return result


def registration_link_value(*, letter: Letter, mission: PermanentMission, email: str) -> dict[str, str]:
    """This delivery's own "Register your delegation" link (registrations/links.py), kept with its values so that
    every retry prints the same link."""
    url = registration_link_url(
        session_id=letter.session_id, mission_id=mission.pk, email=email, language=mission.correspondence_language
    )
    return {"registration_url": url}


def _chooser(letter: Letter):
    """letter.language_for, with the letter's languages read once (one query per audience, not per recipient)."""
    languages = set(letter.languages)

    def language(wanted: str) -> str:
        return wanted if wanted in languages else letter.language

    return language


def _stakeholders(letter: Letter, *, without_application_to=None) -> AudienceList:
    """Accredited organizations; with `without_application_to` (a session), those that have not applied (or have
    withdrawn) for its informal dialogue."""
    applied = set()
    if without_application_to is not None:
        applied = set(
            SlotApplication.objects.filter(dialogue__session=without_application_to)
            .exclude(status=SlotApplication.Status.WITHDRAWN)
            .values_list("organization_id", flat=True)
        )
    result, language_for = AudienceList(), _chooser(letter)
    for contact in approved_organizations():
        organization = contact.organization
        if organization.pk in applied:
            continue
        language = language_for(organization.language)
        if not contact.emails:
            result.without_email.append(organization.name)
        code = _file_code(organization.acronym or organization.name, fallback=f"organization{organization.pk}")
        for email in contact.emails:
            result.recipients.append(
                Recipient(
                    name=organization.name,
                    email=email,
                    code=code,
                    values={"recipient_name": organization.name},
                    language=language,
                )
            )
    return result


def _delegates(letter: Letter) -> AudienceList:
    """Each member, with an address, of the session's approved delegation registrations."""
    members = (
        DelegationMember.objects.filter(
            registration__session=letter.session, registration__status=DelegationRegistration.Status.APPROVED
        )
        .select_related("registration__mission__state")
        .order_by("registration__mission__state__name_en", "order", "pk")
    )
    result, language_for = AudienceList(), _chooser(letter)
    for member in members:
        mission = member.registration.mission
        name = f"{member.display_name}, {mission.name}"
        if not member.email:
            result.without_email.append(name)
            continue
        language = language_for(mission.correspondence_language)
        values = mission_values(mission, language=language) | {"recipient_name": member.display_name}
        result.recipients.append(
            Recipient(
                name=name,
                email=member.email,
                code=f"{mission.state.iso3}-{member.pk}",
                values=values,
                mission_id=mission.pk,
                language=language,
            )
        )
    return result


def recipients_from_csv(text: str, *, max_rows: int | None = None) -> list[Recipient]:
    """Columns name, email, salutation (a header row is required). All rows are checked; any bad row rejects all.
    At most `max_rows` recipients (settings.INVITATIONS_CSV_MAX_ROWS): a longer list is refused before it is read
    through, so that 100,000 rows cost neither the check nor a confirmation page that lists them all."""
    max_rows = settings.INVITATIONS_CSV_MAX_ROWS if max_rows is None else max_rows
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in ("name", "email") if column not in columns]
    if missing:
        raise CsvRecipientsError(
            [f"Line 1: the header must name the columns name, email and salutation; missing: {', '.join(missing)}."]
        )
    errors, recipients, seen, rows = [], [], {}, 0
    for row in reader:
        # Cells beyond the header's columns (key None) are ignored.
        row = {key.strip().lower(): (value or "").strip() for key, value in row.items() if key is not None}
        line = reader.line_num
        name, email, salutation = row.get("name", ""), row.get("email", ""), row.get("salutation", "")
        if not any(row.values()):
            continue
        rows += 1
        if rows > max_rows:
            raise CsvRecipientsError(
                [
                    f"The list has more than {max_rows:,} recipients; one letter goes to at most {max_rows:,} at once. "
                    "Split the list and send each part."
                ]
            )
        if not name:
            errors.append(f"Line {line}: the name is empty.")
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"Line {line}: {email!r} is not an e-mail address.")
            continue
        if email.lower() in seen:
            errors.append(f"Line {line}: {email} is already on line {seen[email.lower()]}.")
            continue
        seen[email.lower()] = line
        values = {"recipient_name": name} | ({"salutation": salutation} if salutation else {})
        recipients.append(
            Recipient(
                name=name, email=normalise_address(email), code=_file_code(name, fallback=f"line{line}"), values=values
            )
        )
    if errors:
        raise CsvRecipientsError(errors)
    if not recipients:
        raise CsvRecipientsError(["The list has no recipients."])
    return recipients


def _file_code(name: str, *, fallback: str) -> str:
    """A name as it can stand in a file name (ASCII letters and digits), or `fallback` if nothing is left."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:30]
    return slug or fallback
