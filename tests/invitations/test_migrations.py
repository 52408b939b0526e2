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
