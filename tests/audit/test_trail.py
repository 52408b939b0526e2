"""The audit trail: one append-only log, each entry chained to the one before; `audit_verify` names the first
entry altered or missing; the admin shows entries and cannot add, change or delete them."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from audit import trail
from audit.models import AppendOnly, AuditEntry
from compact_portal.demo_accounts import DEMO_REASON
from registrations import services
from registrations.models import DelegationRegistration, Dialogue, PermanentMission
from registrations.services import dialogue as dialogue_services
from tests.registrations.conftest import pdf_bytes, upload


def audit_verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def demo_with_decisions(db, settings):
    """The demo, then what its accounts do: Mexico registers and is approved, the dialogue's slots are drawn."""
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    settings.DEBUG = False
    users = {user.email: user for user in get_user_model().objects.all()}
    secretariat, delegate = users["secretariat@example.org"], users["delegate.mex@example.org"]
    mexico = PermanentMission.objects.get(state__iso3="MEX", duty_station="new_york")
    from sessions.models import ThematicSession

    session = ThematicSession.objects.get(slug="gcm-its-6")
    registration = services.registration_start(session=session, mission=mexico, by=delegate)
    services.registration_update(
        registration=registration,
        by=delegate,
        head=services.MemberData(family_name="Gómez-Camacho", function="Ambassador"),
        members=[],
        note_verbale=upload(pdf_bytes()),
    )
    services.registration_submit(registration=registration, by=delegate)
    services.registration_approve(registration=registration, by=secretariat)
    dialogue = Dialogue.objects.get(session=session)
    dialogue_services.dialogue_draw(dialogue=dialogue, by=secretariat, seed="2017")
    return {"registration": registration, "dialogue": dialogue, "secretariat": secretariat}


def _entry(action: str) -> AuditEntry:
    """The latest entry of `action` (the demo records some of its own before the test's)."""
    return AuditEntry.objects.filter(action=action).latest("seq")


def test_every_decision_is_on_the_trail_with_who_and_before_after(demo_with_decisions):
    registration = demo_with_decisions["registration"]
    rows = list(
        AuditEntry.objects.filter(object_id=str(registration.pk), content_type__model="delegationregistration")
        .order_by("seq")
        .values_list("action", "actor_repr", "before", "after")
    )
    assert rows == [
        ("registration start", "delegate.mex@example.org", None, {"status": "draft"}),
        ("registration update", "delegate.mex@example.org", None, {"members": 1, "note_verbale": "note-verbale.pdf"}),
        ("registration submitted", "delegate.mex@example.org", {"status": "draft"}, {"status": "submitted"}),
        ("registration approved", "secretariat@example.org", {"status": "submitted"}, {"status": "approved"}),
    ]
    draw = _entry("dialogue draw")
    assert (draw.actor_repr, draw.after["seed"], draw.session_id) == (
        "secretariat@example.org",
        "2017",
        registration.session_id,
    )


def test_audit_verify_passes_on_the_demo(demo_with_decisions):
    count = AuditEntry.objects.count()
    assert count > 20  # the draw alone places 18 applications
    assert audit_verify() == f"{count} entries, chain intact"


def test_the_demo_alone_is_on_the_trail_as_the_demo_and_audit_verify_names_an_entry_changed_by_hand(db, settings):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    entries = AuditEntry.objects.order_by("seq")
    count = entries.count()
    # By the portal, or by the demo's accounts through the services (its delegations' registrations): all marked.
    assert set(entries.values_list("reason", flat=True)) == {DEMO_REASON}
    assert set(entries.values_list("actor_repr", flat=True)) == {
        "",
        "secretariat@example.org",
        "focal.bgd@missions.example.org",
        "focal.mar@missions.example.org",
        "focal.phl@missions.example.org",
        "focal.sen@missions.example.org",
    }
    assert set(entries.values_list("action", flat=True)) == {
        "registration start",
        "registration update",
        "registration submitted",
        "registration approved",
        "account link",
        "organization accreditation",
        "application pending",
        "non-objection list create",
        "letter create",
        "letter version add",
        "signatory add",
        "signature set",
    }
    assert audit_verify() == f"{count} entries, chain intact"
    call_command("demo", stdout=io.StringIO())  # again: nothing changes, nothing is recorded
    assert entries.count() == count
    settings.DEBUG = False

    signature = entries.filter(action="signature set").first()
    with connection.cursor() as cursor:  # as someone with database access would
        forged = '{"signature": "signatures/forged.svg"}'
        cursor.execute("UPDATE audit_auditentry SET after = %s WHERE id = %s", [forged, signature.pk])
    with pytest.raises(CommandError) as refused:
        audit_verify()
    assert str(refused.value) == f"Entry #{signature.seq} was altered (signature set {signature.object_repr})."


def test_audit_verify_names_an_entry_changed_by_hand(demo_with_decisions):
    approval = _entry("registration approved")
    with connection.cursor() as cursor:  # as someone with database access would
        cursor.execute(
            "UPDATE audit_auditentry SET actor_repr = %s WHERE id = %s", ["someone.else@example.org", approval.pk]
        )
    with pytest.raises(CommandError) as refused:
        audit_verify()
    assert str(refused.value) == f"Entry #{approval.seq} was altered (registration approved {approval.object_repr})."
    assert refused.value.returncode == 1


def test_audit_verify_names_an_entry_rehashed_by_hand(demo_with_decisions):
    """Whoever changes an entry and recomputes its hash still breaks the link from the next one."""
    approval = _entry("registration approved")
    approval.reason = "changed afterwards"
    new_hash = approval.compute_hash()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET reason = %s, hash = %s WHERE id = %s", [approval.reason, new_hash, approval.pk]
        )
    verdict = trail.verify()
    assert (verdict.intact, verdict.seq) == (False, approval.seq)


