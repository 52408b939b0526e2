"""A COP-sized session for load and benchmarks (`manage.py demo --scale cop`, and bench/ scripts).

198 missions with delegations from 3 to 4,000 members (100,000 in all), 5,000 accredited stakeholder
organizations each with a focal point, 2,000 of them with confirmed representatives, 5,000 dialogue
applications, a 20,000-address recipients CSV for the session's invitation and a 20,000-delivery dispatch of its
reminder already sent. Names are in the six official languages (Latin with diacritics, Arabic, Han, Cyrillic),
made from small name lists per language with a seeded random generator: the same seed gives the same rows.

Rows are written with bulk_create in batches, one transaction per table, no per-row signals or services: the
services' rules (one application per organization, positions, sequences) are honoured by construction.
"""

import csv
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from invitations.dispatch import KIND, RENDERER, dispatch_recount
from invitations.models import Delivery, Dispatch, Letter
from invitations.services import letter_create, letter_revision_for
from outbox.models import OutgoingMail
from registrations.demo import demo_missions_load
from registrations.models import (
    DIALOGUE_KIND,
    DelegationMember,
    DelegationRegistration,
    Dialogue,
    Organization,
    PermanentMission,
    Profile,
    Representation,
    SlotApplication,
    State,
)
from registrations.reference import reference_data_load
from registrations.services.delegations import members_recount
from sessions.models import AgendaItem, Process, ThematicSession, Venue

BATCH = 5_000


def _words(text: str) -> list[str]:
    return text.split()


# --- Names per language ----------------------------------------------------------------------------------------------

GIVEN = {
    "en": "James Mary Olivia David Grace Samuel Amina Peter Sarah Kwame Aroha Liam Priya Noah Emily Daniel Joseph "
    "Ruth Thomas Chloe Tevita Siosaia Lani Keanu Wanjiru",
    "fr": "Jean Marie Amadou Aïssatou Camille Étienne Fatou Hélène Moussa Céline François Awa Théo Mariam Benoît "
    "Chloé Ibrahima Léa Rokia Luc Noémie Sékou Josée Gaëlle Yannick",
    "es": "José María Lucía Alejandro Sofía Javier Carmen Andrés Valentina Diego Ximena Mateo Paula Fernando Inés "
    "Raúl Gabriela Tomás Julieta Óscar Begoña Iñaki Mónica Ángel Rocío",
    "ar": "محمد أحمد فاطمة علي مريم يوسف خديجة عمر ليلى حسن نور خالد سارة إبراهيم زينب سامي هدى طارق رنا كريم",
    "ru": "Александр Елена Дмитрий Ольга Сергей Наталья Андрей Татьяна Алексей Ирина Михаил Анна Николай Мария "
    "Владимир Светлана Павел Екатерина Игорь Юлия",
    # Chinese given names are one or two of these syllables.
    "zh": "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 华 玲 文 建 国 海 晓 云 婷",
}
FAMILY = {
    "en": "Smith Okafor Mensah Patel Brown Nguyen Wilson Kamau Taylor Singh Anderson Mwangi Clarke Haddad Walker "
    "Banda Robinson Tan Evans Osei Fifita Tuilagi Ramírez-Jones O'Neill",
    "fr": "Dubois Diallo Traoré Lefèvre Ndiaye Martin Koné Bernard Sow Girard Mbaye Faure Coulibaly Rousseau "
    "Kaboré Lemaître Touré Mercier Sangaré Bérubé",
    "es": "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz "
    "Cruz Morales Ortiz Gutiérrez Chávez Núñez Peña Ibáñez Quiñones Muñoz",
    "ar": "العلي الحسن المنصوري الخطيب الشامي الحداد القاسم الزين البدوي النجار السيد الفارسي العمري الكعبي التميمي "
    "الراشد الصالح الهاشمي المصري الجابري",
    "ru": "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев "
    "Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев",
    "zh": "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 高 罗 欧阳 司马",
}
GIVEN = {language: _words(names) for language, names in GIVEN.items()}
FAMILY = {language: _words(names) for language, names in FAMILY.items()}
FAMILY["en"].append("Ó Súilleabháin")  # two words: not in the split string
RUSSIAN_WOMEN = set(_words("Елена Ольга Наталья Татьяна Ирина Анна Мария Светлана Екатерина Юлия"))

