"""Demo contact data for the missions: addresses under example.org, and the heads the seed letter names; the demo
accounts' links, the stakeholders and the dialogue.

What a person would have done here through a service (link an account, accredit an organization, apply, put
organizations on a non-objection list) is on the audit trail as the service records it, by no one (the portal) and
with the reason DEMO_REASON, only when the demo actually changed something: `audit_verify` passes on the demo.
"""

from datetime import timedelta

from django.db import transaction

from audit import trail
from compact_portal.demo_accounts import DEMO_REASON
from registrations.models import PermanentMission
from registrations.services.accounts import affiliation

HEADS = {
    "MEX": ("H.E. Mr.", "Juan José Gómez-Camacho", "Ambassador and Permanent Representative"),
    "CHE": ("H.E. Mr.", "Jürg Lauber", "Ambassador and Permanent Representative"),
}


def demo_email(iso3: str) -> str:
    return f"pm.{iso3.lower()}@missions.example.org"


@transaction.atomic
def demo_missions_load() -> int:
    """Gives each New York mission without an address its demo address; returns how many were filled in."""
    filled = 0
    missions = PermanentMission.objects.filter(duty_station=PermanentMission.DutyStation.NEW_YORK).select_related(
        "state"
    )
    for mission in missions:
        changed = False
        if not mission.emails:
            mission.emails = demo_email(mission.state.iso3)
            filled += 1
            changed = True
        if mission.state.iso3 in HEADS and not mission.head_name:
            mission.head_honorific, mission.head_name, mission.head_title = HEADS[mission.state.iso3]
            changed = True
        if changed:
            mission.save()
    return filled


DEMO_FOCAL_POINTS = {"delegate.mex@example.org": "MEX"}
DEMO_ORGANIZATIONS = {"stakeholder@example.org": ("Migrant Rights Network (demo)", "MRN")}
# The demo stakeholder's organization: accredited (special consultative status), so it can apply at once.
DEMO_ORGANIZATION_DETAILS = {"kind": "ngo", "ecosoc_status": "special", "country_iso3": "KEN"}
DEMO_SESSION = "gcm-its-6"


