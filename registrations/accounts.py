"""How allauth fits the portal: usernames are e-mail addresses, staff land in the admin, QR codes by segno, e-mails
in the portal's name with the secretariat's contact and signature (templates/account/email/base_message.txt)."""

import io
from types import SimpleNamespace

import segno
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email, user_username
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import resolve_url
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from outbox import sending
from outbox.models import OutgoingMail
from registrations.enrolment import needs_enrolment_code, redeem_enrolment_code


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user) -> None:
        """The username is the e-mail address (as for the demo accounts), or allauth's own if that one is taken."""
        email = (user_email(user) or "").strip().lower()
        if user_username(user):
            return
        taken = get_user_model().objects.filter(username__iexact=email).exists()
        if email and len(email) <= 150 and not taken:
            user_username(user, email)
        else:
            super().populate_username(request, user)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails name the portal, not the host ("Hello from 127.0.0.1:8131!"), and are signed by the
        secretariat with its address; links keep the host and port the request came to (the served port).

        Rendered here, in the language of the request, then stored in the outbox and sent by the worker like every
        other mail of the portal: retried on 4xx, failed with the server's reply on 5xx, listed (and sent again)
        in the outgoing-mail admin."""
        request = allauth_context.request
        base_url = request.build_absolute_uri("/").rstrip("/") if request is not None else settings.PORTAL_BASE_URL
        portal = {
            "current_site": SimpleNamespace(name=gettext("Compact Portal"), domain=base_url.split("://", 1)[-1]),
            "portal_url": base_url + "/",
            "contact_email": settings.SECRETARIAT_CONTACT_EMAIL,
        }
        message = self.render_mail(template_prefix, email, {"request": request, "email": email, **context, **portal})
        sending.mail_queue(message, kind=OutgoingMail.KIND_ACCOUNT)

    def format_email_subject(self, subject: str) -> str:
        return f"[{gettext('Compact Portal')}] {subject}"

    def get_login_redirect_url(self, request) -> str:
        if request.user.is_staff:
            return resolve_url("admin:index")
        return super().get_login_redirect_url(request)


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The authenticator app's QR code, drawn by segno (already used for badges) instead of qrcode. allauth shows
        it as an image (a data: URI), so it is a standalone SVG with its namespace: without it the browser draws
        nothing and shows the image's alternative text (the secret) where the code should be."""
        out = io.BytesIO()
        segno.make(url, error="m").save(
            out, kind="svg", xmldecl=False, nl=False, scale=4, title="QR code for your authenticator app"
        )
        return out.getvalue().decode()


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    """allauth's authenticator set-up, plus, for staff, the enrolment code they were given out of band (see
    registrations.enrolment): the password alone does not let anyone enrol an authenticator for a staff account."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if needs_enrolment_code(self.user):
            self.fields["enrolment_code"] = forms.CharField(
                label=pgettext_lazy("two-factor set-up", "Enrolment code"),
                max_length=32,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                help_text=gettext_lazy(
                    "Staff accounts need an enrolment code to set up their authenticator app. If you do not have "
                    "one, ask the secretariat or an administrator: they will give it to you in person or by "
                    "telephone, never by e-mail."
                ),
            )

    def clean(self):
        cleaned_data = super().clean()
        # Spent only when everything else is right, so a mistyped authenticator code does not burn it.
        spendable = "enrolment_code" in self.fields and not self.errors
        if spendable and not redeem_enrolment_code(user=self.user, code=cleaned_data.get("enrolment_code", "")):
            self.add_error(
                "enrolment_code",
                gettext_lazy("This enrolment code is not valid: it is wrong, already used or expired."),
            )
        return cleaned_data
