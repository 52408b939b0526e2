"""Reference data: regional groups, States and their Permanent Missions."""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from sessions.models import Translatable


class RegionalGroup(models.Model):
    """One of the five regional groups of Member States used for elections."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    short_name = models.CharField(max_length=20, blank=True, help_text="e.g. GRULAC, WEOG.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class State(models.Model):
    class Membership(models.TextChoices):
        MEMBER = "member", _("Member State")
        OBSERVER = "observer", _("Non-member Observer State")

    iso3 = models.CharField("ISO 3166 alpha-3", max_length=3, unique=True)
    iso2 = models.CharField("ISO 3166 alpha-2", max_length=2, unique=True)
    name_en = models.CharField("short name (English)", max_length=100, unique=True)
    name_fr = models.CharField("short name (French)", max_length=100)
    # The other official languages, from CLDR with UN short names where they differ (scripts/state_names.py).
    name_ar = models.CharField("short name (Arabic)", max_length=100, blank=True)
    name_zh = models.CharField("short name (Chinese)", max_length=100, blank=True)
    name_ru = models.CharField("short name (Russian)", max_length=100, blank=True)
    name_es = models.CharField("short name (Spanish)", max_length=100, blank=True)
    membership = models.CharField(max_length=10, choices=Membership.choices, db_index=True)
    regional_group = models.ForeignKey(
        RegionalGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="states",
        help_text="Group for elections; Observer States have none.",
    )
    admitted = models.DateField(null=True, blank=True, help_text="Admission to the UN, or observer status since.")

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(membership="observer") | models.Q(regional_group__isnull=False),
                name="member_state_has_regional_group",
            ),
        ]

    def __str__(self):
        return self.name_en

    def name(self, language: str = "en") -> str:
        """The short name in `language` (a Django language code: "fr", "zh-hans"), or in English."""
        code = (language or "en").lower().replace("_", "-").split("-")[0]
        if code in {"fr", "ar", "zh", "ru", "es"}:
            return getattr(self, f"name_{code}") or self.name_en
        return self.name_en

    def alphabetical_key(self, language: str = "en") -> str:
        """Where the name in `language` falls in that language's alphabetical list."""
        return alphabetical_key(self.name(language))


def alphabetical_key(name: str) -> str:
    """A key that files a name as a reader of Latin script expects: "Égypte" with the E's (not after "Zimbabwe"),
    "Libéria" before "Libye". Accents are dropped from Latin letters only: Russian "Й" stays a letter of its own."""
    letters = []
    for character in unicodedata.normalize("NFD", name):
        if unicodedata.combining(character) and letters and unicodedata.name(letters[-1], "").startswith("LATIN"):
            continue
        letters.append(character)
    return unicodedata.normalize("NFC", "".join(letters)).casefold()


def validate_email_lines(value: str) -> None:
    for line_number, address in enumerate(value.splitlines(), start=1):
        address = address.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError as error:
            raise ValidationError(f"Line {line_number}: {address!r} is not an e-mail address.") from error


class PermanentMission(Translatable):
    """A State's mission at a duty station. Its name in the other official languages is in `translations`
    ({"fr": {"name": "Mission permanente de la France auprès de l'Organisation des Nations Unies"}}): letters name
    the mission in their own language, and in English where none is given (data/mission_names.csv fills them)."""

    TRANSLATED_FIELDS = ("name",)

    class DutyStation(models.TextChoices):
        NEW_YORK = "new_york", _("New York")
        GENEVA = "geneva", _("Geneva")
        VIENNA = "vienna", _("Vienna")

    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="missions")
    duty_station = models.CharField(max_length=10, choices=DutyStation.choices, default=DutyStation.NEW_YORK)
    name = models.CharField(max_length=200, help_text="e.g. Permanent Mission of Mexico to the United Nations.")
    head_honorific = models.CharField(max_length=40, blank=True, help_text="e.g. H.E. Mr.")
    head_name = models.CharField(max_length=200, blank=True)
    head_title = models.CharField(max_length=200, blank=True, help_text="e.g. Ambassador and Permanent Representative.")
    emails = models.TextField(blank=True, validators=[validate_email_lines], help_text="One address per line.")
    correspondence_language = models.CharField(
        "language of correspondence",
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The official language letters are sent to this mission in, where the letter has a version in it.",
    )
    translations = models.JSONField(
        default=dict, blank=True, help_text="The mission's name in the other official languages; English where none."
    )

    class Meta:
        ordering = ["state__name_en", "duty_station"]
        constraints = [
            models.UniqueConstraint(fields=["state", "duty_station"], name="mission_one_per_state_and_duty_station"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_duty_station_display()})"

    def name_in(self, language: str) -> tuple[str, str]:
        """The mission's name in `language` and the language it is in: ("Mission permanente de la France…", "fr"),
        or the English name and "en" where no name is given in `language`."""
        name = ((self.translations or {}).get(language.lower()) or {}).get("name", "")
        return (name, language) if name else (self.name, "en")

    @property
    def email_list(self) -> list[str]:
        return [line.strip() for line in self.emails.splitlines() if line.strip()]