@transaction.atomic
def demo_registrations_load() -> dict:
    """Makes the demo accounts usable with mandatory e-mail verification, names Mexico's focal point, links the
    stakeholder to an organization, keeps the sixth session's registration open and opens speakers lists for its
    panels. Idempotent. Refused outside DEBUG: it works on accounts with a published password."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ImproperlyConfigured
    from django.utils import timezone

    from compact_portal.demo_accounts import DEMO_ACCOUNTS
    from registrations.models import FLOOR_KINDS, Organization, SpeakersList
    from sessions.models import ThematicSession

    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo accounts have a published password: refused with DJANGO_DEBUG=0.")
    users = {user.email: user for user in get_user_model().objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS])}
    for user in users.values():
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    for email, iso3 in DEMO_FOCAL_POINTS.items():
        if email in users:
            mission = PermanentMission.objects.get(state__iso3=iso3, duty_station=PermanentMission.DutyStation.NEW_YORK)
            _link(users[email], mission=mission, organization=None)
    for email, (name, acronym) in DEMO_ORGANIZATIONS.items():
        if email in users:
            organization, _ = Organization.objects.get_or_create(name=name, defaults={"acronym": acronym})
            _accredit(organization, **DEMO_ORGANIZATION_DETAILS, email=email)
            _link(users[email], mission=None, organization=organization)
    session = ThematicSession.objects.get(slug=DEMO_SESSION)
    now = timezone.now()
    if session.registration_deadline is None or session.registration_deadline <= now + timedelta(days=7):
        session.registration_deadline = (now + timedelta(days=60)).replace(hour=18, minute=0, second=0, microsecond=0)
        session.save(update_fields=["registration_deadline"])
    lists = 0
    for item in session.agenda_items.filter(kind__in=FLOOR_KINDS):
        _, created = SpeakersList.objects.get_or_create(item=item, defaults={"is_published": True})
        lists += created
    dialogue = demo_dialogue_load(session=session, now=now)
    with trail.reason_unless_given(DEMO_REASON):
        delegations = demo_delegations_load(session=session, by=users.get(DEMO_SECRETARIAT))
    return {
        "focal_points": len(DEMO_FOCAL_POINTS),
        "delegations": delegations,
        "speakers_lists": lists,
        "deadline": session.registration_deadline,
        "dialogue": dialogue,
    }


# --- Delegations registered for the sixth session ---------------------------------------------------------------------

DEMO_SECRETARIAT = "secretariat@example.org"
# (State ISO3, where the demo leaves it, head of delegation, other members), all names made up. Not Mexico (the demo
# delegate registers it) nor Ghana (the browser tests' mission following its letter's link).
DEMO_DELEGATIONS = [
    (
        "MAR",
        "approved",
        ("H.E. Ms.", "Leila", "Benkirane", "Ambassador and Permanent Representative"),
        [("Mr.", "Youssef", "Amrani", "Counsellor"), ("Ms.", "Nadia", "El Fassi", "First Secretary")],
    ),
    (
        "BGD",
        "submitted",
        ("H.E. Mr.", "Tanvir", "Rahman", "Ambassador and Permanent Representative"),
        [("Ms.", "Farzana", "Hossain", "Minister (Labour)")],
    ),
    (
        "PHL",
        "submitted",
        ("Ms.", "Maria Teresa", "Villanueva", "Deputy Permanent Representative"),
        [("Mr.", "Jose", "Dela Cruz", "Labour Attaché")],
    ),
    ("SEN", "draft", ("Mr.", "Ousmane", "Ndiaye", "Minister Counsellor"), []),
]


def _note_verbale(mission) -> bytes:
    from django.utils.html import escape

    from compact_portal.pdf import html_to_pdf

    return html_to_pdf(
        f'<html lang="en"><body><p>The {escape(mission.name)} presents its compliments to the secretariat of the '
        "intergovernmental consultations on the global compact for migration and has the honour to transmit the "
        "composition of its delegation to the sixth informal thematic session.</p><p>New York (demo)</p></body></html>"
    )


def demo_delegations_load(*, session, by) -> int:
    """Registrations of a few delegations for the sixth session, so that the secretariat's desk has something
    awaiting a decision: two submitted, one approved, one draft. Each mission gets a focal point (an account with
    no password: nobody signs in as it) linked by the demo secretariat, and everything is done through the services,
    so the audit trail has it as it would be (with the reason DEMO_REASON, given by the caller). Idempotent: a
    mission that has its registration is left as it is."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from compact_portal.permissions import is_secretariat
    from registrations import services
    from registrations.models import DelegationRegistration, Profile

    # Not without the demo accounts, nor while the demo secretariat may not link accounts: with
    # STAFF_REQUIRE_TWO_FACTOR on, not until it has set up its second factor (the next `manage.py demo` makes them).
    if by is None or not is_secretariat(by):
        return 0
    made = 0
    for iso3, status, head, members in DEMO_DELEGATIONS:
        mission = PermanentMission.objects.select_related("state").get(
            state__iso3=iso3, duty_station=PermanentMission.DutyStation.NEW_YORK
        )
        if DelegationRegistration.objects.filter(session=session, mission=mission).exists():
            continue
        email = f"focal.{iso3.lower()}@missions.example.org"
        user, created = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if not Profile.objects.filter(user=user, mission=mission, is_focal_point=True).exists():
            profile = Profile.objects.filter(user=user).first() or Profile(user=user)
            profile.mission, profile.is_focal_point = mission, True
            services.account_link(profile=profile, by=by)
        registration = services.registration_start(session=session, mission=mission, by=user)
        note = None if status == "draft" else SimpleUploadedFile("note-verbale.pdf", _note_verbale(mission))
        services.registration_update(
            registration=registration,
            by=user,
            head=_member(*head),
            members=[_member(*member) for member in members],
            note_verbale=note,
        )
        if status != "draft":
            services.registration_submit(registration=registration, by=user)
        if status == "approved":
            services.registration_approve(registration=registration, by=by)
        made += 1
    return made


def _member(honorific: str, given_name: str, family_name: str, function: str):
    from registrations import services

    return services.MemberData(honorific=honorific, given_name=given_name, family_name=family_name, function=function)


# --- Stakeholders: organizations, a non-objection list, the sixth session's dialogue ----------------------------------

