"""How allauth fits the portal: usernames are e-mail addresses, staff land in the admin, QR codes by segno."""

import segno
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email, user_username
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.auth import get_user_model
from django.shortcuts import resolve_url


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

    def get_login_redirect_url(self, request) -> str:
        if request.user.is_staff:
            return resolve_url("admin:index")
        return super().get_login_redirect_url(request)


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The authenticator app's QR code, drawn by segno (already used for badges) instead of qrcode."""
        return segno.make(url, error="m").svg_inline(scale=4, title="QR code for your authenticator app")
