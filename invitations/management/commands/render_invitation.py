from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from invitations import rendering
from invitations.models import Letter
from invitations.selectors import letter_for
from registrations.models import PermanentMission


class Command(BaseCommand):
    help = "Renders a session's letter for one mission as a PDF file, as the mission would receive it."

    def add_arguments(self, parser):
        parser.add_argument("session_slug", help="e.g. gcm-its-6")
        parser.add_argument("--recipient", required=True, metavar="ISO3", help="The State whose mission receives it.")
        parser.add_argument(
            "--language",
            help="The version to render (default: the mission's language of correspondence, or the letter's main "
            "language where it has no version in it, as a dispatch would send it).",
        )
        parser.add_argument("--kind", default=Letter.Kind.INVITATION, choices=Letter.Kind.values)
        parser.add_argument("-o", "--output", required=True, type=Path, help="The PDF file to write.")

    def handle(self, *args, session_slug, recipient, language, kind, output, **options):
        try:
            letter = letter_for(session_slug=session_slug, kind=kind, language=language)
        except Letter.DoesNotExist as error:
            raise CommandError(str(error)) from error
        mission = (
            PermanentMission.objects.filter(state__iso3=recipient.upper(), duty_station="new_york")
            .select_related("state")
            .first()
        )
        if mission is None:
            raise CommandError(f"no New York mission for the State with ISO code {recipient!r}")
        language = letter.language_for(language or mission.correspondence_language)
        rendered = rendering.letter_rendered(
            letter, values=rendering.mission_values(mission, language=language), language=language
        )
        output.write_bytes(rendered.pdf)
        pages = f"{rendered.page_count} page{'s' if rendered.page_count != 1 else ''}"
        self.stdout.write(
            f"{output}: {letter.session.code} {letter.kind} ({language}) for {mission.name}, {pages}, "
            f"{len(rendered.pdf):,} bytes"
        )