# (name, acronym, kind, ECOSOC status, country ISO3 or None, speaker, speaker's function), all made up.
DEMO_STAKEHOLDERS = [
    ("Global Coalition for Migrant Workers", "GCMW", "ngo", "general", "PHL", "Maria Santos", "Policy Director"),
    ("Sahel Mobility Research Institute", "SMRI", "academia", "special", "SEN", "Dr. Aminata Diallo", "Director"),
    ("Nairobi Centre for Refugee and Migrant Law", "NCRML", "ngo", "special", "KEN", "Peter Otieno", "Legal Adviser"),
    ("Lagos Diaspora Investment Forum", "LDIF", "diaspora", "roster", "NGA", "Ngozi Adeyemi", "Chair"),
    ("Dhaka Overseas Workers Union", "DOWU", "trade_union", "special", "BGD", "Rahim Chowdhury", "General Secretary"),
    ("Himalayan Labour Migration Network", "HLMN", "ngo", "roster", "NPL", "Sita Gurung", "Coordinator"),
    ("Vistula University Migration Lab", "VUML", "academia", "special", "POL", "Prof. Anna Kowalska", "Head of Lab"),
    ("Dniester Migrant Support Association", "DMSA", "ngo", "special", "MDA", "Ion Rusu", "Executive Director"),
    ("Kyiv Institute for Labour Mobility", "KILM", "academia", "roster", "UKR", "Olena Shevchenko", "Researcher"),
    ("Red Mesoamericana de Migrantes", "REDMEM", "diaspora", "special", "GTM", "Ana Lucía Pérez", "Spokesperson"),
    ("Observatorio Andino de Movilidad", "OAM", "academia", "special", "COL", "Dr. Carlos Restrepo", "Director"),
    ("Remesas Digitales Consortium", "RDC", "private_sector", "special", "MEX", "Lucía Hernández", "CEO"),
    ("São Paulo Workers Confederation", "SPWC", "trade_union", "general", "BRA", "João Silva", "International Officer"),
    ("Alpine Employers for Fair Recruitment", "AEFR", "private_sector", "special", "CHE", "Urs Meier", "Chair"),
    ("Mediterranean Sea Rescue Alliance", "MSRA", "ngo", "special", "ITA", "Giulia Rossi", "Advocacy Lead"),
    ("Canadian Council for Newcomer Inclusion", "CCNI", "ngo", "general", "CAN", "Sarah Thompson", "President"),
    ("Berlin Forum for Skills Recognition", "BFSR", "other", "roster", "DEU", "Jonas Becker", "Managing Director"),
    ("International Network of Migrant Lawyers", "INML", "ngo", "general", None, "Fatima Zahra", "Secretary-General"),
]
# Without ECOSOC status: on a non-objection list that Mexico's focal point (a demo account) can consider.
DEMO_NON_OBJECTION = [
    ("Corridor Diaspora Forum", "CDF", "diaspora", "TUN"),
    ("Balkan Route Legal Aid", "BRLA", "ngo", "SRB"),
    ("Pacific Climate Mobility Collective", "PCMC", "other", "FJI"),
]
DEMO_LIST_TITLE = "Stakeholders without ECOSOC status: sixth informal thematic session"
THEMES = [
    "Regular pathways must include decent work and the portability of earned benefits.",
    "Recognition of skills and qualifications should start before departure.",
    "Alternatives to detention protect migrants in an irregular situation.",
]


def _record(action: str, obj, *, before=None, after=None, changes: bool = False) -> None:
    """The entry the service would have written, by the portal, marked as the demo's. `changes`: only the fields
    that differ between `before` and `after`, nothing if none does."""
    if changes:
        trail.record_changes(actor=None, action=action, obj=obj, before=before, after=after, reason=DEMO_REASON)
    else:
        trail.record(actor=None, action=action, obj=obj, before=before, after=after, reason=DEMO_REASON)


def _link(user, *, mission, organization) -> None:
    """As services.account_link: the account as the focal point of `mission` or `organization`."""
    from registrations.models import Profile

    before = affiliation(Profile.objects.filter(user=user).select_related("mission", "organization").first())
    profile, _ = Profile.objects.update_or_create(
        user=user, defaults={"mission": mission, "organization": organization, "is_focal_point": True}
    )
    _record("account link", profile, before=before or {}, after=affiliation(profile), changes=True)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def _accredit(organization, *, kind, ecosoc_status, country_iso3, email="") -> None:
    from django.utils import timezone

    from registrations.models import Organization, State

    organization.kind = kind
    organization.ecosoc_status = ecosoc_status
    organization.country = State.objects.filter(iso3=country_iso3).first() if country_iso3 else None
    organization.website = organization.website or f"https://{_slug(organization.name)}.example.org"
    organization.email = organization.email or email or f"contact@{_slug(organization.name)}.example.org"
    before = organization.accreditation
    if organization.accreditation != Organization.Accreditation.ACCREDITED:
        organization.accreditation = Organization.Accreditation.ACCREDITED
        organization.accredited_at = timezone.now()
    organization.save()
    if before != organization.accreditation:
        _record(
            "organization accreditation",
            organization,
            before={"accreditation": before},
            after={"accreditation": organization.accreditation},
        )


