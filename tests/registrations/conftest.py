"""Fixtures for delegates: missions, focal points, an open session, PDFs to upload."""

import dataclasses
import io
from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from registrations import services
from registrations.models import PermanentMission, Profile, RegionalGroup, SpeakersList, State


def pdf_bytes(*, pages: int = 1, padding: int = 0) -> bytes:
    """A real PDF; `padding` bytes of page content (spaces, uncompressed) make it as large as a test needs."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if padding:
        content = DecodedStreamObject()
        content.set_data(b" " * padding)
        writer.pages[0][NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "note-verbale.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def groups(db):
    return {
        "GRULAC": RegionalGroup.objects.create(
            code="grulac", name="Latin American and Caribbean States", short_name="GRULAC"
        ),
        "WEOG": RegionalGroup.objects.create(code="weog", name="Western European and other States", short_name="WEOG"),
        "AFRICA": RegionalGroup.objects.create(code="africa", name="African States", short_name="African Group"),
    }


def _mission(iso3, iso2, name, group, membership=State.Membership.MEMBER):
    state = State.objects.create(
        iso3=iso3, iso2=iso2, name_en=name, name_fr=name, membership=membership, regional_group=group
    )
    return PermanentMission.objects.create(state=state, name=f"Permanent Mission of {name} to the United Nations")


@pytest.fixture
def mission_mex(groups):
    return _mission("MEX", "MX", "Mexico", groups["GRULAC"])


@pytest.fixture
def mission_che(groups):
    return _mission("CHE", "CH", "Switzerland", groups["WEOG"])


@pytest.fixture
def mission_vat(groups):
    return _mission("VAT", "VA", "Holy See", None, membership=State.Membership.OBSERVER)


@pytest.fixture
def mission_zaf(groups):
    return _mission("ZAF", "ZA", "South Africa", groups["AFRICA"])


@pytest.fixture
def make_focal_point(db, django_user_model):
    from allauth.account.models import EmailAddress

    def make(mission, email=None):
        email = email or f"focal.{mission.state.iso3.lower()}@example.org"
        user = django_user_model.objects.create_user(email, email, "a-long-test-password")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        Profile.objects.create(user=user, mission=mission, is_focal_point=True)
        return user

    return make


@pytest.fixture
def focal_mex(make_focal_point, mission_mex):
    return make_focal_point(mission_mex)


@pytest.fixture
def focal_che(make_focal_point, mission_che):
    return make_focal_point(mission_che)


@pytest.fixture
def open_session(make_session):
    return make_session(registration_deadline=timezone.now() + timedelta(days=30))


@pytest.fixture
def head():
    return services.MemberData(
        honorific="H.E. Mr.", given_name="Juan José", family_name="Gómez-Camacho", function="Ambassador", email=""
    )


@pytest.fixture
def make_registration(head):
    """A registration of `mission` in `status`, reached through the services (never by writing the status)."""

    def make(*, session, mission, focal_point, secretariat=None, status="draft", members=(), email="", reason="r"):
        registration = services.registration_start(session=session, mission=mission, by=focal_point)
        services.registration_update(
            registration=registration,
            by=focal_point,
            head=dataclasses.replace(head, email=email),
            members=list(members),
            note_verbale=upload(pdf_bytes()),
        )
        if status == "draft":
            return registration
        services.registration_submit(registration=registration, by=focal_point)
        if status == "approved":
            services.registration_approve(registration=registration, by=secretariat)
        elif status == "returned":
            services.registration_return(registration=registration, by=secretariat, reason=reason)
        elif status == "rejected":
            services.registration_reject(registration=registration, by=secretariat, reason=reason)
        return registration

    return make


@pytest.fixture
def approved_mex(open_session, mission_mex, focal_mex, secretariat_user, make_registration):
    """Mexico's registration for the open session, approved by the secretariat."""
    return make_registration(
        session=open_session,
        mission=mission_mex,
        focal_point=focal_mex,
        secretariat=secretariat_user,
        status="approved",
    )


