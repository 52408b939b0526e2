"""Reads of accounts, registrations and speakers lists; each runs a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from registrations import permissions
from registrations.models import (
    DelegationMember,
    DelegationRegistration,
    Dialogue,
    Inscription,
    NonObjectionEntry,
    NonObjectionList,
    Objection,
    Organization,
    PermanentMission,
    Profile,
    RegistrationEvent,
    Representation,
    SlotApplication,
    SpeakersList,
)
from sessions.models import ThematicSession


def profile_of(user) -> Profile | None:
    if not user.is_authenticated:
        return None
    return Profile.objects.select_related("mission__state", "organization").filter(user=user).first()


def focal_point_emails(*, mission: PermanentMission) -> list[str]:
    profiles = Profile.objects.filter(mission=mission, is_focal_point=True, user__is_active=True).exclude(
        user__email=""
    )
    return sorted({profile.user.email for profile in profiles.select_related("user")})


def registration_open_message(session: ThematicSession, *, now=None) -> str | None:
    """Why delegations cannot register for `session` now, or None if they can."""
    now = now or timezone.now()
    if session.status != ThematicSession.Status.PUBLISHED:
        return gettext("Registration is open only for published sessions.")
    if session.registration_deadline is None:
        return gettext("Registration has not opened yet: the secretariat has not set a deadline.")
    if now >= session.registration_deadline:
        deadline = timezone.localtime(session.registration_deadline)
        return gettext("Registration closed on %(date)s.") % {"date": date_format(deadline, "DATETIME_ZONE_FORMAT")}
    return None


def sessions_open_for_registration(*, now=None) -> QuerySet[ThematicSession]:
    now = now or timezone.now()
    return (
        ThematicSession.objects.filter(status=ThematicSession.Status.PUBLISHED, registration_deadline__gt=now)
        .select_related("process", "venue")
        .order_by("start_date", "number")
    )


def _registrations() -> QuerySet[DelegationRegistration]:
    return DelegationRegistration.objects.select_related(
        "session__process", "session__venue", "mission__state__regional_group"
    )


def registrations_for_user(user) -> QuerySet[DelegationRegistration]:
    """Registrations of the missions `user` is a focal point for, with their member counts."""
    return (
        _registrations()
        .filter(mission__in=permissions.missions_of(user))
        .annotate(member_count=Count("members"))
        .order_by("-session__start_date", "mission__state__name_en")
    )


def registration_for_user(*, user, pk: int) -> DelegationRegistration:
    """A registration of one of the user's missions, with members and history; 404 for anyone else's."""
    queryset = (
        _registrations()
        .filter(mission__in=permissions.missions_of(user))
        .prefetch_related("members", Prefetch("events", queryset=_events()))
    )
    return get_object_or_404(queryset, pk=pk)


def registration_for_note_verbale(*, user, pk: int) -> DelegationRegistration:
    """The registration whose note verbale `user` may download (its focal points, the secretariat), else 404."""
    queryset = _registrations().exclude(note_verbale="")
    if not permissions.is_secretariat(user):
        queryset = queryset.filter(mission__in=permissions.missions_of(user))
    return get_object_or_404(queryset, pk=pk)


def approved_registration_for_letters(*, user, pk: int) -> DelegationRegistration:
    queryset = _registrations().filter(status=DelegationRegistration.Status.APPROVED).prefetch_related("members")
    if not permissions.is_secretariat(user):
        queryset = queryset.filter(mission__in=permissions.missions_of(user))
    return get_object_or_404(queryset, pk=pk)


def _events():
    return RegistrationEvent.objects.select_related("by").order_by("at", "id")


def member_with_registration(*, pk: int) -> DelegationMember | None:
    return (
        DelegationMember.objects.select_related("registration__session__venue", "registration__mission__state")
        .filter(pk=pk)
        .first()
    )


# --- Speakers lists -----------------------------------------------------------------------------------------------


def _inscriptions() -> QuerySet[Inscription]:
    return Inscription.objects.select_related("mission__state").order_by("position", "id")


def speakers_lists_open_for(user) -> QuerySet[SpeakersList]:
    """Lists taking inscriptions in published sessions, with the user's missions' inscriptions prefetched."""
    missions = permissions.missions_of(user)
    return (
        SpeakersList.objects.filter(
            is_open=True, is_locked=False, item__session__status=ThematicSession.Status.PUBLISHED
        )
        .select_related("item__session")
        .prefetch_related(Prefetch("inscriptions", queryset=_inscriptions().filter(mission__in=missions)))
        .order_by("item__session__start_date", "item__day", "item__start_time")
    )


def speakers_list_for_inscription(*, pk: int) -> SpeakersList:
    return get_object_or_404(
        SpeakersList.objects.select_related("item__session").filter(
            item__session__status=ThematicSession.Status.PUBLISHED
        ),
        pk=pk,
    )


def inscription_for_user(*, user, pk: int) -> Inscription:
    return get_object_or_404(
        Inscription.objects.select_related("speakers_list__item__session", "mission__state").filter(
            mission__in=permissions.missions_of(user)
        ),
        pk=pk,
    )


def published_speakers_lists(*, session: ThematicSession) -> QuerySet[SpeakersList]:
    return (
        SpeakersList.objects.filter(item__session=session, is_published=True)
        .select_related("item")
        .prefetch_related(Prefetch("inscriptions", queryset=_inscriptions()))
        .order_by("item__day", "item__start_time", "item__id")
    )


def public_session(*, slug: str) -> ThematicSession:
    return get_object_or_404(
        ThematicSession.objects.exclude(status=ThematicSession.Status.DRAFT).select_related("process", "venue"),
        slug=slug,
    )


def status_counts(registrations: QuerySet[DelegationRegistration]) -> list[tuple[str, int]]:
    """[(status label, count)] for every status, in the status machine's order."""
    # From the ids only: the admin's list joins the members (to count them), which would count a row per member.
    rows = DelegationRegistration.objects.filter(pk__in=registrations.values("pk")).order_by().values_list("status")
    counts = dict(rows.annotate(n=Count("pk")))
    return [(label, counts.get(value, 0)) for value, label in DelegationRegistration.Status.choices]


