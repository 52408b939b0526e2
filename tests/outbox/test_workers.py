"""Worker liveness: a claimant is dead when its pid is gone on this host, or its heartbeat is old anywhere."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from outbox import workers
from outbox.models import WorkerHeartbeat


def a_dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.django_db
def test_this_process_is_alive_once_it_has_beaten_and_dead_when_its_heartbeat_is_old(settings):
    settings.WORKER_DEAD_AFTER_SECONDS = 30
    now = timezone.now()
    assert workers.beat(now=now) == workers.this_worker()
    assert workers.is_alive(workers.this_worker(), now=now + timedelta(seconds=30))
    assert not workers.is_alive(workers.this_worker(), now=now + timedelta(seconds=31))


@pytest.mark.django_db
def test_a_process_of_this_host_whose_pid_is_gone_is_dead_at_once_whatever_its_heartbeat():
    name = f"{workers.this_worker().rpartition(':')[0]}:{a_dead_pid()}"
    now = timezone.now()
    WorkerHeartbeat.objects.create(name=name, started_at=now, beat_at=now)
    assert not workers.is_alive(name, now=now)


@pytest.mark.django_db
def test_a_process_on_another_host_lives_by_its_heartbeat_alone(settings):
    settings.WORKER_DEAD_AFTER_SECONDS = 30
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="worker-2.example.org:4242", started_at=now, beat_at=now)
    assert workers.alive_workers(now=now + timedelta(seconds=30)) == ["worker-2.example.org:4242"]
    assert workers.alive_workers(now=now + timedelta(seconds=31)) == []
    assert not workers.is_alive("worker-3.example.org:1", now=now)  # never beat at all


@pytest.mark.django_db
def test_heartbeats_of_processes_dead_for_a_day_are_forgotten():
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="old:1", started_at=now, beat_at=now - timedelta(days=1, seconds=1))
    WorkerHeartbeat.objects.create(name="recent:2", started_at=now, beat_at=now - timedelta(hours=23))
    assert workers.forget_dead(now=now) == 1
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["recent:2"]


def test_the_sweeper_has_its_own_queue_and_every_worker_consumes_it():
    from compact_portal.celery import app

    # A worker without -Q consumes both; each queue has its own routing key (one message lands in one queue).
    assert sorted((queue.name, queue.routing_key) for queue in app.amqp.queues.values()) == [
        ("celery", "celery"),
        ("sweeper", "sweeper"),
    ]
    route = app.amqp.router.route({}, "outbox.sweep")
    assert route["queue"].name == "sweeper"
    assert app.amqp.router.route({}, "outbox.send_mail")["queue"].name == "celery"


def test_beat_runs_one_sweeper_for_every_outgoing_mail(settings):
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert [task for task in tasks if "sweep" in task and not task.startswith("registrations.")] == ["outbox.sweep"]


@pytest.mark.django_db
def test_liveness_of_many_claimants_is_one_query(settings, django_assert_num_queries):
    settings.WORKER_DEAD_AFTER_SECONDS = 30
    now = timezone.now()
    names = [f"worker-{n}.example.org:{n}" for n in range(20)]
    WorkerHeartbeat.objects.bulk_create(
        WorkerHeartbeat(name=name, started_at=now, beat_at=now - timedelta(seconds=n * 2))
        for n, name in enumerate(names)
    )
    with django_assert_num_queries(1):
        alive = workers.alive(names, now=now)
    assert alive == set(names[:16])  # 0..30 s old
    with django_assert_num_queries(1):
        assert len(workers.alive_workers(now=now)) == 16


@pytest.mark.django_db
def test_a_claim_writes_no_heartbeat_where_the_process_has_its_heartbeat_thread(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(workers, "_thread_for_pid", os.getpid())  # a prefork child: its thread beats
    with django_assert_num_queries(0):
        assert workers.claimant() == workers.this_worker()
    assert not WorkerHeartbeat.objects.exists()
    monkeypatch.setattr(workers, "_thread_for_pid", None)  # no thread (solo pool, the tests' worker): the claim beats
    assert workers.claimant() == workers.this_worker()
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == [workers.this_worker()]