# The language a mission's delegates' names are drawn in (by ISO 3166 alpha-3; English for the others).
LANGUAGE_OF_STATE = {
    **dict.fromkeys(
        _words("DZA BHR COM DJI EGY IRQ JOR KWT LBN LBY MRT MAR OMN QAT SAU SOM SDN SYR TUN ARE YEM PSE"), "ar"
    ),
    **dict.fromkeys(_words("ARG BOL CHL COL CRI CUB DOM ECU SLV GNQ GTM HND MEX NIC PAN PRY PER ESP URY VEN"), "es"),
    **dict.fromkeys(
        _words("FRA BEL BEN BFA BDI CMR CAF TCD COD COG CIV GAB GIN HTI LUX MDG MLI MCO NER RWA SEN TGO CHE"), "fr"
    ),
    **dict.fromkeys(_words("RUS BLR KAZ KGZ TJK UZB TKM ARM AZE"), "ru"),
    "CHN": "zh",
}
HONORIFICS = {
    "en": ["Mr.", "Ms.", "Dr."],
    "fr": ["M.", "Mme", "Dr"],
    "es": ["Sr.", "Sra.", "Dr."],
    "ar": ["السيد", "السيدة", "د."],
    "ru": ["г-н", "г-жа", "д-р"],
    "zh": ["先生", "女士", "博士"],
}
FUNCTIONS = [
    "Minister",
    "Ambassador, Special Envoy for Climate",
    "Counsellor",
    "First Secretary",
    "Second Secretary",
    "Adviser",
    "Lead negotiator",
    "Technical expert",
    "Attaché",
    "Youth delegate",
]

# Stakeholder organizations: a person, a topic or a city in a pattern of the language.
TOPICS = {
    "en": ["Climate Justice", "Ocean Health", "Clean Energy", "Food Security", "Indigenous Peoples", "Youth Action"],
    "fr": ["la justice climatique", "les océans", "l’énergie propre", "la sécurité alimentaire", "les forêts"],
    "es": ["la Justicia Climática", "los Océanos", "la Energía Limpia", "la Seguridad Alimentaria", "los Bosques"],
    "ar": ["العدالة المناخية", "صحة المحيطات", "الطاقة النظيفة", "الأمن الغذائي", "المياه"],
    "ru": ["климатической справедливости", "чистой энергии", "продовольственной безопасности", "защиты лесов"],
    "zh": ["气候正义", "海洋健康", "清洁能源", "粮食安全", "森林保护"],
}
CITIES = {
    "en": ["Nairobi", "Manila", "Suva", "Accra", "Dhaka", "Toronto", "Auckland", "Lagos", "Kampala", "Lahore"],
    "fr": ["Dakar", "Abidjan", "Montréal", "Genève", "Bamako", "Kinshasa", "Lyon", "Port-au-Prince", "Niamey"],
    "es": ["Bogotá", "Lima", "Quito", "Santiago", "Montevideo", "La Paz", "Asunción", "Ciudad de México", "Madrid"],
    "ar": ["القاهرة", "عمّان", "تونس", "الرباط", "بيروت", "دبي", "الدوحة", "مسقط", "الخرطوم"],
    "ru": ["Москвы", "Алматы", "Бишкека", "Ташкента", "Минска", "Еревана", "Душанбе", "Баку"],
    "zh": ["北京", "上海", "广州", "成都", "昆明", "武汉", "深圳", "西安"],
}
ORGANIZATION_PATTERNS = {
    "en": ["{person} Foundation for {topic}", "{city} Network for {topic}", "{city} Institute of {topic}"],
    "fr": ["Fondation {person} pour {topic}", "Réseau de {city} pour {topic}", "Alliance {person}"],
    "es": ["Fundación {person} para {topic}", "Red de {city} por {topic}", "Centro {person}"],
    "ar": ["مؤسسة {person} من أجل {topic}", "شبكة {city} من أجل {topic}", "مركز {person}"],
    "ru": ["Фонд {person} в защиту {topic}", "Сеть {city} в защиту {topic}", "Центр {person}"],
    "zh": ["{person}{topic}基金会", "{city}{topic}网络", "{city}{topic}研究中心"],
}
LANGUAGES = list(GIVEN)


def person_name(rng: random.Random, language: str) -> tuple[str, str, int]:
    """(given, family, sex: 0 man, 1 woman, 2 unknown) in `language`."""
    given = rng.choice(GIVEN[language])
    if language == "zh":
        given += rng.choice(GIVEN["zh"]) if rng.random() < 0.7 else ""
    family = rng.choice(FAMILY[language])
    if language == "ru" and given in RUSSIAN_WOMEN:
        family += "а"
    return given, family, rng.randrange(3)


