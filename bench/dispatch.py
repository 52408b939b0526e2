"""A dispatch of N letters through real Celery worker processes against bare WeasyPrint renders of the same N
documents over the same number of processes, with the workers' memory sampled as the letters go (issue 14).

    .venv/bin/python bench/dispatch.py --addresses 1000
    .venv/bin/python bench/dispatch.py --addresses 20000 --processes 2 --baseline before

One PostgreSQL database of its own (--database, dropped and made again at the start, dropped at the end), one Redis
database of its own (--redis, emptied at the start and at the end), an SMTP sink (aiosmtpd, in a thread of this
script) and `celery -A compact_portal worker --concurrency P` (P = --processes, the prefork pool, the settings'
max tasks per child included). The clock runs from `dispatch_create` (the demo letter to a CSV of N addresses, as the
operator at the command line sends it) until the sink holds every letter. The baseline: the same N documents (the
final HTML the worker renders for each recipient, made before the clock starts) given to bare WeasyPrint
(`HTML(string=...).write_pdf(stylesheets=[the letter's stylesheet])`, nothing kept between renders) in a
`multiprocessing` pool of P fresh processes, wall time; measured before the dispatch and, with `--baseline both`
(the default), again after it, and the mean used. Exits 0 whatever the figures (1 if the benchmark itself broke).
"""

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hosts  # bench/hosts.py: the database, Redis, the SMTP sink, starting and stopping processes
import letters  # bench/letters.py: bare WeasyPrint and the final HTML, as it measures them

TARGET = 1.1
CHECKPOINTS = (100, 1_000, 5_000, 20_000)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process `pid` has used so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def processes_cpu(pids: list[int]) -> dict[int, float]:
    return {pid: cpu_seconds(pid) for pid in pids}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU time the processes used between two samples (a process only in `after` counts from its start)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


class MemorySampler(threading.Thread):
    """Every `interval` seconds: how many letters the sink holds, the worker's main process's RSS and its pool
    processes' RSS (pool processes are replaced after the settings' max tasks per child: their pids change), and
    the CPU time each process had used when last seen (`cpu`: a replaced pool process's counts up to its last
    sample, at most `interval` before it ended)."""

    def __init__(self, worker_pid: int, sink: hosts.Sink, interval: float = 1.0):
        super().__init__(daemon=True)
        self.worker_pid, self.sink, self.interval = worker_pid, sink, interval
        self.samples: list[tuple[int, int, list[int]]] = []
        self.cpu: dict[int, float] = {}
        self.stopped = threading.Event()

    def sample_cpu(self) -> None:
        for pid, seconds in processes_cpu([self.worker_pid, *hosts.children(self.worker_pid)]).items():
            if seconds:
                self.cpu[pid] = seconds

    def run(self):
        while not self.stopped.wait(self.interval):
            pool = [rss_kib(pid) for pid in hosts.children(self.worker_pid)]
            self.samples.append((len(self.sink.snapshot()), rss_kib(self.worker_pid), [r for r in pool if r]))
            self.sample_cpu()

    def at(self, sent: int):
        """The first sample taken once `sent` letters were accepted."""
        return next((sample for sample in self.samples if sample[0] >= sent), None)