# --- Stakeholders ---------------------------------------------------------------------------------------------------


def organization_contact_emails(organization: Organization) -> list[str]:
    """The organization's address and its focal points' addresses, each once, sorted."""
    profiles = Profile.objects.filter(organization=organization, is_focal_point=True, user__is_active=True)
    return _contact_emails(organization, profiles.values_list("user__email", flat=True))


def _contact_emails(organization: Organization, focal_point_emails) -> list[str]:
    emails = {email for email in focal_point_emails if email}
    if organization.email:
        emails.add(organization.email)
    return sorted(emails, key=str.lower)


@dataclass(frozen=True)
class OrganizationContact:
    organization: Organization
    emails: list[str]


def approved_organizations() -> list[OrganizationContact]:
    """Accredited stakeholder organizations with their contact addresses (the organization's own and its focal
    points'), in alphabetical order; for audiences of letters. Two queries."""
    focal_points = Profile.objects.filter(is_focal_point=True, user__is_active=True).select_related("user")
    organizations = (
        Organization.objects.filter(accreditation=Organization.Accreditation.ACCREDITED)
        .select_related("country")
        .prefetch_related(Prefetch("profiles", queryset=focal_points, to_attr="focal_points"))
        .order_by("name")
    )
    contacts = []
    for organization in organizations:
        emails = _contact_emails(organization, (profile.user.email for profile in organization.focal_points))
        contacts.append(OrganizationContact(organization=organization, emails=emails))
    return contacts


def _applications() -> QuerySet[SlotApplication]:
    return SlotApplication.objects.select_related(
        "organization__country__regional_group", "theme", "dialogue__item", "dialogue__session__venue"
    )