def display_person(given: str, family: str, language: str) -> str:
    return f"{family}{given}" if language == "zh" else f"{given} {family}"


def delegation_sizes(*, missions: int, members: int, smallest: int = 3, largest: int = 4_000, seed: int = 0):
    """`missions` sizes from `smallest` to `largest` summing to `members`: a few very large delegations and a long
    tail of small ones, as at a COP (sizes fall geometrically by rank; the ratio is found by bisection). The
    largest is 4% of all (4,000 of 100,000), so smaller crowds keep the same shape."""
    largest = min(largest, max(smallest, members // 25, 2 * -(-members // missions)))
    largest = min(largest, members - smallest * (missions - 1))  # one delegation may hold all who are left
    if not smallest * (missions - 1) + largest <= members <= largest * missions:
        raise ValueError(f"{members} members cannot be split into {missions} delegations of {smallest}–{largest}")

    def sizes_for(ratio: float) -> list[int]:
        return [max(smallest, min(largest, round(largest * ratio**rank))) for rank in range(missions)]

    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if sum(sizes_for(middle)) < members else (low, middle)
    sizes = sizes_for(low)
    # Rounding leaves a few members over or short: one each to (or from) the delegations that have room.
    left = members - sum(sizes)
    step = 1 if left > 0 else -1
    while left:
        for index in range(1, missions):
            if left and smallest <= sizes[index] + step <= largest:
                sizes[index] += step
                left -= step
    random.Random(seed).shuffle(sizes)  # noqa: S311 - reproducible demo data, not secrets
    return sizes


# --- Loading -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    slug: str = "cop-scale"
    missions: int = 198
    members: int = 100_000
    organizations: int = 5_000
    represented: int = 2_000  # organizations with confirmed representatives (2 each)
    applications: int = 5_000
    recipients: int = 20_000  # addresses in the recipients CSV, and deliveries of the reminder's dispatch
    seed: int = 28


COP = Scale()


@dataclass
class LoadReport:
    slug: str
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    csv_path: Path | None = None
    created: bool = True

    def __str__(self):
        parts = ", ".join(f"{count:,} {name}" for name, count in self.counts.items())
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.seconds.items())
        total = sum(self.seconds.values())
        head = f"Session {self.slug}: {parts}."
        if not self.created:
            return f"{head} Already loaded: nothing changed."
        return f"{head} Loaded in {total:.0f} s ({steps}). Recipients CSV: {self.csv_path}."


class _Timer:
    def __init__(self, report: LoadReport):
        self.report = report

    def __call__(self, name: str):
        self.name = name
        return self

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        self.report.seconds[self.name] = time.perf_counter() - self.started


def scale_demo_load(*, scale: Scale = COP, now: datetime | None = None, csv_dir: Path | None = None) -> LoadReport:
    """Loads the session `scale.slug` with its crowd, once: if the session exists, nothing changes."""
    now = now or timezone.now()
    report = LoadReport(slug=scale.slug)
    timer = _Timer(report)
    csv_path = Path(csv_dir or settings.VAR_DIR) / f"{scale.slug}-recipients.csv"
    report.csv_path = csv_path
    existing = ThematicSession.objects.filter(slug=scale.slug).first()
    if existing is not None:
        report.created = False
        report.counts = _counts(existing)
        return report
    rng = random.Random(scale.seed)  # noqa: S311 - reproducible demo data, not secrets
    with timer("missions"):
        reference_data_load()
        demo_missions_load()
        missions = _missions(scale.missions)
    with timer("session"):
        session, dialogue = _session(scale, now=now)
    with timer("registrations"):
        registrations = _registrations(session, missions, now=now)
    with timer("members"):
        _members(registrations, scale, rng)
    with timer("organizations"):
        organizations = _organizations(scale, rng, now=now)
    with timer("accounts"):
        _accounts(session, organizations, scale, now=now)
    with timer("applications"):
        _applications(dialogue, organizations[: scale.applications], rng, now=now)
    with timer("letters"):
        _recipients_csv(session, scale, csv_path)
        _reminder_dispatch(session, scale, now=now)
    report.counts = _counts(session)
    return report


def _counts(session: ThematicSession) -> dict:
    dialogue = Dialogue.objects.filter(session=session).first()
    return {
        "delegations": session.delegation_registrations.count(),
        "members": DelegationMember.objects.filter(registration__session=session).count(),
        "organizations represented": Representation.objects.filter(session=session)
        .values("organization")
        .distinct()
        .count(),
        "representatives": Representation.objects.filter(session=session).count(),
        "dialogue applications": dialogue.applications.count() if dialogue else 0,
        "deliveries": Delivery.objects.filter(letter__session=session).count(),
    }


@transaction.atomic
def _missions(count: int) -> list[PermanentMission]:
    """The New York missions, and Geneva missions of as many States as it takes to make `count`."""
    missions = list(
        PermanentMission.objects.filter(duty_station=PermanentMission.DutyStation.NEW_YORK)
        .select_related("state")
        .order_by("state__name_en")
    )
    states = iter(State.objects.order_by("iso3"))
    while len(missions) < count:
        state = next(states)
        mission, _ = PermanentMission.objects.get_or_create(
            state=state,
            duty_station=PermanentMission.DutyStation.GENEVA,
            defaults={
                "name": f"Permanent Mission of {state.name_en} to the United Nations Office at Geneva",
                "emails": f"pm.{state.iso3.lower()}@geneva.missions.example.org",
            },
        )
        missions.append(mission)
    return missions[:count]


@transaction.atomic
def _session(scale: Scale, *, now: datetime) -> tuple[ThematicSession, Dialogue]:
    process, _ = Process.objects.get_or_create(
        name="Load test: a conference of the parties (demo)",
        defaults={"short_name": "COP", "secretariat_email": "secretariat@example.org"},
    )
    venue, _ = Venue.objects.get_or_create(
        duty_station="Dubai",
        building="Expo City Dubai",
        room=f"Plenary Al Waha ({scale.slug})",
        defaults={"timezone": "Asia/Dubai", "capacity": 5_000},
    )
    start = (now + timedelta(days=60)).date()
    number = (ThematicSession.objects.filter(process=process).order_by("-number").values_list("number", flat=True)
              .first() or 0) + 1  # fmt: skip
    session = ThematicSession.objects.create(
        process=process,
        number=number,
        title="A conference of the parties at full size",
        slug=scale.slug,
        start_date=start,
        end_date=start + timedelta(days=11),
        venue=venue,
        status=ThematicSession.Status.PUBLISHED,
        registration_deadline=now + timedelta(days=30),
        translations={
            "fr": {"title": "Une conférence des parties en vraie grandeur"},
            "es": {"title": "Una conferencia de las partes a tamaño real"},
            "ar": {"title": "مؤتمر للأطراف بحجمه الكامل"},
            "ru": {"title": "Конференция сторон в полном масштабе"},
            "zh-hans": {"title": "全规模的缔约方大会"},
        },
    )
    items = []
    for day_index in range(12):
        day = start + timedelta(days=day_index)
        items += [
            AgendaItem(session=session, day=day, start_time=clock(10), end_time=clock(13), kind="panel",
                       title=f"Plenary, day {day_index + 1}: {TOPICS['en'][day_index % len(TOPICS['en'])]}"),
            AgendaItem(session=session, day=day, start_time=clock(15), end_time=clock(18), kind="discussion",
                       title=f"Negotiating groups, day {day_index + 1}"),
        ]  # fmt: skip
    dialogue_item = AgendaItem(
        session=session,
        day=start + timedelta(days=1),
        start_time=clock(9),
        end_time=clock(9, 50),
        kind=DIALOGUE_KIND,
        title="Informal dialogue with stakeholders",
    )
    AgendaItem.objects.bulk_create([*items, dialogue_item])
    dialogue = Dialogue.objects.create(
        session=session,
        item=dialogue_item,
        allocation=Dialogue.Allocation.DRAW,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=30),
    )
    return session, dialogue


