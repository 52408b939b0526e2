"""Checks the audit trail's hash chain: "N entries, chain intact", or the first entry altered or missing (exit 1)."""

from django.core.management.base import BaseCommand, CommandError

from audit.trail import verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit 1 naming the first altered or missing entry."

    def handle(self, *args, **options):
        verdict = verify()
        if not verdict.intact:
            raise CommandError(str(verdict), returncode=1)
        self.stdout.write(str(verdict))