def dialogues_taking_applications(*, now=None) -> QuerySet[Dialogue]:
    now = now or timezone.now()
    return (
        Dialogue.objects.filter(
            session__status=ThematicSession.Status.PUBLISHED,
            applications_open_at__lte=now,
            applications_close_at__gt=now,
            drawn_at__isnull=True,
        )
        .select_related("item", "session__venue", "session__process")
        .order_by("item__day", "item__start_time")
    )


def dialogue_for_application(*, pk: int) -> Dialogue:
    return get_object_or_404(
        Dialogue.objects.select_related("item", "session__venue", "session__process").filter(
            session__status=ThematicSession.Status.PUBLISHED
        ),
        pk=pk,
    )


def applications_of(organization: Organization) -> QuerySet[SlotApplication]:
    return _applications().filter(organization=organization).order_by("-dialogue__item__day", "-id")


def application_for_user(*, user, pk: int) -> SlotApplication:
    """An application the user may see: their organization's (as focal point or confirmed representative at the
    session), or any for the secretariat; 404 for anyone else."""
    queryset = _applications()
    if not permissions.is_secretariat(user):
        if not user.is_authenticated:
            raise Http404
        focal = Profile.objects.filter(user=user, is_focal_point=True, organization__isnull=False)
        represented = Representation.objects.filter(
            user=user, status=Representation.Status.CONFIRMED, session=OuterRef("dialogue__session")
        ).values("organization")
        queryset = queryset.filter(
            Q(organization__in=focal.values("organization")) | Q(organization__in=Subquery(represented))
        )
    return get_object_or_404(queryset, pk=pk)


def representations_of(user) -> QuerySet[Representation]:
    return Representation.objects.filter(user=user).select_related("organization", "session").order_by("-id")


def representations_for_organization(organization: Organization) -> QuerySet[Representation]:
    return (
        Representation.objects.filter(organization=organization)
        .select_related("user", "session")
        .order_by("-session__start_date", "status", "requested_at")
    )


def confirmed_representative_applications(user) -> QuerySet[SlotApplication]:
    """Applications of the organizations `user` is a confirmed representative of, at that session."""
    represented = Representation.objects.filter(
        user=user, status=Representation.Status.CONFIRMED, session=OuterRef("dialogue__session")
    ).values("organization")
    return _applications().filter(organization__in=Subquery(represented)).order_by("-dialogue__item__day")


def published_dialogue(*, session: ThematicSession) -> Dialogue | None:
    """The session's dialogue with its confirmed speakers in speaking order, if the list is published."""
    confirmed = _applications().filter(status=SlotApplication.Status.CONFIRMED).order_by("position")
    return (
        Dialogue.objects.filter(session=session, is_published=True)
        .select_related("item", "session__venue")
        .prefetch_related(Prefetch("applications", queryset=confirmed, to_attr="confirmed"))
        .first()
    )


def open_non_objection_lists(*, user, now=None) -> list[NonObjectionList]:
    """Lists open to objections, each entry with the objection of the user's State only (never another's)."""
    now = now or timezone.now()
    states = permissions.member_state_missions_of(user).values("state")
    own = Objection.objects.filter(state__in=states)
    entries = NonObjectionEntry.objects.select_related("organization__country").prefetch_related(
        Prefetch("objections", queryset=own, to_attr="own_objections")
    )
    return list(
        NonObjectionList.objects.open(now)
        .prefetch_related(Prefetch("entries", queryset=entries.order_by("organization__name")))
        .order_by("deadline")
    )


def non_objection_entry_open(*, pk: int, now=None) -> NonObjectionEntry:
    now = now or timezone.now()
    return get_object_or_404(
        NonObjectionEntry.objects.select_related("list", "organization").filter(
            list__in=NonObjectionList.objects.open(now)
        ),
        pk=pk,
    )