def test_audit_verify_names_an_entry_whose_whole_chain_was_rewritten_without_the_key(demo_with_decisions, settings):
    """Someone with database access but not AUDIT_CHAIN_KEY changes an entry and recomputes every hash after it and
    the chain's head: the chain is keyed, so the first rewritten entry is named."""
    approval = _entry("registration approved")
    portal_key = settings.AUDIT_CHAIN_KEY
    settings.AUDIT_CHAIN_KEY = "a key the attacker guessed"
    previous_hash = approval.previous_hash
    with connection.cursor() as cursor:
        for entry in AuditEntry.objects.filter(seq__gte=approval.seq).order_by("seq"):
            if entry.pk == approval.pk:
                entry.reason = "changed afterwards"
            entry.previous_hash = previous_hash
            previous_hash = entry.compute_hash()
            cursor.execute(
                "UPDATE audit_auditentry SET reason = %s, previous_hash = %s, hash = %s WHERE id = %s",
                [entry.reason, entry.previous_hash, previous_hash, entry.pk],
            )
            last_seq = entry.seq
        cursor.execute("UPDATE audit_chainhead SET seq = %s, hash = %s", [last_seq, previous_hash])
    settings.AUDIT_CHAIN_KEY = portal_key
    verdict = trail.verify()
    assert (verdict.intact, verdict.seq) == (False, approval.seq)


def test_audit_verify_names_an_entry_deleted_by_hand(demo_with_decisions):
    submitted = _entry("registration submitted")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [submitted.pk])
    with pytest.raises(CommandError) as refused:
        audit_verify()
    assert str(refused.value) == f"Entry #{submitted.seq} is missing (the next one is #{submitted.seq + 1})."


def test_audit_verify_names_entries_reordered_by_hand(demo_with_decisions):
    """Two entries swapped in the sequence (their numbers exchanged, everything else intact) break the chain at the
    first of them: the number is part of what each hash covers."""
    submitted, approved = _entry("registration submitted"), _entry("registration approved")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET seq = 0 WHERE id = %s", [submitted.pk])
        cursor.execute("UPDATE audit_auditentry SET seq = %s WHERE id = %s", [submitted.seq, approved.pk])
        cursor.execute("UPDATE audit_auditentry SET seq = %s WHERE id = %s", [approved.seq, submitted.pk])
    verdict = trail.verify()
    assert (verdict.intact, str(verdict)) == (
        False,
        f"Entry #{submitted.seq} does not follow the entry before it: #{submitted.seq - 1} was changed or replaced.",
    )


def test_audit_verify_names_the_last_entry_deleted_by_hand(demo_with_decisions):
    last = AuditEntry.objects.order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [last.pk])
    verdict = trail.verify()
    assert str(verdict) == f"Entry #{last.seq} is missing (the chain's head is at #{last.seq})."


def test_entries_cannot_be_changed_or_deleted_through_django(demo_with_decisions):
    entry = _entry("registration approved")
    entry.reason = "x"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    assert audit_verify().endswith("chain intact")


def test_a_change_rolled_back_leaves_no_entry(secretariat_user, db):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        trail.record(actor=secretariat_user, action="test", object_repr="nothing")
        raise RuntimeError
    assert AuditEntry.objects.count() == 0
    assert trail.verify().intact


def test_entries_appended_together_follow_each_other_in_their_order(secretariat_user, db):
    from django.db import transaction

    first = trail.record(actor=None, action="test before", object_repr="alone")
    with transaction.atomic():
        entries = trail.append(
            trail.entry(actor=secretariat_user, action="test one", object_repr="a", after={"n": 1}),
            trail.entry(actor=secretariat_user, action="test two", object_repr="b", before={"n": 1}),
        )
    assert [entry.seq for entry in entries] == [first.seq + 1, first.seq + 2]
    assert entries[0].previous_hash == first.hash and entries[1].previous_hash == entries[0].hash
    stored = list(AuditEntry.objects.order_by("seq").values_list("action", "actor_repr", "hash"))
    assert stored == [
        ("test before", "", first.hash),
        ("test one", secretariat_user.get_username(), entries[0].hash),
        ("test two", secretariat_user.get_username(), entries[1].hash),
    ]
    assert str(trail.verify()) == "3 entries, chain intact"
    # Entries appended together roll back together with the change.
    with pytest.raises(RuntimeError), transaction.atomic():
        trail.append(trail.entry(actor=None, action="test x", object_repr="x"), trail.entry(actor=None, action="y"))
        raise RuntimeError
    assert AuditEntry.objects.count() == 3 and trail.verify().intact


def test_the_admin_shows_entries_and_changes_none(client, demo_with_decisions):
    client.force_login(demo_with_decisions["secretariat"])
    registration = demo_with_decisions["registration"]
    approval = _entry("registration approved")
    page = client.get(reverse("admin:registrations_delegationregistration_change", args=[registration.pk]))
    assert "registration approved" in page.content.decode()  # on the object's own page
    listing = client.get(reverse("admin:audit_auditentry_changelist"), {"session": registration.session_id})
    assert listing.status_code == 200
    assert "dialogue draw" in listing.content.decode()
    assert client.get(reverse("admin:audit_auditentry_change", args=[approval.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_change", args=[approval.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_delete", args=[approval.pk]), {"post": "yes"}).status_code == 403
    assert audit_verify().endswith("chain intact")
    assert DelegationRegistration.objects.get(pk=registration.pk).status == "approved"
