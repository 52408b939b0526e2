"""registration_for_edit: the registration, its session, mission, State and members read in one plain statement are
the ORM's, field for field; anyone but the mission's focal points gets a 404."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from registrations import services
from registrations.models import DelegationMember, DelegationRegistration
from registrations.selectors import delegations as delegation_selectors
from tests.registrations.conftest import pdf_bytes, upload


def _values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_the_form_reads_what_the_orm_reads_field_for_field(open_session, mission_mex, focal_mex):
    open_session.translations = {"fr": {"title": "Session « six » & co"}, "ar": {"title": "الدورة"}}
    open_session.save()
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    services.registration_update(
        registration=registration,
        by=focal_mex,
        head=services.MemberData(honorific="H.E.", family_name="Gómez", function="Ambassador", email="g@example.org"),
        members=[
            services.MemberData(family_name="Zed", function="Adviser"),
            services.MemberData(family_name="Abel", function="Counsellor", attendance="online"),
        ],
        note_verbale=upload(pdf_bytes()),
        language="fr",
        submit=True,
    )
    with CaptureQueriesContext(connection) as queries:
        read, members = delegation_selectors.registration_for_edit(user=focal_mex, pk=registration.pk)
        related = (read.session, read.mission, read.mission.state, [member.registration for member in members])
    assert len(queries) == 1  # the session, mission, State and members' registration come with it
    orm = DelegationRegistration.objects.select_related("session", "mission__state").get(pk=registration.pk)
    assert _values(read) == _values(orm) and read.status == "submitted" and read.submitted_at is not None
    assert _values(related[0]) == _values(orm.session) and related[0].translations["fr"]["title"].startswith("Session")
    assert _values(related[1]) == _values(orm.mission)
    assert _values(related[2]) == _values(orm.mission.state)
    assert [_values(member) for member in members] == [
        _values(member) for member in DelegationMember.objects.filter(registration=registration)
    ]
    assert [member.family_name for member in members] == ["Gómez", "Zed", "Abel"]  # the head first, then in order
    assert all(member is read for member in related[3])
    assert read.note_verbale.name == orm.note_verbale.name and not read._state.adding


def test_a_registration_without_members_reads_none(open_session, mission_mex, focal_mex):
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    read, members = delegation_selectors.registration_for_edit(user=focal_mex, pk=registration.pk)
    assert read.pk == registration.pk and members == []


def test_only_the_missions_focal_points_read_it(open_session, mission_mex, focal_mex, mission_che, make_focal_point):
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    other = make_focal_point(mission_che)
    with pytest.raises(Http404):
        delegation_selectors.registration_for_edit(user=other, pk=registration.pk)
    with pytest.raises(Http404):
        delegation_selectors.registration_for_edit(user=focal_mex, pk=registration.pk + 1000)
    focal_mex.profile.is_focal_point = False
    focal_mex.profile.save()
    with pytest.raises(Http404):
        delegation_selectors.registration_for_edit(user=focal_mex, pk=registration.pk)
    focal_mex.profile.is_focal_point = True
    focal_mex.profile.save()
    focal_mex.is_active = False
    with pytest.raises(Http404):
        delegation_selectors.registration_for_edit(user=focal_mex, pk=registration.pk)
