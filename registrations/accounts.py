"""How allauth fits the portal: usernames are e-mail addresses, staff land in the admin, QR codes by segno, e-mails
in the portal's name with the secretariat's contact and signature (templates/account/email/base_message.txt)."""

from types import SimpleNamespace

import segno
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email, user_username
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import resolve_url
from django.utils.translation import gettext


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
        secretariat with its address; links keep the host and port the request came to (the served port)."""
        request = allauth_context.request
        base_url = request.build_absolute_uri("/").rstrip("/") if request is not None else settings.PORTAL_BASE_URL
        portal = {
            "current_site": SimpleNamespace(name=gettext("Compact Portal"), domain=base_url.split("://", 1)[-1]),
            "portal_url": base_url + "/",
            "contact_email": settings.SECRETARIAT_CONTACT_EMAIL,
        }
        super().send_mail(template_prefix, email, {**context, **portal})

    def format_email_subject(self, subject: str) -> str:
        return f"[{gettext('Compact Portal')}] {subject}"

    def get_login_redirect_url(self, request) -> str:
        if request.user.is_staff:
            return resolve_url("admin:index")
        return super().get_login_redirect_url(request)


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The authenticator app's QR code, drawn by segno (already used for badges) instead of qrcode."""
        return segno.make(url, error="m").svg_inline(scale=4, title="QR code for your authenticator app")
