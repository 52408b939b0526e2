"""Benchmark of invitation letters: the portal's PDF pipeline against bare WeasyPrint, three scripts, and a full
193-letter dispatch through a real Celery worker and a local SMTP sink. See bench/README.md.

    .venv/bin/python bench/letters.py [--letters N] [--language-letters N] [--skip-dispatch] [--redis URL]

A measurement, not a test: it prints figures with their ratio to a baseline measured in the same run and exits 0
whatever they are (1 only if the benchmark itself broke). Everything it writes lives in a temporary VAR_DIR
(SQLite, broker folder), removed at the end; the developer's var/ is never touched.
"""

import argparse
import gc
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMBER_STATES = 193

TARGET_PIPELINE = 1.15
TARGET_FLOOR = 1.0
TARGET_SCRIPTS = 2.0
TARGET_DISPATCH = 1.3

# The seed letter, roughly translated, for the Arabic and Chinese renders (kept only in the temporary database).
LETTERS = {
    "ar": {
        "place_date": "نيويورك، 11 أيلول/سبتمبر 2017",
        "subject": "دعوة: الجلسة المواضيعية غير الرسمية {{ session_ordinal }}، {{ session_dates }}، {{ venue_city }}",
        "salutation": "أصحاب السعادة،",
        "body": """\
يسرّنا أن نكتب إليكم بصفتنا الميسّرَين المكلّفَين بقيادة المشاورات والمفاوضات الحكومية الدولية بشأن المسائل \
المتصلة بالاتفاق العالمي من أجل الهجرة الآمنة والمنظمة والنظامية، والمؤتمر الحكومي الدولي، وكذلك عمليتهما التحضيرية.

ستُعقد الجلسة المواضيعية غير الرسمية {{ session_ordinal }} المعنونة ”*{{ session_title }}*“ في {{ session_dates }} \
في {{ venue_room }} بمكتب الأمم المتحدة في {{ venue_city }}. ونتشرف بدعوة جميع الدول الأعضاء والدول المراقبة إلى هذا \
الاجتماع، ونتطلع إلى مناقشات مثمرة وبنّاءة. إن مشاركتكم أساسية لضمان النتيجة الإيجابية لهذه العملية.

وتحضيرًا للجلسة المواضيعية غير الرسمية {{ session_ordinal }}، يشرّفنا أن نحيل إليكم مذكرة إجرائية تتضمن معلومات عن \
شكل الاجتماع الذي يستمر يومين وجدول أعماله المؤقت. وبهذا الاجتماع، تقترب سلسلة الجلسات المواضيعية غير الرسمية من \
نهايتها، قبل الدخول في المرحلة التالية من العملية التحضيرية.

وبالإضافة إلى الجلسة، يسرّنا أن ندعو أصحاب المصلحة إلى حوار غير رسمي في {{ dialogue_date }} من الساعة \
{{ dialogue_start }} إلى الساعة {{ dialogue_end }}، وفقًا للفقرة 8 من القرار 71/280. والدعوة موجهة أيضًا إلى جميع \
الدول الأعضاء والدول المراقبة للحضور.

ويُرجى العلم بأن المعلومات المتعلقة بالعملية التحضيرية تُحدَّث باستمرار على الموقع الشبكي المخصص لها: \
<https://refugeesmigrants.un.org/migration-compact>.

وختامًا، نؤكد لكم أن الميسّرَين على استعداد تام لخدمتكم، ولذلك نشجع الوفود على التواصل معنا في حال وجود أي أسئلة \
أو شواغل.""",
        "closing": "وتفضلوا، أصحاب السعادة، بقبول فائق الاحترام والتقدير.",
        "addressee": "البعثات الدائمة\nلدى الأمم المتحدة\nنيويورك",
        "signatories": [
            ("خوان خوسيه غوميث كاماتشو", "سفير ومندوب دائم\nللمكسيك لدى الأمم المتحدة",
             "البعثة الدائمة للمكسيك\nلدى الأمم المتحدة"),
            ("يورغ لاوبر", "سفير ومندوب دائم\nلسويسرا لدى الأمم المتحدة",
             "{swiss}\n\nالبعثة الدائمة لسويسرا لدى الأمم المتحدة"),
        ],
    },
    "zh-hans": {
        "place_date": "2017年9月11日，纽约",
        "subject": "邀请函：第{{ session_number }}次非正式专题会议，{{ session_dates }}，{{ venue_city }}",
        "salutation": "阁下：",
        "body": """\
我们谨以负责主持关于安全、有序和正常移民全球契约相关问题、政府间会议及其筹备进程的政府间磋商和谈判的共同协调人身份致函阁下。

题为“*{{ session_title }}*”的第{{ session_number }}次非正式专题会议将于{{ session_dates }}在联合国\
{{ venue_city }}办事处{{ venue_room }}举行。我们诚挚邀请所有会员国和观察员国出席本次会议，\
并期待进行有意义和建设性的讨论。贵方的参与是确保这一进程取得积极成果的关键。

为筹备第{{ session_number }}次非正式专题会议，我们谨向阁下转交一份程序说明，介绍为期两天的会议的形式和暂定议程。\
本次会议之后，非正式专题会议系列即告结束，筹备进程随后将进入下一阶段。

除本次会议外，我们还高兴地根据第71/280号决议第8段，邀请利益攸关方参加于{{ dialogue_date }}{{ dialogue_start }}至\
{{ dialogue_end }}举行的非正式对话。我们亦诚邀所有会员国和观察员国出席。

请注意，有关筹备进程的信息将在专门网站上持续更新：<https://refugeesmigrants.un.org/migration-compact>。

最后，请阁下放心，共同协调人随时愿意为各方提供协助，因此我们鼓励各代表团如有任何问题或关切，随时与我们联系。""",
        "closing": "顺致最崇高的敬意。",
        "addressee": "各常驻联合国代表团\n纽约",
        "signatories": [
            ("胡安·何塞·戈麦斯-卡马乔", "墨西哥常驻联合国\n代表、大使", "墨西哥常驻联合国代表团"),
            ("于尔格·劳伯", "瑞士常驻联合国\n代表、大使", "{swiss}\n\n瑞士常驻联合国代表团"),
        ],
    },
}  # fmt: skip