@pytest.fixture
def speakers_list(make_session):
    from sessions.models import AgendaItem

    session = make_session()
    item = AgendaItem.objects.create(
        session=session,
        day=session.start_date,
        start_time="10:00",
        end_time="13:00",
        kind=AgendaItem.Kind.PANEL,
        title="Panel 1",
    )
    return SpeakersList.objects.create(item=item, time_limit=timedelta(minutes=3))


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Registration tasks run in this process when their on-commit callback runs (the tests of the dispatch
    machinery, in tests/invitations, use a real worker). Nothing is left in a broker's queue."""
    from compact_portal.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many accounts; a slow hash proves nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Stakeholders ---------------------------------------------------------------------------------------------------


@pytest.fixture
def make_organization(db, django_user_model):
    """An organization (accredited unless told otherwise) with a focal point whose address is focal@<slug>."""
    from allauth.account.models import EmailAddress

    from registrations.models import Organization

    counter = iter(range(1, 100_000))

    def make(*, name=None, kind="ngo", ecosoc_status="special", country=None, accredited=True, focal_point=True):
        number = next(counter)
        organization = Organization.objects.create(
            name=name or f"Organization {number}",
            kind=kind,
            ecosoc_status=ecosoc_status,
            country=country,
            email=f"contact{number}@org.example.org",
            accreditation="accredited" if accredited else "requested",
            accredited_at=timezone.now() if accredited else None,
        )
        if focal_point:
            email = f"focal{number}@org.example.org"
            user = django_user_model.objects.create_user(email, email, "a-long-test-password")
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            Profile.objects.create(user=user, organization=organization, is_focal_point=True)
            organization.focal_point = user
        return organization

    return make


@pytest.fixture
def make_dialogue(make_session):
    """A session with its dialogue: 09:00–09:50 local time, 3-minute statements, 5 minutes for the chair (15
    slots) unless told otherwise; applications open since yesterday for a week."""
    from sessions.models import AgendaItem

    def make(*, start="09:00", end="09:50", chair_minutes=5, minutes=3, allocation="first_come", session=None):
        from registrations.models import Dialogue

        session = session or make_session()
        item = AgendaItem.objects.create(
            session=session,
            day=session.end_date,
            start_time=time.fromisoformat(start),
            end_time=time.fromisoformat(end),
            kind=AgendaItem.Kind.STAKEHOLDER_DIALOGUE,
            title="Informal dialogue with stakeholders",
        )
        AgendaItem.objects.create(
            session=session,
            day=session.start_date,
            start_time="10:00",
            end_time="13:00",
            kind=AgendaItem.Kind.PANEL,
            title="Panel 1: Irregular migration and regular pathways",
        )
        now = timezone.now()
        return Dialogue.objects.create(
            session=session,
            item=item,
            chair_minutes=chair_minutes,
            minutes_per_statement=minutes,
            allocation=allocation,
            applications_open_at=now - timedelta(days=1),
            applications_close_at=now + timedelta(days=7),
        )

    return make


@pytest.fixture
def apply_for():
    """Applies for `organization` through the service, as its focal point."""
    from registrations.services import dialogue as dialogue_services

    def apply(dialogue, organization, **overrides):
        values = {
            "speaker_name": f"Speaker of {organization.name}",
            "speaker_function": "Director",
            "summary": "Regular pathways need decent work.",
        }
        values.update(overrides)
        return dialogue_services.application_submit(
            dialogue=dialogue, organization=organization, by=organization.focal_point, **values
        )

    return apply


@pytest.fixture
def demo(db, settings):
    """The demo as `make run` loads it (loaded twice: it is idempotent)."""

    from compact_portal.demo_accounts import demo_accounts_load
    from registrations.demo import demo_missions_load, demo_registrations_load
    from registrations.reference import reference_data_load
    from sessions.demo import demo_sessions_load

    settings.DEBUG = True
    reference_data_load()
    demo_missions_load()
    demo_sessions_load()
    demo_accounts_load()
    demo_registrations_load()
    demo_registrations_load()  # idempotent
    settings.DEBUG = False
