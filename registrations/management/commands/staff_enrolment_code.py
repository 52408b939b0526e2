"""Issue a staff account's enrolment code: it lets that account set up its second factor (registrations.enrolment)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registrations.enrolment import issue_enrolment_code


class Command(BaseCommand):
    help = (
        "Print a single-use enrolment code for a staff account's authenticator set-up; give it to the person out "
        "of band (in person, by telephone). Earlier unused codes of the account stop working."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the staff account's e-mail address")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email}.")
        if not user.is_staff:
            raise CommandError(f"{user.email} is not a staff account: only staff need an enrolment code.")
        code = issue_enrolment_code(user=user)
        self.stdout.write(code)
        self.stderr.write(
            f"Enrolment code for {user.email}: valid once, for the next hours set by STAFF_ENROLMENT_CODE_HOURS."
        )
