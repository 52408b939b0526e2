"""Data migrations of invitations, run backwards and forwards on the test database."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("invitations", "0002_audiences_of_stakeholders_and_delegates")]
AFTER = [("invitations", "0003_addresses_without_regard_to_case")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_afterwards")
def test_existing_addresses_are_lowered_and_a_letter_sent_twice_to_one_address_keeps_the_first_sent(demo_session):
    apps = migrate(BEFORE)
    Letter = apps.get_model("invitations", "Letter")
    Dispatch = apps.get_model("invitations", "Dispatch")
    Delivery = apps.get_model("invitations", "Delivery")
    letter = Letter.objects.create(session_id=demo_session.pk, place_date="x", subject="s", body="b")
    first, second = (Dispatch.objects.create(letter=letter, audience="csv") for _ in range(2))

    def delivery(dispatch, email, status, **fields):
        return Delivery.objects.create(
            dispatch=dispatch,
            letter=letter,
            email=email,
            recipient_name=email,
            recipient_code="x",
            status=status,
            **fields,
        ).pk

    sent = delivery(first, "pm.mex@missions.example.org", "queued")
    second_sent = delivery(second, "PM.MEX@missions.example.org", "sent", sent_at=timezone.now(), message_id="<2@x>")
    Delivery.objects.filter(pk=sent).update(status="sent", sent_at=timezone.now() - timedelta(hours=1))
    pending_duplicate = delivery(second, "Pm.Mex@Missions.Example.org", "queued")
    lone = delivery(second, " Only.Once@Example.org", "failed")

    apps = migrate(AFTER)
    Delivery = apps.get_model("invitations", "Delivery")
    assert sorted(Delivery.objects.values_list("pk", "email", "status")) == [
        (sent, "pm.mex@missions.example.org", "sent"),
        (lone, "only.once@example.org", "failed"),
    ]
    assert not Delivery.objects.filter(pk__in=[second_sent, pending_duplicate]).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_afterwards")
def test_deliveries_older_than_revisions_are_pinned_to_their_letters_current_text(demo_session):
    from invitations.demo import demo_letters_load
    from invitations.models import Delivery as CurrentDelivery
    from invitations.models import LetterRevision as CurrentRevision
    from invitations.rendering import letter_content

    apps = migrate([("invitations", "0006_letter_versions_revisions_emblems_signatures")])
    [demo] = demo_letters_load(session=demo_session)  # with versions, signatories, images and an attachment
    Letter = apps.get_model("invitations", "Letter")
    Dispatch = apps.get_model("invitations", "Dispatch")
    Delivery = apps.get_model("invitations", "Delivery")
    LetterRevision = apps.get_model("invitations", "LetterRevision")
    plain = Letter.objects.create(session_id=demo_session.pk, place_date="x", subject="s", body="b")
    older = LetterRevision.objects.create(letter=plain, language="en", number=1, content={"body": "older"}, digest="0")
    made = {}
    for letter_id in (demo.pk, plain.pk):
        dispatch = Dispatch.objects.create(letter_id=letter_id, audience="csv")
        for email in ("a@example.org", "b@example.org"):
            made[letter_id, email] = Delivery.objects.create(
                dispatch=dispatch, letter_id=letter_id, email=email, recipient_name=email, recipient_code="x"
            ).pk
    pinned = Delivery.objects.create(
        dispatch=dispatch, letter=plain, email="c@example.org", recipient_name="c", recipient_code="x", revision=older
    ).pk

    migrate([("invitations", "0008_deliveries_send_as_outgoing_mail")])  # through 0007, to the current models
    demo.refresh_from_db()
    for letter_id in (demo.pk, plain.pk):
        revisions = {
            CurrentDelivery.objects.get(pk=made[letter_id, email]).revision
            for email in ("a@example.org", "b@example.org")
        }
        [revision] = revisions  # one revision per letter, shared by its deliveries
        assert revision.content == letter_content(revision.letter)  # as the current code freezes it
        assert revision.digest == CurrentRevision.digest_of(revision.content)
    assert CurrentDelivery.objects.get(pk=pinned).revision_id == older.pk  # a pinned delivery keeps its revision
    assert CurrentDelivery.objects.get(pk=made[plain.pk, "a@example.org"]).revision.number == 2
    assert len(letter_content(demo)["signatories"]) == 2


@pytest.mark.django_db
def test_a_delivery_cannot_be_saved_without_a_revision(demo_session):
    from django.db import IntegrityError

    from invitations.models import Delivery, Dispatch, Letter
    from outbox.models import OutgoingMail

    letter = Letter.objects.create(session=demo_session, place_date="x", subject="s", body="b")
    dispatch = Dispatch.objects.create(letter=letter, audience="csv")
    mail = OutgoingMail.objects.create(kind="letter", subject="s", from_email="a@example.org", to=["a@example.org"])
    with pytest.raises(IntegrityError):
        Delivery.objects.create(dispatch=dispatch, letter=letter, email="a@example.org", recipient_name="a", mail=mail)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_afterwards")
def test_each_delivery_gets_an_outgoing_mail_that_carries_its_sending_state(demo_session):
    apps = migrate([("invitations", "0006_letter_versions_revisions_emblems_signatures")])
    Letter = apps.get_model("invitations", "Letter")
    Dispatch = apps.get_model("invitations", "Dispatch")
    Delivery = apps.get_model("invitations", "Delivery")
    letter = Letter.objects.create(session_id=demo_session.pk, place_date="x", subject="Invitation", body="b")
    dispatch = Dispatch.objects.create(letter=letter, audience="csv")
    sent_at = timezone.now() - timedelta(hours=1)
    rows = {
        "sent": {"status": "sent", "attempts": 1, "sent_at": sent_at, "message_id": "<ITS6.letter1.delivery1@x>"},
        "failed": {"status": "failed", "attempts": 1, "last_error": "550 5.1.1 No such user"},
        "queued": {"status": "queued"},
    }
    pks = {
        name: Delivery.objects.create(
            dispatch=dispatch, letter=letter, email=f"{name}@example.org", recipient_name=name, recipient_code="x",
            **fields,
        ).pk
        for name, fields in rows.items()
    }  # fmt: skip

    apps = migrate([("invitations", "0008_deliveries_send_as_outgoing_mail")])
    Delivery, OutgoingMail = apps.get_model("invitations", "Delivery"), apps.get_model("outbox", "OutgoingMail")
    mails = {
        name: Delivery.objects.select_related("mail").get(pk=pk).mail for name, pk in pks.items()
    }  # fmt: skip
    state = ("kind", "renderer", "subject", "to", "status", "attempts", "sent_at", "message_id", "last_error")
    assert {name: tuple(getattr(mail, field) for field in state) for name, mail in mails.items()} == {
        "sent": ("letter", "invitations.delivery", "Invitation", ["sent@example.org"], "sent", 1, sent_at,
                 "<ITS6.letter1.delivery1@x>", ""),
        "failed": ("letter", "invitations.delivery", "Invitation", ["failed@example.org"], "failed", 1, None, "",
                   "550 5.1.1 No such user"),
        "queued": ("letter", "invitations.delivery", "Invitation", ["queued@example.org"], "queued", 0, None, "", ""),
    }  # fmt: skip

    apps = migrate([("invitations", "0007_deliveries_pinned_to_revisions")])  # and back
    Delivery = apps.get_model("invitations", "Delivery")
    assert sorted(Delivery.objects.values_list("email", "status", "attempts", "last_error")) == [
        ("failed@example.org", "failed", 1, "550 5.1.1 No such user"),
        ("queued@example.org", "queued", 0, ""),
        ("sent@example.org", "sent", 1, ""),
    ]
    assert OutgoingMail.objects.count() == 0  # the outbox's own migrations stay: its table is there, empty


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_afterwards")
def test_each_dispatch_gets_its_deliveries_counted_by_their_mails_status(demo_session):
    apps = migrate([("invitations", "0008_deliveries_send_as_outgoing_mail")])
    Letter, Dispatch = apps.get_model("invitations", "Letter"), apps.get_model("invitations", "Dispatch")
    Delivery, OutgoingMail = apps.get_model("invitations", "Delivery"), apps.get_model("outbox", "OutgoingMail")
    Revision = apps.get_model("invitations", "LetterRevision")
    letter = Letter.objects.create(session_id=demo_session.pk, place_date="x", subject="Invitation", body="b")
    revision = Revision.objects.create(letter=letter, number=1, language="en", content={}, digest="x")
    statuses = {"busy": ["sent", "sent", "failed", "queued", "retrying"], "empty": []}
    dispatches = {name: Dispatch.objects.create(letter=letter, audience="csv") for name in statuses}
    for name, dispatch in dispatches.items():
        for n, status in enumerate(statuses[name]):
            mail = OutgoingMail.objects.create(
                kind="letter", subject="Invitation", from_email="x@example.org", to=[f"{name}{n}@example.org"],
                body="", status=status, sent_at=timezone.now() if status == "sent" else None,
            )  # fmt: skip
            Delivery.objects.create(
                dispatch=dispatch, letter=letter, revision=revision, email=f"{name}{n}@example.org",
                recipient_name=name, recipient_code="x", mail=mail,
            )  # fmt: skip

    apps = migrate([("invitations", "0010_dispatch_counts_filled")])
    Dispatch = apps.get_model("invitations", "Dispatch")
    counts = ("delivery_count", "sent_count", "failed_count")
    assert {name: tuple(Dispatch.objects.values_list(*counts).get(pk=d.pk)) for name, d in dispatches.items()} == {
        "busy": (5, 2, 1),
        "empty": (0, 0, 0),
    }