# --- Small helpers ---------------------------------------------------------------------------------------------------


def say(text: str = "") -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def verdict(ratio: float, target: float) -> str:
    return "OK" if ratio <= target else "MISSED"


def timed(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - started


# --- Setting up a throw-away portal ----------------------------------------------------------------------------------


def environment(var_dir: Path, *, smtp_port: int, redis_url: str | None, settings: str) -> dict[str, str]:
    """The bench's environment, for this process and the worker: a temporary VAR_DIR with SQLite, the SMTP sink,
    production mode (DEBUG off: no query log, as a real worker runs)."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        env.pop(name, None)
    env.update(
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE=settings,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-letters-throwaway-key-not-a-secret-0123456789",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}?timeout=30",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def portal_setup():
    """Migrates the temporary database and loads the demo's data (no accounts); returns the demo session."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command

    from invitations.demo import SWISS_CONFEDERATION, demo_letters_load
    from invitations.models import Letter, Signatory
    from registrations.demo import demo_missions_load
    from registrations.reference import reference_data_load
    from sessions.demo import demo_sessions_load

    call_command("migrate", verbosity=0, interactive=False)
    reference_data_load()
    demo_missions_load()
    session = demo_sessions_load()
    demo_letters_load(session=session)
    for language, data in LETTERS.items():
        fields = {key: value for key, value in data.items() if key != "signatories"}
        letter = Letter(session=session, kind=Letter.Kind.INVITATION, language=language, **fields)
        letter.full_clean()
        letter.save()
        for order, (name, title, letterhead) in enumerate(data["signatories"]):
            letterhead = letterhead.format(swiss=SWISS_CONFEDERATION)
            Signatory.objects.create(letter=letter, order=order, name=name, title=title, letterhead=letterhead)
    return session


def letter_for(session, language: str):
    """As the worker loads it (invitations.dispatch.delivery_email: select_related session, process and venue)."""
    from invitations.models import Letter

    return Letter.objects.select_related("session__process", "session__venue").get(
        session=session, kind=Letter.Kind.INVITATION, language=language
    )


def member_state_missions() -> list:
    from registrations.models import PermanentMission, State

    missions = (
        PermanentMission.objects.filter(
            state__membership=State.Membership.MEMBER, duty_station=PermanentMission.DutyStation.NEW_YORK
        )
        .select_related("state")
        .order_by("state__name_en")
    )
    return list(missions)


# --- Bare WeasyPrint -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bare:
    """Bare WeasyPrint: the same HTML and the same stylesheet, default settings, nothing kept between renders."""

    base_url: str
    stylesheet: str

    def pdf(self, html: str) -> bytes:
        import weasyprint

        return weasyprint.HTML(string=html, base_url=self.base_url).write_pdf(
            stylesheets=[weasyprint.CSS(filename=self.stylesheet)]
        )


def bare_setup():
    from django.conf import settings

    from compact_portal.pdf import PRINT_STYLESHEETS

    static_dir = Path(settings.STATICFILES_DIRS[0]).resolve()
    (stylesheet,) = PRINT_STYLESHEETS
    return Bare(base_url=static_dir.parent.as_uri() + "/", stylesheet=str(static_dir / stylesheet))


def final_html(letter, values: dict[str, str]) -> str:
    """The HTML the pipeline hands to WeasyPrint for this recipient (letter_pdf -> render_pdf, first half)."""
    from django.template.loader import render_to_string

    from invitations.rendering import LETTER_TEMPLATE, letter_context

    return render_to_string(LETTER_TEMPLATE, letter_context(letter, values=values))


# --- 1. Pipeline against bare WeasyPrint -----------------------------------------------------------------------------


def bench_pipeline(session, missions: list, *, letters: int, bare: Bare) -> tuple[float, float, float]:
    """Returns the ratio pipeline/bare per letter and both rates (letters/s)."""
    from invitations.rendering import letter_pdf, mission_values

    letter = letter_for(session, "en")
    chosen = [missions[i % len(missions)] for i in range(letters)]
    values = [mission_values(mission, language="en") for mission in chosen]
    started = time.perf_counter()
    htmls = [final_html(letter, v) for v in values]  # not timed below: bare WeasyPrint gets the finished HTML
    html_ms = (time.perf_counter() - started) / letters * 1000

    # Warm-up: the pipeline's first render makes this process's fonts and stylesheet; bare's loads fontconfig.
    first_pipeline = timed(letter_pdf, letter, values=values[0])
    first_bare = timed(bare.pdf, htmls[0])
    sizes = (len(letter_pdf(letter, values=values[0])), len(bare.pdf(htmls[0])))

    # Interleaved, alternating which goes first, so that a load spike from elsewhere hits both alike.
    pipeline, bare_times = [], []
    for i, (v, html) in enumerate(zip(values, htmls, strict=True)):
        gc.collect()
        if i % 2:
            bare_times.append(timed(bare.pdf, html))
            pipeline.append(timed(letter_pdf, letter, values=v))
        else:
            pipeline.append(timed(letter_pdf, letter, values=v))
            bare_times.append(timed(bare.pdf, html))

    ratio = sum(pipeline) / sum(bare_times)
    per_letter = statistics.median(p / b for p, b in zip(pipeline, bare_times, strict=True))
    say(f"1. Pipeline vs bare WeasyPrint: {letters} English letters, {len({m.pk for m in chosen})} missions")
    say(f"   first render (warm-up): pipeline {first_pipeline * 1000:.0f} ms, bare {first_bare * 1000:.0f} ms")
    say(f"   PDF size: pipeline {sizes[0] / 1024:.1f} KiB (tagged pdf/ua-1), bare {sizes[1] / 1024:.1f} KiB")
    say(
        f"   pipeline {letters / sum(pipeline):.2f} letters/s (mean {statistics.mean(pipeline) * 1000:.1f} ms, "
        f"median {statistics.median(pipeline) * 1000:.1f} ms)"
    )
    say(
        f"   bare     {letters / sum(bare_times):.2f} letters/s (mean {statistics.mean(bare_times) * 1000:.1f} ms, "
        f"median {statistics.median(bare_times) * 1000:.1f} ms)"
    )
    say(f"   (of the pipeline's time, placeholders + template take about {html_ms:.1f} ms a letter)")
    say(f"   ratio pipeline/bare per letter: {ratio:.2f}x (median of per-letter ratios {per_letter:.2f}x)")
    return ratio, letters / sum(pipeline), letters / sum(bare_times)


# --- 1b. The floor: a minimal seed-like letter with bare WeasyPrint (issue 14) ------------------------------------

YARDSTICK_CSS = """
@page { size: A4; margin: 16mm 20mm 18mm; }
body { font-family: "Noto Serif", "DejaVu Serif", serif; font-size: 11pt; line-height: 1.35; margin: 0; }
p { margin: 0 0 0.8em; }
.heads p { font: 9pt/1.3 "Noto Sans", sans-serif; text-align: center; }
.heads .first { float: left; } .heads .second { float: right; }
.date { clear: both; text-align: right; }
.body { text-align: justify; }
.sigs .sig { float: left; width: 48%; padding-top: 18mm; font-size: 10pt; }
.foot { clear: both; font-weight: bold; padding-top: 8mm; }
"""


def yardstick_html(values: dict[str, str]) -> str:
    """The yardstick of issue 14: the seed's paragraphs, the two letterheads side by side, the two signatures, in
    plain HTML with a few lines of CSS: what any WeasyPrint user would write for this letter, no more."""
    from html import escape

    from compact_portal.markup import markdown_to_html
    from invitations.demo import LETTERS, SWISS_CONFEDERATION

    seed = LETTERS["en"]
    body = seed["body"]
    for name, value in {
        "session_ordinal": "sixth",
        "session_title": "Irregular migration and regular pathways, including decent work, labour mobility, "
        "recognition of skills and qualifications and other relevant measures",
        "session_dates": "12-13 October 2017",
        "venue_room": "Conference Room XIX",
        "venue_city": "Geneva",
        "dialogue_date": "13 October 2017",
        "dialogue_start": "9:00 am",
        "dialogue_end": "9:50 am",
    }.items():
        body = body.replace("{{ " + name + " }}", value)
    swiss = "<br>".join(escape(line) for line in SWISS_CONFEDERATION.splitlines())
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Invitation</title>
<style>{YARDSTICK_CSS}</style></head><body>
<div class="heads"><p class="first">PERMANENT MISSION OF MEXICO<br>TO THE UNITED NATIONS</p>
<p class="second">{swiss}<br><br>Permanent Mission of Switzerland to the United Nations</p></div>
<p class="date">New York, 11 September 2017</p><p>Excellency,</p>
<div class="body">{markdown_to_html(body)}</div>
<p>{escape(seed["closing"])}</p>
<div class="sigs"><p class="sig">Juan José Gómez-Camacho<br>Ambassador and Permanent Representative of<br>Mexico to the
United Nations</p><p class="sig">Jürg Lauber<br>Ambassador and Permanent Representative of<br>Switzerland to the United
Nations</p></div>
<p class="foot">Permanent Missions<br>to the United Nations<br>NEW YORK</p>
<p>{escape(values["recipient_name"])}</p></body></html>"""


def bench_floor(session, missions: list, *, letters: int) -> float:
    """The pipeline's letter (tagged pdf/ua-1, hyphenated, emblems, signature images, one-page fitting) against the
    yardstick letter rendered by bare WeasyPrint (`HTML(string=...).write_pdf()`, nothing kept). Returns the ratio."""
    import weasyprint

    from invitations.rendering import letter_pdf, mission_values

    letter = letter_for(session, "en")
    chosen = [missions[i % len(missions)] for i in range(letters)]
    values = [mission_values(mission, language="en") for mission in chosen]
    yardsticks = [yardstick_html(v) for v in values]

    def bare(html: str) -> bytes:
        return weasyprint.HTML(string=html).write_pdf()

    timed(letter_pdf, letter, values=values[0])
    timed(bare, yardsticks[0])
    pipeline, floor, pipeline_cpu, floor_cpu = [], [], [], []

    def measure(function, arg, wall: list, cpu: list) -> None:
        started, started_cpu = time.perf_counter(), time.process_time()
        function(arg)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)

    def render(v):
        return letter_pdf(letter, values=v)

    for i, (v, html) in enumerate(zip(values, yardsticks, strict=True)):
        gc.collect()
        if i % 2:
            measure(bare, html, floor, floor_cpu)
            measure(render, v, pipeline, pipeline_cpu)
        else:
            measure(render, v, pipeline, pipeline_cpu)
            measure(bare, html, floor, floor_cpu)
    ratio = sum(pipeline) / sum(floor)
    cpu_ratio = sum(pipeline_cpu) / sum(floor_cpu)
    say(f"1b. The floor: {letters} pipeline letters vs the yardstick letter with bare WeasyPrint")
    say(
        f"   pipeline mean {statistics.mean(pipeline) * 1000:.1f} ms "
        f"(median {statistics.median(pipeline) * 1000:.1f}), "
        f"yardstick mean {statistics.mean(floor) * 1000:.1f} ms (median {statistics.median(floor) * 1000:.1f})"
    )
    say(
        f"   CPU time of this process: pipeline mean {statistics.mean(pipeline_cpu) * 1000:.1f} ms, yardstick mean "
        f"{statistics.mean(floor_cpu) * 1000:.1f} ms -> {cpu_ratio:.2f}x (less moved by other processes' load)"
    )
    say(f"   ratio pipeline/yardstick: {ratio:.2f}x (target <= {TARGET_FLOOR}x)  {verdict(ratio, TARGET_FLOOR)}")
    return ratio


# --- 2. Scripts ------------------------------------------------------------------------------------------------------


def bench_languages(session, missions: list, *, letters: int) -> dict[str, float]:
    from invitations.rendering import letter_pdf, mission_values

    languages = ("en", "ar", "zh-hans")
    by_language = {language: letter_for(session, language) for language in languages}
    chosen = [missions[i % len(missions)] for i in range(letters)]
    first, sizes = {}, {}
    for language, letter in by_language.items():  # warm-up: the Arabic and CJK fonts load on first use
        started = time.perf_counter()
        sizes[language] = len(letter_pdf(letter, values=mission_values(chosen[0], language=language)))
        first[language] = time.perf_counter() - started
    times = {language: [] for language in languages}
    for i, mission in enumerate(chosen):
        gc.collect()
        for language in languages[i % 3 :] + languages[: i % 3]:  # rotate the order
            values = mission_values(mission, language=language)
            times[language].append(timed(letter_pdf, by_language[language], values=values))
    means = {language: statistics.mean(t) for language, t in times.items()}
    say(f"2. Scripts: the seed letter in English, Arabic and Chinese, {letters} letters each, through the pipeline")
    for language in languages:
        say(
            f"   {language:8} mean {means[language] * 1000:6.1f} ms, "
            f"median {statistics.median(times[language]) * 1000:6.1f} ms -> "
            f"{means[language] / means['en']:.2f}x English  (PDF {sizes[language] / 1024:.0f} KiB; first render in "
            f"this process {first[language] * 1000:.0f} ms)"
        )
    return {language: means[language] / means["en"] for language in languages}


# --- 3. Dispatch -----------------------------------------------------------------------------------------------------


@dataclass
class SmtpSink:
    """Accepts everything and keeps the raw bytes; parsing waits until the clock has stopped."""

    messages: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(envelope.content)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


_bare: Bare | None = None  # in the baseline's processes


def _pool_init(bare: Bare, warm_html: str, ready) -> None:
    global _bare
    _bare = bare
    bare.pdf(warm_html)  # loads WeasyPrint and fontconfig before the clock starts
    with ready.get_lock():
        ready.value += 1


def _pool_render(html: str) -> int:
    return len(_bare.pdf(html))


def bare_over_two_processes(bare: Bare, htmls: list[str]) -> float:
    """Wall time of rendering `htmls` with bare WeasyPrint in a pool of 2 fresh processes (spawned, warmed up)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    ready = context.Value("i", 0)
    with context.Pool(2, initializer=_pool_init, initargs=(bare, htmls[0], ready)) as pool:
        deadline = time.monotonic() + 120
        while ready.value < 2:
            if time.monotonic() > deadline:
                raise RuntimeError("the baseline's processes did not start")
            time.sleep(0.05)
        started = time.perf_counter()
        sizes = list(pool.imap_unordered(_pool_render, htmls, chunksize=1))
        elapsed = time.perf_counter() - started
    assert len(sizes) == len(htmls) and all(sizes)
    return elapsed


class Worker:
    """`celery -A compact_portal worker --concurrency 2 --pool prefork` in its own process group."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.handle = log.open("wb")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "compact_portal", "worker", "--concurrency", "2",
             "--pool", "prefork", "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip",
             "--without-mingle"],
            cwd=ROOT, env=env, stdout=self.handle, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the tasks it runs
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.handle.close()

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def bench_dispatch(session, *, env: dict[str, str], var_dir: Path, smtp_port: int, bare: Bare):
    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.db import connection

    from invitations.audiences import audience_recipients
    from invitations.dispatch import dispatch_create
    from invitations.models import Dispatch
    from invitations.selectors import dispatch_progress

    letter = letter_for(session, "en")
    recipients = audience_recipients(letter=letter, audience=Dispatch.Audience.MEMBER_STATES).recipients
    htmls = [final_html(letter, recipient.values) for recipient in recipients]  # exactly what the worker renders
    # The baseline runs before and after the dispatch and their mean is used: load from elsewhere comes and goes.
    baseline_before = bare_over_two_processes(bare, htmls)

    sink = SmtpSink()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # "No hostname was supplied" (filesystem://)
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    worker = Worker(env, var_dir / "worker.log")
    try:
        started = time.monotonic()
        try:
            call_command("check_services", worker=90, stdout=open(os.devnull, "w"))  # noqa: SIM115
        except Exception:
            say(worker.tail())
            raise
        startup = time.monotonic() - started
        connection.close()  # the worker writes to the same SQLite file; start with a fresh connection

        started = time.perf_counter()
        dispatch = dispatch_create(letter=letter, audience=Dispatch.Audience.MEMBER_STATES, by=None)
        deadline = time.monotonic() + 900
        while True:
            progress = dispatch_progress(dispatch)
            if progress["done"] and sink.count() >= progress["sent"]:
                break
            if time.monotonic() > deadline:
                say(worker.tail())
                raise RuntimeError(f"the dispatch did not end within 900 s: {progress}")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    finally:
        worker.stop()
        controller.stop()
    baseline_after = bare_over_two_processes(bare, htmls)
    baseline = (baseline_before + baseline_after) / 2

    received = check_messages(sink.messages)
    sent_mails = dispatch.deliveries.filter(mail__status="sent")
    busy = sum(
        (sent - claimed).total_seconds()
        for claimed, sent in sent_mails.values_list("mail__claimed_at", "mail__sent_at")
    )
    say(f"3. Dispatch of the Member States' letter: {progress['total']} deliveries, 2 worker processes")
    broker = "redis" if env.get("REDIS_URL") else "filesystem"
    say(f"   worker ready after {startup:.1f} s (not timed); broker: {broker}")
    say(f"   dispatch {elapsed:.1f} s: {progress['sent']} sent, {progress['failed']} failed; sink: {received}")
    say(
        f"   the 2 worker processes spent {busy:.1f} s in tasks (claim to sent, "
        f"{busy / max(progress['sent'], 1) * 1000:.0f} ms a letter): "
        f"busy {100 * busy / (2 * elapsed):.0f}% of the wall time"
    )
    say(
        f"   baseline: {len(htmls)} bare renders over 2 processes {baseline:.1f} s (mean of {baseline_before:.1f} s "
        f"before and {baseline_after:.1f} s after the dispatch)"
    )
    say(f"   ratio {elapsed / baseline:.2f}x")
    return elapsed, baseline, progress


def check_messages(raw: list[bytes]) -> str:
    from email import message_from_bytes, policy

    recipients, with_pdf = set(), 0
    for content in raw:
        message = message_from_bytes(content, policy=policy.default)
        recipients.add(message["To"])
        pdfs = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
        with_pdf += len(pdfs) == 1 and pdfs[0].get_content().startswith(b"%PDF")
    return f"{len(raw)} messages, {len(recipients)} distinct recipients, {with_pdf} with one PDF"


# --- Main ------------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=50, help="letters per side in part 1 (default 50)")
    parser.add_argument("--language-letters", type=int, default=20, help="letters per script in part 2 (default 20)")
    parser.add_argument("--skip-dispatch", action="store_true", help="skip part 3 (worker, SMTP sink, 193 letters)")
    parser.add_argument("--only-floor", action="store_true", help="run only part 1b (pipeline vs the yardstick)")
    parser.add_argument("--redis", metavar="URL", help="use this Redis as the broker (a database no one else uses)")
    parser.add_argument(
        "--settings",
        default="compact_portal.settings",
        help="Django settings module for this process and the worker (default compact_portal.settings); for trying "
        "a change of settings without editing them: a module on PYTHONPATH that imports them and overrides one",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary VAR_DIR (worker log) and print it")
    args = parser.parse_args()

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)  # the finally blocks stop the worker

    var_dir = Path(tempfile.mkdtemp(prefix="bench-letters-"))
    smtp_port = free_port()
    env = environment(var_dir, smtp_port=smtp_port, redis_url=args.redis, settings=args.settings)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(ROOT)
    load = os.getloadavg()
    say(f"bench/letters.py: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    try:
        started = time.monotonic()
        session = portal_setup()
        missions = member_state_missions()
        took = time.monotonic() - started
        say(f"setup: temporary portal in {var_dir} ({len(missions)} Member States) in {took:.1f} s")
        bare = bare_setup()
        say()
        if args.only_floor:
            bench_floor(session, missions, letters=args.letters)
            return 0
        pipeline_ratio, pipeline_rate, bare_rate = bench_pipeline(session, missions, letters=args.letters, bare=bare)
        say()
        floor_ratio = bench_floor(session, missions, letters=args.letters)
        say()
        scripts = bench_languages(session, missions, letters=args.language_letters)
        dispatch = None
        if not args.skip_dispatch:
            say()
            dispatch = bench_dispatch(session, env=env, var_dir=var_dir, smtp_port=smtp_port, bare=bare)
    finally:
        if args.keep:
            say(f"kept: {var_dir}")
        else:
            import shutil

            shutil.rmtree(var_dir, ignore_errors=True)

    load = os.getloadavg()
    worst_script = max(scripts["ar"], scripts["zh-hans"])
    say()
    say(f"Summary (load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}):")
    say(
        f"pipeline vs bare WeasyPrint: {pipeline_rate:.1f} vs {bare_rate:.1f} letters/s -> {pipeline_ratio:.2f}x per "
        f"letter (target <= {TARGET_PIPELINE}x)  {verdict(pipeline_ratio, TARGET_PIPELINE)}"
    )
    say(
        f"pipeline vs the yardstick letter (bare WeasyPrint): {floor_ratio:.2f}x (target <= {TARGET_FLOOR}x)  "
        f"{verdict(floor_ratio, TARGET_FLOOR)}"
    )
    say(
        f"Arabic / Chinese vs English: {scripts['ar']:.2f}x / {scripts['zh-hans']:.2f}x (target <= {TARGET_SCRIPTS:g}x)"
        f"  {verdict(worst_script, TARGET_SCRIPTS)}"
    )
    if dispatch:
        elapsed, baseline, progress = dispatch
        ratio = elapsed / baseline
        ok = verdict(ratio, TARGET_DISPATCH) if progress["sent"] == MEMBER_STATES else "INCOMPLETE"
        say(
            f"{progress['total']}-letter dispatch, 2 workers: {elapsed:.1f} s vs {baseline:.1f} s bare renders over 2 "
            f"processes -> {ratio:.2f}x (target <= {TARGET_DISPATCH}x)  {ok}"
        )
    else:
        say("193-letter dispatch: skipped (--skip-dispatch)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        sys.exit(130)