@transaction.atomic
def _registrations(session, missions, *, now) -> list[DelegationRegistration]:
    registrations = [
        DelegationRegistration(
            session=session,
            mission=mission,
            # One in ten still waits for the secretariat's decision.
            status="submitted" if index % 10 == 9 else "approved",
            note_verbale_name=f"{mission.state.iso3}-note-verbale.pdf",
            submitted_at=now - timedelta(days=5),
            decided_at=None if index % 10 == 9 else now - timedelta(days=2),
            language=_language(mission) if _language(mission) != "zh" else "zh-hans",
        )
        for index, mission in enumerate(missions)
    ]
    return DelegationRegistration.objects.bulk_create(registrations, batch_size=BATCH)


def _language(mission: PermanentMission) -> str:
    return LANGUAGE_OF_STATE.get(mission.state.iso3, "en")


@transaction.atomic
def _members(registrations, scale: Scale, rng: random.Random) -> None:
    sizes = delegation_sizes(missions=len(registrations), members=scale.members, seed=scale.seed)
    batch = []
    for registration, size in zip(registrations, sizes, strict=True):
        language = _language(registration.mission)
        code = registration.mission.state.iso3.lower()
        for order in range(size):
            given, family, sex = person_name(rng, language)
            batch.append(
                DelegationMember(
                    registration=registration,
                    is_head=order == 0,
                    honorific="H.E." if order == 0 else HONORIFICS[language][sex],
                    given_name=given,
                    family_name=family,
                    function="Head of delegation" if order == 0 else FUNCTIONS[rng.randrange(len(FUNCTIONS))],
                    email=f"d{order + 1}.{code}.{registration.mission.duty_station[:2]}@delegates.example.org",
                    attendance="online" if order % 7 == 6 else "in_person",
                    order=min(order, 32_767),
                )
            )
            if len(batch) == BATCH:
                DelegationMember.objects.bulk_create(batch)
                batch = []
    DelegationMember.objects.bulk_create(batch)
    members_recount(DelegationRegistration.objects.filter(pk__in=[registration.pk for registration in registrations]))