def demo_dialogue_load(*, session, now):
    """The sixth session's informal dialogue (13 October 2017, 09:00–09:50 Geneva time): 3-minute statements, 5
    minutes for the chair (15 slots), slots drawn at the deadline, applications open now; 18 accredited
    organizations from every region have applied, the demo stakeholder has not. Three organizations without ECOSOC
    status are on an open non-objection list. Idempotent; the deadlines stay in the future (until a draw)."""
    from registrations.models import (
        DIALOGUE_KIND,
        Dialogue,
        NonObjectionEntry,
        NonObjectionList,
        Organization,
        SlotApplication,
        State,
    )

    item = session.agenda_items.get(kind=DIALOGUE_KIND)
    dialogue, _ = Dialogue.objects.get_or_create(
        session=session,
        defaults={
            "item": item,
            "minutes_per_statement": 3,
            "chair_minutes": 5,
            "allocation": Dialogue.Allocation.DRAW,
            "applications_open_at": now - timedelta(days=1),
            "applications_close_at": (now + timedelta(days=30)).replace(hour=18, minute=0, second=0, microsecond=0),
        },
    )
    if not dialogue.drawn_at and dialogue.applications_close_at <= now + timedelta(days=7):
        dialogue.applications_open_at = min(dialogue.applications_open_at, now - timedelta(days=1))
        dialogue.applications_close_at = (now + timedelta(days=30)).replace(hour=18, minute=0, second=0, microsecond=0)
        dialogue.save(update_fields=["applications_open_at", "applications_close_at"])

    themes = list(session.agenda_items.filter(kind="panel").order_by("day", "start_time"))
    for index, (name, acronym, kind, ecosoc, iso3, speaker, function) in enumerate(DEMO_STAKEHOLDERS):
        organization, _ = Organization.objects.get_or_create(name=name, defaults={"acronym": acronym})
        _accredit(organization, kind=kind, ecosoc_status=ecosoc, country_iso3=iso3)
        if dialogue.drawn_at or SlotApplication.objects.filter(dialogue=dialogue, organization=organization).exists():
            continue
        dialogue.next_sequence += 1
        dialogue.save(update_fields=["next_sequence"])
        application = SlotApplication.objects.create(
            dialogue=dialogue,
            organization=organization,
            speaker_name=speaker,
            speaker_function=function,
            theme=themes[index % len(themes)] if themes else None,
            summary=THEMES[index % len(THEMES)],
            status=SlotApplication.Status.PENDING,
            sequence=dialogue.next_sequence,
        )
        _record(
            f"application {application.status}",
            application,
            before={"status": ""},
            after={"status": application.status, "position": application.position},
        )

    nolist = NonObjectionList.objects.filter(title=DEMO_LIST_TITLE).first()
    if nolist is None or (nolist.closed_at is None and nolist.deadline <= now + timedelta(days=3)):
        created = nolist is None
        nolist = nolist or NonObjectionList(title=DEMO_LIST_TITLE)
        before = None if created else {"deadline": nolist.deadline}
        nolist.deadline = (now + timedelta(days=14)).replace(hour=18, minute=0, second=0, microsecond=0)
        nolist.save()
        action = "non-objection list create" if created else "non-objection list deadline"
        _record(action, nolist, before=before, after={"deadline": nolist.deadline})
    for name, acronym, kind, iso3 in DEMO_NON_OBJECTION:
        organization, _ = Organization.objects.get_or_create(
            name=name,
            defaults={
                "acronym": acronym,
                "kind": kind,
                "ecosoc_status": Organization.Ecosoc.NONE,
                "country": State.objects.filter(iso3=iso3).first(),
                "website": f"https://{_slug(name)}.example.org",
                "email": f"contact@{_slug(name)}.example.org",
            },
        )
        if nolist.closed_at is None and organization.accreditation == Organization.Accreditation.REQUESTED:
            NonObjectionEntry.objects.get_or_create(list=nolist, organization=organization)
            organization.accreditation = Organization.Accreditation.ON_LIST
            organization.save(update_fields=["accreditation"])
            _record(
                "organization accreditation",
                organization,
                before={"accreditation": Organization.Accreditation.REQUESTED},
                after={"accreditation": organization.accreditation},
            )
    return dialogue
