from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compact_portal import demo_accounts
from invitations.demo import demo_letters_load
from invitations.demo_scale import COP, scale_demo_load
from registrations.demo import DEMO_SESSION, demo_missions_load, demo_registrations_load
from registrations.models import DelegationRegistration
from registrations.reference import reference_data_load
from sessions.demo import demo_sessions_load
from sessions.public_cache import public_pages_changed


class Command(BaseCommand):
    help = (
        "Loads the demo: UN reference data, the GCM process with its six 2017 informal thematic sessions, the sixth "
        "session's programme and, in the embedded DEBUG default only, demo accounts. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument("--no-accounts", action="store_true", help="Load the data without demo accounts.")
        parser.add_argument(
            "--scale",
            choices=["cop"],
            help="Also load a COP-sized session (cop-scale): 198 delegations, 100,000 members, 5,000 organizations, "
            "5,000 dialogue applications, a 20,000-address recipients CSV and a sent 20,000-delivery dispatch. "
            "Takes a few minutes, once.",
        )

    def handle(self, *args, print_logins=False, no_accounts=False, scale=None, **options):
        if print_logins:
            self._print_logins()
            return
        if not settings.DEBUG and not no_accounts:
            raise CommandError(
                "demo accounts have a published password and are refused with DJANGO_DEBUG=0; "
                "use --no-accounts to load only the data"
            )
        counts = reference_data_load()
        addresses = demo_missions_load()
        session = demo_sessions_load()
        letters = demo_letters_load(session=session)
        self.stdout.write(
            f"Reference data: {counts['states']} States and {counts['missions']} missions added, "
            f"{addresses} demo addresses filled in. "
            f"Sessions: {session.process.sessions.count()} ({session.slug} is the seed letter's). "
            f"Letters: {', '.join(str(letter) for letter in letters)}."
        )
        if not no_accounts:
            demo_accounts.demo_accounts_load()
            self.stdout.write(f"Demo accounts: {len(demo_accounts.DEMO_ACCOUNTS)}.")
            delegates = demo_registrations_load()
            self.stdout.write(
                f"Delegates: Mexico's focal point named; {DEMO_SESSION} takes registrations until "
                f"{delegates['deadline']:%d %B %Y %H:%M %Z}; {delegates['speakers_lists']} speakers lists opened; "
                f"{delegates['delegations']} delegations registered by the demo's focal points."
            )
            if delegates["delegations"] == 0 and not DelegationRegistration.objects.exists():
                self.stdout.write(
                    "No demo delegations: the demo secretariat has not set up its second factor "
                    "(STAFF_REQUIRE_TWO_FACTOR); run `manage.py demo` again once it has."
                )
        if scale == "cop":
            self.stdout.write(str(scale_demo_load(scale=COP)))
        # Web processes already running read the sessions' rows from the shared cache: they show the demo at once.
        public_pages_changed()

    def _print_logins(self):
        if not settings.DEBUG:
            return
        self.stdout.write(f"Demo logins (password for all: {demo_accounts.DEMO_PASSWORD}):")
        for account in demo_accounts.DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:<28} {account.role}")