def bare_over_processes(bare, htmls: list[str], processes: int) -> tuple[float, float]:
    """Wall time of rendering `htmls` with bare WeasyPrint in a pool of `processes` fresh processes (spawned, each
    warmed up with one render before the clock starts), and the CPU time the pool's processes used meanwhile."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    ready = context.Value("i", 0)
    with context.Pool(processes, initializer=letters._pool_init, initargs=(bare, htmls[0], ready)) as pool:
        hosts.wait_for(lambda: ready.value >= processes, seconds=180, what="the baseline's processes")
        pids = [process.pid for process in pool._pool]
        started, cpu = time.perf_counter(), processes_cpu(pids)
        sizes = list(pool.imap_unordered(letters._pool_render, htmls, chunksize=4))
        elapsed, cpu = time.perf_counter() - started, cpu_used(cpu, processes_cpu(pids))
    assert len(sizes) == len(htmls) and all(sizes)
    return elapsed, cpu


def main() -> int:
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addresses", type=int, default=1_000)
    parser.add_argument("--processes", type=int, default=2, help="worker pool processes, and the baseline's")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/bench_dispatch")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11", help="a Redis database nobody else uses")
    parser.add_argument(
        "--baseline",
        choices=("both", "before", "after", "none"),
        default="both",
        help="none: the dispatch and the workers' memory only (e.g. a long run for the memory)",
    )
    parser.add_argument("--timeout", type=float, default=7200, help="give up after this many seconds of sending")
    parser.add_argument(
        "--create-only", action="store_true", help="only create the dispatch (its time and its progress's queries)"
    )
    args = parser.parse_args()
    name = hosts.database_name(args.database)
    if urlsplit(args.redis).hostname not in ("127.0.0.1", "localhost") or not urlsplit(args.redis).path.strip("/"):
        raise SystemExit("--redis: a numbered database on 127.0.0.1, e.g. redis://127.0.0.1:6379/11")

    from aiosmtpd.controller import Controller

    var_dir = hosts.ROOT / "var" / "bench" / "dispatch"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    smtp_port = hosts.free_port()
    env = hosts.environment(args, smtp_port=smtp_port, var_dir=var_dir)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(hosts.ROOT)
    hosts.say(
        f"bench/dispatch.py: {os.cpu_count()} CPUs, load average {hosts.load()}; {args.addresses:,} addresses, "
        f"{args.processes} processes"
    )
    hosts._postgres(args.database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    hosts._postgres(args.database, f'CREATE DATABASE "{name}"')
    hosts.redis_flush(args.redis)
    sink = hosts.Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    worker = sampler = None
    try:
        letter = hosts.portal_setup()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from invitations.audiences import audience_recipients
        from invitations.dispatch import dispatch_create
        from invitations.selectors import dispatch_progress
        from outbox import workers

        csv_text = "name,email\n" + "".join(
            f"Recipient {n},dispatch-{n:05d}@example.org\n" for n in range(1, args.addresses + 1)
        )
        if args.create_only:
            from outbox import sending

            # The tasks go on the broker after the commit, inside dispatch_create's call: timed apart.
            enqueue, enqueued = sending.mails_enqueue, []

            def timed_enqueue(ids, **options):
                clock = time.monotonic()
                try:
                    return enqueue(ids, **options)
                finally:
                    enqueued.append(time.monotonic() - clock)

            sending.mails_enqueue = timed_enqueue
            clock = time.monotonic()
            dispatch = dispatch_create(letter=letter, audience="csv", by=None, csv_text=csv_text)
            created = time.monotonic() - clock
            with CaptureQueriesContext(connection) as queries:
                progress = dispatch_progress(dispatch)
            hosts.say(
                f"dispatch of {progress['total']:,} deliveries: {created - sum(enqueued):.1f} s to commit (one "
                f"transaction), then {sum(enqueued):.1f} s to put their tasks on Redis; progress in {len(queries)} "
                f"queries; load average {hosts.load()}"
            )
            return 0
        recipients = audience_recipients(letter=letter, audience="csv", csv_text=csv_text).recipients
        started = time.monotonic()
        htmls = [letters.final_html(letter, recipient.values) for recipient in recipients]
        hosts.say(
            f"{len(htmls):,} final HTML documents made in {time.monotonic() - started:.1f} s "
            f"({sum(map(len, htmls)) / len(htmls) / 1024:.1f} KiB each); load average {hosts.load()}"
        )
        bare = letters.bare_setup()
        baselines, baselines_cpu = [], []

        def baseline(when: str) -> None:
            elapsed, cpu = bare_over_processes(bare, htmls, args.processes)
            baselines.append(elapsed)
            baselines_cpu.append(cpu)
            hosts.say(f"baseline {when}: {elapsed:.1f} s (CPU {cpu:.1f} s); load average {hosts.load()}")

        if args.baseline in ("both", "before"):
            baseline("before")

        worker = hosts.start(
            "worker",
            [str(hosts.BIN / "celery"), "-A", "compact_portal", "worker", "-n", "bench@%h", "--concurrency",
             str(args.processes), "--pool", "prefork", "--loglevel", "WARNING"],
            env=env, var_dir=var_dir,
        )  # fmt: skip
        hosts.wait_for(
            lambda: len(workers.alive_workers()) >= 1 + args.processes, seconds=300, what="the worker's heartbeats"
        )
        sampler = MemorySampler(worker.pid, sink)
        sampler.start()

        worker_pids = [worker.pid, *hosts.children(worker.pid)]
        clock, worker_cpu = time.monotonic(), processes_cpu(worker_pids)
        dispatch = dispatch_create(letter=letter, audience="csv", by=None, csv_text=csv_text)
        created = time.monotonic() - clock
        with CaptureQueriesContext(connection) as first_queries:
            dispatch_progress(dispatch)
        hosts.wait_for(
            lambda: len(sink.snapshot()) >= len(htmls), seconds=args.timeout, what="every letter at the sink"
        )
        elapsed = time.monotonic() - clock
        sampler.stopped.set()
        sampler.join()
        sampler.sample_cpu()
        # Pool processes that replaced others meanwhile (max tasks per child) count from their start.
        worker_cpu = cpu_used(worker_cpu, sampler.cpu)
        connection.close()
        with CaptureQueriesContext(connection) as last_queries:
            progress = dispatch_progress(dispatch)
        hosts.stop(worker)
        worker = None
        if args.baseline in ("both", "after"):
            baseline("after")
    except Exception as error:
        hosts.say(f"benchmark broken: {error!r}")
        for log in sorted(var_dir.glob("*.log")):
            hosts.say(f"--- {log.name}: " + "\n".join(log.read_text(errors="replace").splitlines()[-15:]))
        return 1
    finally:
        if sampler:
            sampler.stopped.set()
        if worker:
            hosts.stop(worker)
        controller.stop()
        from django.db import connections

        connections.close_all()
        hosts._postgres(args.database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(var_dir, ignore_errors=True)
        hosts.redis_flush(args.redis)

    copies: dict[str, int] = {}
    for _at, address in sink.snapshot():
        copies[address] = copies.get(address, 0) + 1
    hosts.say()
    hosts.say(f"Summary (load average at the end {hosts.load()}):")
    hosts.say(f"dispatch created (one transaction): {created:.1f} s for {progress['total']:,} deliveries")
    hosts.say(
        f"progress: {len(first_queries)} queries at the start, {len(last_queries)} at the end; "
        f"{progress['sent']:,} sent, {progress['failed']} failed"
    )
    hosts.say(f"sink: {len(copies):,} addresses, {sum(1 for n in copies.values() if n > 1)} with more than one copy")
    if baselines:
        baseline = sum(baselines) / len(baselines)
        baseline_cpu = sum(baselines_cpu) / len(baselines_cpu)
        ratio = elapsed / baseline
        hosts.say(
            f"dispatch {elapsed:.1f} s ({len(htmls) / elapsed:.1f} letters/s) vs bare renders over {args.processes} "
            f"processes {baseline:.1f} s ({' and '.join(f'{b:.1f}' for b in baselines)}) -> {ratio:.2f}x "
            f"(target <= {TARGET}x)  {letters.verdict(ratio, TARGET)}"
        )
        hosts.say(
            f"CPU time: the worker's processes {worker_cpu:.1f} s ({worker_cpu / len(htmls) * 1000:.0f} ms a letter) "
            f"vs the baseline's {baseline_cpu:.1f} s ({baseline_cpu / len(htmls) * 1000:.0f} ms) -> "
            f"{worker_cpu / baseline_cpu:.2f}x (less moved by the load; PostgreSQL, Redis and the sink not counted)"
        )
    else:
        hosts.say(
            f"dispatch {elapsed:.1f} s ({len(htmls) / elapsed:.1f} letters/s), no baseline; CPU time of the worker's "
            f"processes {worker_cpu:.1f} s ({worker_cpu / len(htmls) * 1000:.0f} ms a letter)"
        )
    # Pool processes are replaced after the settings' max tasks per child, so each checkpoint shows the largest
    # pool process sampled since the previous checkpoint, not only the one alive at that moment.
    checkpoints = [c for c in CHECKPOINTS if c < len(htmls)] + [len(htmls)]
    largest, previous = {}, 0
    for checkpoint in checkpoints:
        window = [s for s in sampler.samples if previous <= s[0] <= checkpoint]
        if window:
            largest[checkpoint] = (max(max(s[2], default=0) for s in window), max(s[1] for s in window))
            hosts.say(
                f"worker memory, letters {previous:,}-{checkpoint:,}: largest pool process "
                f"{largest[checkpoint][0] / 1024:.0f} MiB, main process {largest[checkpoint][1] / 1024:.0f} MiB"
            )
        previous = checkpoint
    if len(largest) >= 2:
        reference = 1_000 if 1_000 in largest and len(htmls) > 1_000 else min(largest)
        first, last = largest[reference][0], largest[len(htmls)][0] if len(htmls) in largest else 0
        hosts.say(
            f"largest pool process at {reference:,} letters {first / 1024:.0f} MiB, at {len(htmls):,} "
            f"{last / 1024:.0f} MiB: {(last / first - 1) * 100:+.0f}% (target within ±10%)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
