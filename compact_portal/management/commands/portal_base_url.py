from django.core.management.base import BaseCommand, CommandError

from compact_portal import config


class Command(BaseCommand):
    help = (
        "Prints the portal's address that links in e-mails and letters use, and where it was read (PORTAL_BASE_URL, "
        "PORT, or what the running portal recorded). With --record (`make run` does it), records it under VAR_DIR for "
        "commands run later from another shell without PORT."
    )

    def add_arguments(self, parser):
        parser.add_argument("--record", action="store_true", help="Record it for commands run without PORT.")

    def handle(self, *args, record, **options):
        try:
            url = config.require_portal_base_url()
        except config.ConfigError as error:
            raise CommandError(str(error)) from error
        _url, source = config.portal_base_url_known()
        if record and source != str(config.BASE_URL_RECORD):
            config.BASE_URL_RECORD.parent.mkdir(parents=True, exist_ok=True)
            config.BASE_URL_RECORD.write_text(url + "\n")
            source += f", recorded in {config.BASE_URL_RECORD}"
        self.stdout.write(f"{url} (from {source})")