@transaction.atomic
def _organizations(scale: Scale, rng: random.Random, *, now) -> list[Organization]:
    states = list(State.objects.order_by("iso3"))
    existing = set(Organization.objects.values_list("name", flat=True))
    names: list[tuple[str, str]] = []
    seen = set(existing)
    kinds = [kind for kind, _ in Organization.Kind.choices]
    ecosoc = ["general", "special", "special", "roster", "none"]
    while len(names) < scale.organizations:
        language = LANGUAGES[len(names) % len(LANGUAGES)]
        given, family, _ = person_name(rng, language)
        name = rng.choice(ORGANIZATION_PATTERNS[language]).format(
            person=display_person(given, family, language),
            topic=rng.choice(TOPICS[language]),
            city=rng.choice(CITIES[language]),
        )
        if name not in seen:
            seen.add(name)
            names.append((name, language))
    organizations = [
        Organization(
            name=name,
            kind=kinds[index % len(kinds)],
            ecosoc_status=ecosoc[index % len(ecosoc)],
            country=states[index % len(states)],
            website=f"https://org{index + 1}.{scale.slug}.example.org",
            email=f"contact@org{index + 1}.{scale.slug}.example.org",
            accreditation=Organization.Accreditation.ACCREDITED,
            accredited_at=now - timedelta(days=10),
            language=language if language != "zh" else "zh-hans",
        )
        for index, (name, language) in enumerate(names)
    ]
    return Organization.objects.bulk_create(organizations, batch_size=BATCH)


