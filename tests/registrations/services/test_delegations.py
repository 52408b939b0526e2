"""The registration status machine: no skipped states, reasons kept, e-mails only after the commit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from audit import trail
from audit.models import AuditEntry
from registrations import services
from registrations.models import DelegationMember, DelegationRegistration, RegistrationEvent
from tests.registrations.conftest import pdf_bytes, upload

Status = DelegationRegistration.Status


def history(registration):
    return list(registration.events.order_by("at", "id").values_list("from_status", "to_status", "reason"))


def test_registration_goes_draft_submitted_approved_and_records_each_step(
    open_session, mission_mex, focal_mex, secretariat_user, make_registration
):
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    assert registration.status == Status.DRAFT
    services.registration_submit(registration=registration, by=focal_mex)
    assert registration.status == Status.SUBMITTED
    services.registration_approve(registration=registration, by=secretariat_user, reason="Welcome.")
    registration.refresh_from_db()
    assert (registration.status, registration.decided_by, registration.decision_reason) == (
        Status.APPROVED,
        secretariat_user,
        "Welcome.",
    )
    assert history(registration) == [("draft", "submitted", ""), ("submitted", "approved", "Welcome.")]


@pytest.mark.parametrize("decision", ["approve", "return", "reject"])
def test_a_draft_cannot_be_decided_without_being_submitted(
    decision, open_session, mission_mex, focal_mex, secretariat_user, make_registration
):
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    with pytest.raises(ValidationError, match="draft cannot become"):
        services.DECISIONS[decision](registration=registration, by=secretariat_user, reason="because")
    registration.refresh_from_db()
    assert registration.status == Status.DRAFT
    assert history(registration) == []


@pytest.mark.parametrize("final", ["approved", "rejected"])
@pytest.mark.parametrize("decision", ["approve", "return", "reject"])
def test_final_decisions_are_final(
    final, decision, open_session, mission_mex, focal_mex, secretariat_user, make_registration
):
    registration = make_registration(
        session=open_session, mission=mission_mex, focal_point=focal_mex, secretariat=secretariat_user, status=final
    )
    with pytest.raises(ValidationError, match="cannot become"):
        services.DECISIONS[decision](registration=registration, by=secretariat_user, reason="again")
    with pytest.raises(ValidationError, match="cannot become"):
        services.registration_submit(registration=registration, by=focal_mex)
    registration.refresh_from_db()
    assert registration.status == final


def test_returned_registration_is_edited_resubmitted_and_both_reasons_are_kept(
    open_session, mission_mex, focal_mex, secretariat_user, make_registration, head
):
    registration = make_registration(
        session=open_session,
        mission=mission_mex,
        focal_point=focal_mex,
        secretariat=secretariat_user,
        status="returned",
        reason="The note verbale lists a second member.",
    )
    assert registration.decision_reason == "The note verbale lists a second member."
    with pytest.raises(ValidationError, match="returned for changes cannot become approved"):
        services.registration_approve(registration=registration, by=secretariat_user)
    services.registration_update(
        registration=registration,
        by=focal_mex,
        head=head,
        members=[services.MemberData(family_name="Pérez", given_name="Ana", function="Counsellor")],
    )
    services.registration_submit(registration=registration, by=focal_mex)
    services.registration_reject(registration=registration, by=secretariat_user, reason="Received after the session.")
    assert history(registration) == [
        ("draft", "submitted", ""),
        ("submitted", "returned", "The note verbale lists a second member."),
        ("returned", "submitted", ""),
        ("submitted", "rejected", "Received after the session."),
    ]
    assert [m.family_name for m in registration.members.all()] == ["Gómez-Camacho", "Pérez"]


@pytest.mark.parametrize("decision", ["return", "reject"])
def test_return_and_rejection_need_a_reason(
    decision, open_session, mission_mex, focal_mex, secretariat_user, make_registration
):
    registration = make_registration(
        session=open_session, mission=mission_mex, focal_point=focal_mex, secretariat=secretariat_user, status="x"
    )
    assert registration.status == Status.SUBMITTED
    with pytest.raises(ValidationError, match="Give the reason"):
        services.DECISIONS[decision](registration=registration, by=secretariat_user, reason="   ")
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED


def test_database_refuses_a_return_without_reason(open_session, mission_mex):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        DelegationRegistration.objects.create(session=open_session, mission=mission_mex, status=Status.RETURNED)


def test_submission_needs_head_and_note_verbale(open_session, mission_mex, focal_mex):
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    with pytest.raises(ValidationError) as error:
        services.registration_submit(registration=registration, by=focal_mex)
    assert error.value.messages == ["Name the head of delegation.", "Upload the note verbale (PDF)."]


def test_only_the_missions_focal_points_act_for_it(
    open_session, mission_mex, focal_mex, focal_che, make_registration, head
):
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    with pytest.raises(PermissionDenied):
        services.registration_submit(registration=registration, by=focal_che)
    with pytest.raises(PermissionDenied):
        services.registration_update(registration=registration, by=focal_che, head=head, members=[])
    with pytest.raises(PermissionDenied):
        services.registration_start(session=open_session, mission=mission_mex, by=focal_che)


def test_only_the_secretariat_decides(open_session, mission_mex, focal_mex, cofacilitator_user, make_registration):
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex, status="x")
    for user in (focal_mex, cofacilitator_user):
        with pytest.raises(PermissionDenied):
            services.registration_approve(registration=registration, by=user)


def test_registration_closes_at_the_deadline(make_session, mission_mex, focal_mex):
    closed = make_session(registration_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="Registration closed on"):
        services.registration_start(session=closed, mission=mission_mex, by=focal_mex)
    no_deadline = make_session()
    with pytest.raises(ValidationError, match="not set a deadline"):
        services.registration_start(session=no_deadline, mission=mission_mex, by=focal_mex)
    draft = make_session(status="draft", registration_deadline=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError, match="only for published sessions"):
        services.registration_start(session=draft, mission=mission_mex, by=focal_mex)


def test_a_draft_cannot_be_submitted_after_the_deadline(open_session, mission_mex, focal_mex, make_registration):
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    open_session.registration_deadline = timezone.now() - timedelta(seconds=1)
    open_session.save()
    with pytest.raises(ValidationError, match="Registration closed"):
        services.registration_submit(registration=registration, by=focal_mex)


def test_saved_and_submitted_in_one_step_records_both(open_session, mission_mex, focal_mex, head):
    from audit.models import AuditEntry

    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    member = services.MemberData(family_name="Pérez", function="Counsellor")
    services.registration_update(
        registration=registration,
        by=focal_mex,
        head=head,
        members=[member],
        note_verbale=upload(pdf_bytes()),
        language="fr",
        submit=True,
    )
    assert (registration.status, registration.language, registration.member_count) == (Status.SUBMITTED, "fr", 2)
    registration.refresh_from_db()
    assert (registration.status, registration.language, registration.member_count) == (Status.SUBMITTED, "fr", 2)
    assert registration.submitted_at is not None and registration.note_verbale
    assert history(registration) == [("draft", "submitted", "")]
    actions = AuditEntry.objects.filter(object_id=str(registration.pk)).order_by("seq").values_list("action", flat=True)
    assert list(actions) == ["registration start", "registration update", "registration submitted"]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("closed", "Registration closed"),
        ("no note verbale", "Upload the note verbale"),
        ("submitted already", "submitted cannot become submitted"),
    ],
)
def test_a_submission_refused_keeps_the_changes_saved(case, message, open_session, mission_mex, focal_mex, head):
    """registration_update(submit=True) follows registration_submit's rules; when they refuse, the delegation is
    saved all the same, and NotSubmitted says why."""
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    note_verbale = None if case == "no note verbale" else upload(pdf_bytes())
    if case == "submitted already":
        services.registration_update(
            registration=registration, by=focal_mex, head=head, members=[], note_verbale=upload(pdf_bytes())
        )
        services.registration_submit(registration=registration, by=focal_mex)
    if case == "closed":
        open_session.registration_deadline = timezone.now() - timedelta(seconds=1)
        open_session.save()
    status = registration.status
    member = services.MemberData(family_name="Pérez", function="Counsellor")
    with pytest.raises(services.NotSubmitted, match=message):
        services.registration_update(
            registration=registration, by=focal_mex, head=head, members=[member], note_verbale=note_verbale, submit=True
        )
    registration.refresh_from_db()
    assert registration.status == status
    assert list(registration.members.values_list("family_name", flat=True)) == [head.family_name, "Pérez"]
    assert len(history(registration)) == (1 if case == "submitted already" else 0)


def test_one_registration_per_mission_and_session(open_session, mission_mex, focal_mex, make_focal_point):
    colleague = make_focal_point(mission_mex, email="colleague@example.org")
    first = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    second = services.registration_start(session=open_session, mission=mission_mex, by=colleague)
    assert first.pk == second.pk
    assert DelegationRegistration.objects.count() == 1


def test_processed_registrations_cannot_be_edited(approved_mex, focal_mex, head):
    registration = approved_mex
    with pytest.raises(ValidationError, match="approved and can no longer be changed"):
        services.registration_update(registration=registration, by=focal_mex, head=head, members=[])


def test_update_keeps_members_ids_and_moves_the_head(open_session, mission_mex, focal_mex, make_registration, head):
    registration = make_registration(
        session=open_session,
        mission=mission_mex,
        focal_point=focal_mex,
        members=[services.MemberData(family_name="Pérez", function="Counsellor")],
    )
    old_head, perez = registration.members.order_by("-is_head", "order")
    services.registration_update(
        registration=registration,
        by=focal_mex,
        head=services.MemberData(id=perez.pk, family_name="Pérez", function="Minister Counsellor"),
        members=[],
    )
    members = list(registration.members.values_list("pk", "is_head", "function"))
    assert members == [(perez.pk, True, "Minister Counsellor")]
    assert not DelegationMember.objects.filter(pk=old_head.pk).exists()


def test_replacing_the_note_verbale_removes_the_old_file_after_commit(
    open_session, mission_mex, focal_mex, make_registration, head, django_capture_on_commit_callbacks
):
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    storage = registration.note_verbale.storage
    old_name = registration.note_verbale.name
    assert storage.exists(old_name)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_update(
            registration=registration, by=focal_mex, head=head, members=[], note_verbale=upload(pdf_bytes(pages=2))
        )
    assert registration.note_verbale.name != old_name
    assert storage.exists(registration.note_verbale.name)
    assert not storage.exists(old_name)


# --- E-mails ----------------------------------------------------------------------------------------------------


def test_submission_email_is_sent_after_the_commit(
    open_session, mission_mex, focal_mex, make_registration, django_capture_on_commit_callbacks, mailoutbox
):
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.registration_submit(registration=registration, by=focal_mex)
    assert mailoutbox == []  # nothing before the commit
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the notification's outgoing mail, after its commit
        callbacks[0]()
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([focal_mex.email], f"{open_session.code}, delegation of Mexico: registration received")
    ]
    assert registration.reference in mailoutbox[0].body


def test_no_email_when_the_transaction_rolls_back(
    open_session, mission_mex, focal_mex, make_registration, django_capture_on_commit_callbacks, mailoutbox
):
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.registration_submit(registration=registration, by=focal_mex)
        raise RuntimeError("something later in the same transaction fails")
    assert callbacks == []
    assert mailoutbox == []
    registration.refresh_from_db()
    assert registration.status == Status.DRAFT
    assert RegistrationEvent.objects.count() == 0


def test_every_decision_emails_the_focal_points_with_the_reason(
    open_session,
    mission_mex,
    focal_mex,
    make_focal_point,
    secretariat_user,
    make_registration,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    colleague = make_focal_point(mission_mex, email="colleague@example.org")
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex, status="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_return(registration=registration, by=secretariat_user, reason="Add the titles.")
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([focal_mex.email, colleague.email])
    assert mailoutbox[0].subject.endswith("registration returned for changes")
    assert "Add the titles." in mailoutbox[0].body


def test_approval_emails_each_member_with_an_address_the_letter(
    open_session,
    mission_mex,
    focal_mex,
    secretariat_user,
    make_registration,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    registration = make_registration(
        session=open_session,
        mission=mission_mex,
        focal_point=focal_mex,
        status="x",
        email="ambassador@mission-mex.example.org",
        members=[services.MemberData(family_name="Pérez", function="Counsellor")],  # no address: no e-mail
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_approve(registration=registration, by=secretariat_user)
    assert [m.to for m in mailoutbox] == [[focal_mex.email], ["ambassador@mission-mex.example.org"]]
    letter = mailoutbox[1]
    ((filename, content, mimetype),) = letter.attachments
    assert (filename, mimetype) == (f"confirmation-{registration.reference}-gomez-camacho.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")


def test_notification_task_delivered_twice_sends_once(
    open_session, mission_mex, focal_mex, make_registration, django_capture_on_commit_callbacks, mailoutbox
):
    from registrations import tasks

    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_submit(registration=registration, by=focal_mex)
    event = registration.events.get()
    assert tasks.notify_registration_event.run(event.pk) is False  # already sent by the on-commit run
    assert len(mailoutbox) == 1


def test_notification_claim_is_released_when_sending_fails(
    open_session, mission_mex, focal_mex, make_registration, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    from registrations import notifications

    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    services.registration_submit(registration=registration, by=focal_mex)
    event = registration.events.get()

    def broken(**kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(notifications, "registration_event_send", broken)
    with pytest.raises(OSError):
        services.registration_event_notify(event_id=event.pk)
    event.refresh_from_db()
    assert event.notified_at is None
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registration_event_notify(event_id=event.pk) is True
    assert len(mailoutbox) == 1


def test_a_submission_records_the_update_then_the_submission(open_session, mission_mex, focal_mex):
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    services.registration_update(
        registration=registration,
        by=focal_mex,
        head=services.MemberData(family_name="Gómez-Camacho", function="Ambassador"),
        members=[],
        note_verbale=upload(pdf_bytes()),
        submit=True,
    )
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", "object_id", "before", "after"))
    assert actions == [
        ("registration start", str(registration.pk), None, {"status": "draft"}),
        ("registration update", str(registration.pk), None, {"members": 1, "note_verbale": "note-verbale.pdf"}),
        ("registration submitted", str(registration.pk), {"status": "draft"}, {"status": "submitted"}),
    ]
    assert str(trail.verify()) == "3 entries, chain intact"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's (SQLite locks the database)")
def test_a_registration_being_changed_locks_its_row_and_neither_its_session_nor_its_mission(
    open_session, mission_mex, focal_mex
):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import DatabaseError

    from registrations.models import PermanentMission
    from registrations.selectors import delegations as delegation_selectors
    from registrations.services import delegations as delegation_services
    from sessions.models import ThematicSession

    started = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    registration, _members = delegation_selectors.registration_for_edit(user=focal_mex, pk=started.pk)

    def free(queryset, pk) -> bool:
        try:
            with transaction.atomic():
                queryset.select_for_update(nowait=True).get(pk=pk)
            return True
        except DatabaseError:
            return False

    def other_connection():
        try:
            return (
                free(DelegationRegistration.objects, registration.pk),
                free(ThematicSession.objects, open_session.pk),
                free(PermanentMission.objects, mission_mex.pk),
            )
        finally:
            connection.close()

    with transaction.atomic():
        locked = delegation_services._locked(registration)
        assert str(locked) == str(started)  # its mission and State, for the audit trail's name
        with ThreadPoolExecutor(max_workers=1) as pool:
            assert pool.submit(other_connection).result() == (False, True, True)
