"""The list of participants made by a real Celery worker (consuming from Redis in a thread), as in production: the
request's transaction commits, the task is enqueued after the commit, the worker makes the file and records it."""

import threading

import pytest
from celery.signals import task_postrun

from registrations import documents, services
from registrations.models import GeneratedDocument
from tests.invitations.conftest import celery_worker, redis_broker  # noqa: F401 - the fixtures


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_list_after_the_commit(
    celery_worker,  # noqa: F811
    open_session, mission_mex, focal_mex, make_registration, secretariat_user,
):  # fmt: skip
    from compact_portal.celery import app

    app.conf.task_always_eager = False  # this test's task goes through the broker (restored by the conftest)
    make_registration(
        session=open_session,
        mission=mission_mex,
        focal_point=focal_mex,
        secretariat=secretariat_user,
        status="approved",
        members=[services.MemberData(family_name="Adviser", function="Adviser")],
    )
    finished = threading.Event()
    ran_in = []

    def done(sender=None, **kwargs):
        if sender is not None and sender.name == "registrations.generate_document":
            ran_in.append(threading.current_thread())
            finished.set()

    task_postrun.connect(done, weak=False)
    try:
        document = documents.document_request(session=open_session, kind="participants_csv", by=secretariat_user)
        assert finished.wait(timeout=60), "the worker did not run the task"
    finally:
        task_postrun.disconnect(done)
    assert ran_in != [threading.current_thread()]  # the worker's thread, not this one (not run eagerly)
    document.refresh_from_db()
    assert (document.status, document.names, document.done_steps, document.total_steps) == ("done", 2, 2, 2)
    assert document.file.open("rb").read().decode("utf-8-sig").splitlines()[1].startswith("Member States,Mexico,yes")
    assert GeneratedDocument.objects.count() == 1