@transaction.atomic
def _accounts(session, organizations, scale: Scale, *, now) -> None:
    """A focal point per organization; two confirmed representatives for the first `scale.represented`. They
    have no usable password (they are load, not logins)."""
    User = get_user_model()
    password = make_password(None)
    focal = [
        User(username=f"focal{index + 1}@{scale.slug}.example.org", email=f"focal{index + 1}@{scale.slug}.example.org",
             password=password)
        for index in range(len(organizations))
    ]  # fmt: skip
    representatives = [
        User(username=f"rep{index + 1}@{scale.slug}.example.org", email=f"rep{index + 1}@{scale.slug}.example.org",
             password=password)
        for index in range(2 * min(scale.represented, len(organizations)))
    ]  # fmt: skip
    focal = User.objects.bulk_create(focal, batch_size=BATCH)
    representatives = User.objects.bulk_create(representatives, batch_size=BATCH)
    Profile.objects.bulk_create(
        (Profile(user=user, organization=organization, is_focal_point=True)
         for user, organization in zip(focal, organizations, strict=True)),
        batch_size=BATCH,
    )  # fmt: skip
    Representation.objects.bulk_create(
        (
            Representation(
                session=session,
                organization=organizations[index // 2],
                user=user,
                function="Representative",
                status=Representation.Status.CONFIRMED,
                requested_at=now - timedelta(days=3),
                decided_at=now - timedelta(days=1),
            )
            for index, user in enumerate(representatives)
        ),
        batch_size=BATCH,
    )


@transaction.atomic
def _applications(dialogue: Dialogue, organizations, rng: random.Random, *, now) -> None:
    """One application per organization, in order of arrival, awaiting the draw."""
    themes = list(dialogue.session.agenda_items.filter(kind="panel"))
    focal_points = dict(
        Profile.objects.filter(organization__in=organizations).values_list("organization_id", "user_id")
    )
    applications = []
    for sequence, organization in enumerate(organizations, start=1):
        language = organization.language if organization.language != "zh-hans" else "zh"
        given, family, _ = person_name(rng, language)
        applications.append(
            SlotApplication(
                dialogue=dialogue,
                organization=organization,
                speaker_name=display_person(given, family, language),
                speaker_function="Director",
                theme=themes[sequence % len(themes)],
                summary=f"{TOPICS['en'][sequence % len(TOPICS['en'])]}: what the parties can do this session.",
                status=SlotApplication.Status.PENDING,
                sequence=sequence,
                applied_by_id=focal_points.get(organization.pk),
                applied_at=now - timedelta(minutes=len(organizations) - sequence),
            )
        )
    SlotApplication.objects.bulk_create(applications, batch_size=BATCH)
    Dialogue.objects.filter(pk=dialogue.pk).update(next_sequence=len(organizations))


def _recipient_rows(session, count: int):
    members = (
        DelegationMember.objects.filter(registration__session=session)
        .exclude(email="")
        .select_related("registration__mission")
        .order_by("pk")[:count]
    )
    for member in members.iterator(chunk_size=BATCH):
        yield member, f"{member.display_name}, {member.registration.mission.name}"


def _recipients_csv(session, scale: Scale, path: Path) -> None:
    """name, email, salutation of the first `scale.recipients` delegates: the CSV audience of the invitation."""
    letter_create(
        session=session,
        kind=Letter.Kind.INVITATION,
        language="en",
        place_date=f"Dubai, {date.today():%d %B %Y}",
        subject="Invitation: {{ session_title }}",
        body="We have the honour to invite you to {{ session_title }}, {{ session_dates }}, {{ venue_room }}.",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["name", "email", "salutation"])
        for member, name in _recipient_rows(session, scale.recipients):
            writer.writerow([name, member.email, "Excellency,"])


@transaction.atomic
def _reminder_dispatch(session, scale: Scale, *, now) -> None:
    """The reminder, already sent to the same addresses (rows made directly, as a finished dispatch): the
    deliveries' lists at 20,000 rows. One in a hundred failed with a server's reply."""
    letter = letter_create(
        session=session,
        kind=Letter.Kind.REMINDER,
        language="en",
        place_date=f"Dubai, {date.today():%d %B %Y}",
        subject="Reminder: {{ session_title }}",
        body="We recall our invitation to {{ session_title }}, {{ session_dates }}.",
    )
    dispatch = Dispatch.objects.create(letter=letter, audience=Dispatch.Audience.CSV)
    revision = letter_revision_for(letter=letter, language=letter.language)
    rows = list(enumerate(_recipient_rows(session, scale.recipients)))
    mails = OutgoingMail.objects.bulk_create(
        (
            OutgoingMail(
                kind=KIND,
                renderer=RENDERER,
                subject=f"Reminder: {session.title}"[:500],
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[member.email],
                body="",
                status=OutgoingMail.Status.FAILED if failed else OutgoingMail.Status.SENT,
                attempts=1,
                message_id="" if failed else f"<reminder-{index + 1}@{scale.slug}.example.org>",
                last_error="550 5.1.1 mailbox unavailable" if failed else "",
                enqueued_at=now - timedelta(hours=2),
                sent_at=None if failed else now - timedelta(hours=1),
            )
            for index, (member, _name) in rows
            for failed in [index % 100 == 99]
        ),
        batch_size=BATCH,
    )
    Delivery.objects.bulk_create(
        (
            Delivery(
                dispatch=dispatch,
                letter=letter,
                revision=revision,
                mission_id=member.registration.mission_id,
                email=member.email,
                recipient_name=name,
                recipient_code=f"{member.registration.mission_id}-{member.pk}",
                values={"recipient_name": member.display_name},
                mail=mail,
            )
            for (_index, (member, name)), mail in zip(rows, mails, strict=True)
        ),
        batch_size=BATCH,
    )
    dispatch_recount(dispatch)  # its kept counts, as the outbox would have kept them
