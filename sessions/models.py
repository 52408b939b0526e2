"""Processes, thematic sessions, venues, agendas, the people in them and their documents."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# Languages other than English in which the secretariat may enter session content (settings.LANGUAGES order).
CONTENT_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code != "en"]


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            f"{value!r} is not a known time zone (use an IANA name such as Europe/Zurich)."
        ) from error


class Translatable(models.Model):
    """Content the secretariat enters in English, and in any other official language in `translations`:
    {"fr": {"title": "…"}, "ar": {…}}. `localized(field)` gives the text in the active language, or English."""

    TRANSLATED_FIELDS: tuple[str, ...] = ()

    translations = models.JSONField(
        default=dict, blank=True, help_text="Titles in the other official languages; English where one is missing."
    )

    class Meta:
        abstract = True

    def localized(self, field: str, language: str | None = None) -> str:
        language = (language or translation.get_language() or "en").lower()
        texts = (self.translations or {}).get(language) or {}
        return texts.get(field) or getattr(self, field)


class Process(Translatable):
    """An intergovernmental process, e.g. the consultations on the global compact for migration."""

    TRANSLATED_FIELDS = ("name",)

    name = models.CharField(max_length=300, unique=True)
    short_name = models.CharField(max_length=40, help_text="Used in file names, e.g. GCM.")
    mandate = models.CharField(
        max_length=60, blank=True, help_text="Symbol of the mandating resolution, e.g. A/RES/71/280."
    )
    website = models.URLField(blank=True)
    secretariat_email = models.EmailField(blank=True, help_text="Reply-To of letters and notifications.")

    class Meta:
        verbose_name_plural = "processes"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def local_name(self) -> str:
        return self.localized("name")


# The duty stations' names in the official languages; other cities are shown as entered.
DUTY_STATION_NAMES = {
    "Geneva": _("Geneva"),
    "New York": _("New York"),
    "Vienna": _("Vienna"),
    "Nairobi": _("Nairobi"),
}


class Venue(Translatable):
    """A conference room at a duty station; its time zone is the one agenda times are given in. The room's name in
    the other official languages is in `translations` ("Salle de conférence XIX"): English where none is given."""

    TRANSLATED_FIELDS = ("room",)

    duty_station = models.CharField(max_length=100, help_text="City, e.g. Geneva.")
    building = models.CharField(max_length=200, help_text="e.g. Palais des Nations.")
    room = models.CharField(max_length=100, help_text="e.g. Conference Room XIX.")
    capacity = models.PositiveIntegerField(null=True, blank=True)
    timezone = models.CharField(
        max_length=64, validators=[validate_timezone], help_text="IANA name, e.g. Europe/Zurich."
    )

    class Meta:
        ordering = ["duty_station", "building", "room"]
        constraints = [
            models.UniqueConstraint(fields=["duty_station", "building", "room"], name="venue_unique_room"),
        ]

    def __str__(self):
        return f"{self.room}, {self.building}, {self.duty_station}"

    @property
    def local_duty_station(self) -> str:
        return str(DUTY_STATION_NAMES.get(self.duty_station, self.duty_station))

    @property
    def local_room(self) -> str:
        return self.localized("room")

    @property
    def local_name(self) -> str:
        """e.g. "Salle de conférence XIX, Palais des Nations, Genève": the room in the active language (English where
        it has no name in it), the building as entered."""
        return f"{self.local_room}, {self.building}, {self.local_duty_station}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Person(Translatable):
    """Someone who appears in a programme or signs a letter: a co-facilitator, panelist, moderator. The name is as
    the person writes it; the title and affiliation are translated like session content."""

    TRANSLATED_FIELDS = ("honorific", "title", "affiliation")

    honorific = models.CharField(max_length=40, blank=True, help_text="e.g. H.E. Mr.")
    # Blank names are allowed for people known only by office ("the Permanent Representative of Germany").
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    title = models.CharField(
        max_length=300,
        blank=True,
        help_text="Functional title, e.g. Ambassador and Permanent Representative of Mexico to the United Nations.",
    )
    affiliation = models.CharField(max_length=300, blank=True, help_text="Mission or organization.")

    class Meta:
        verbose_name_plural = "people"
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["given_name", "family_name", "title", "affiliation"],
                name="person_unique_name_title_affiliation",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip() or self.local_title

    @property
    def local_title(self) -> str:
        return self.localized("title")

    @property
    def local_honorific(self) -> str:
        return self.localized("honorific")

    def clean(self):
        if not (self.given_name or self.family_name or self.title):
            raise ValidationError("Give a name, or at least the title of the office.")


class ThematicSession(Translatable):
    TRANSLATED_FIELDS = ("title",)

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("session status", "Draft")
        PUBLISHED = "published", pgettext_lazy("session status", "Published")
        CLOSED = "closed", pgettext_lazy("session status", "Closed")

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=400)
    slug = models.SlugField(max_length=80, unique=True)
    start_date = models.DateField()
    end_date = models.DateField()
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="sessions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    registration_deadline = models.DateTimeField(null=True, blank=True)
    co_facilitators = models.ManyToManyField(
        Person, through="CoFacilitator", related_name="co_facilitated_sessions", blank=True
    )
    # Bumped by sessions.public_cache.public_pages_changed(): part of the key of the cached public pages.
    public_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["process", "number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="session_unique_number_in_process"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="session_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.ordinal_name}: {self.title}"

    def get_absolute_url(self):
        return reverse("sessions:detail", kwargs={"slug": self.slug})

    @property
    def ordinal_name(self) -> str:
        return gettext("Informal thematic session %(number)s") % {"number": self.number}

    @property
    def local_title(self) -> str:
        """The title in the active language, or in English."""
        return self.localized("title")

    @property
    def code(self) -> str:
        """Short code for file names, e.g. ITS6."""
        return f"ITS{self.number}"

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    def outside_dates_message(self, *, day, title: str) -> str | None:
        """Why an agenda item on `day` does not fit this session, or None if it does."""
        if not (self.start_date and self.end_date and day) or self.start_date <= day <= self.end_date:
            return None
        return (
            f"“{title}” is on {day:%d %B %Y}, outside the session's dates "
            f"({self.start_date:%d %B %Y} to {self.end_date:%d %B %Y})."
        )

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The session cannot end before it starts."})


class CoFacilitator(models.Model):
    session = models.ForeignKey(ThematicSession, on_delete=models.CASCADE, related_name="co_facilitator_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="cofacilitator_once_per_session")]

    def __str__(self):
        return f"{self.person} ({self.session.code})"


class AgendaItem(Translatable):
    TRANSLATED_FIELDS = ("title", "description")

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        PANEL = "panel", _("Panel")
        DISCUSSION = "discussion", _("Interactive discussion")
        STAKEHOLDER_DIALOGUE = "stakeholder_dialogue", _("Informal dialogue with stakeholders")
        BREAK = "break", _("Break or side event")
        CLOSING = "closing", _("Closing")

    session = models.ForeignKey(ThematicSession, on_delete=models.CASCADE, related_name="agenda_items")
    day = models.DateField()
    start_time = models.TimeField(help_text="Local time at the venue.")
    end_time = models.TimeField(help_text="Local time at the venue.")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    title = models.CharField(max_length=400)
    description = models.TextField(blank=True)
    room = models.CharField(max_length=100, blank=True, help_text="Only if not the session's room, e.g. Room XXVII.")
    tentative = models.BooleanField(default=False, help_text="Times or content not yet confirmed.")

    class Meta:
        ordering = ["day", "start_time", "end_time", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="agenda_item_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.day:%d %b} {self.start_time:%H:%M}–{self.end_time:%H:%M} {self.title}"

    @property
    def local_title(self) -> str:
        return self.localized("title")

    @property
    def local_description(self) -> str:
        return self.localized("description")

    @property
    def room_name(self) -> str:
        """The item's own room as entered, else the session's room in the active language."""
        return self.room or self.session.venue.local_room

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "The item must end after it starts."})
        problem = self.session.outside_dates_message(day=self.day, title=self.title) if self.session_id else None
        if problem:
            raise ValidationError({"day": problem})


class ItemRole(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MODERATOR = "moderator", _("Moderator")
        KEYNOTE = "keynote", _("Keynote speaker")
        PANELIST = "panelist", _("Panelist")
        SPEAKER = "speaker", _("Speaker")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="item_roles")
    role = models.CharField(max_length=12, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "person", "role"], name="item_role_once")]

    def __str__(self):
        return f"{self.get_role_display()}: {self.person}"


def session_document_path(instance, filename):
    # Public, served by this name: always .pdf (the content is checked as a PDF), never the uploaded extension. A PDF
    # carrying markup after its first kilobyte, named .html, would otherwise be served as a page of the portal.
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "document"
    return f"sessions/{instance.session.slug}/{stem}.pdf"


class SessionDocument(models.Model):
    class Kind(models.TextChoices):
        PROCEDURAL_NOTE = "procedural_note", _("Procedural note")
        ISSUE_BRIEF = "issue_brief", _("Issue brief")
        CONCEPT_NOTE = "concept_note", _("Concept note")
        PROGRAMME = "programme", _("Programme")

    session = models.ForeignKey(ThematicSession, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    file = models.FileField(upload_to=session_document_path)

    class Meta:
        ordering = ["kind", "language", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind", "language"], name="document_one_per_kind_and_language"),
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"
