"""Accounts: sign-up by e-mail with verification, one login door for the admin, TOTP for staff, rate limits."""

import re
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from outbox.models import OutgoingMail


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/[a-z-]+/accounts/confirm-email/\S+/)", message.body).group(1)


def test_sign_up_needs_the_email_confirmed_and_the_username_is_the_address(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the outbox's task runs after the commit
        response = client.post(
            reverse("account_signup"),
            {
                "email": "Focal.Point@Mission.example.org",
                "password1": "a-long-pass-phrase-2017",
                "password2": "a-long-pass-phrase-2017",
            },
        )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = get_user_model().objects.get()
    assert (user.username, user.email) == ("focal.point@mission.example.org", "focal.point@mission.example.org")
    assert client.get(reverse("registrations:home")).status_code == 302  # not signed in before confirming

    # The confirmation went through the outbox, as every mail of the portal: a row, sent by its task.
    (message,) = mailoutbox
    assert list(OutgoingMail.objects.values_list("kind", "to", "status", "subject", "message_id")) == [
        ("account", [user.email], "sent", message.subject, message.extra_headers["Message-ID"])
    ]
    response = client.post(confirmation_link(message))
    assert response.status_code == 302
    assert response.url == reverse("registrations:home")
    page = client.get(reverse("registrations:home")).content.decode()
    assert "not yet linked to a Permanent Mission" in page


def test_the_admin_login_is_allauths(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_a_signed_in_user_who_is_not_staff_is_refused_by_the_admin_login(client, focal_mex):
    client.force_login(focal_mex)
    assert client.get(reverse("admin:login")).status_code == 403


def test_staff_sign_in_lands_in_the_admin(client, secretariat_user):
    from allauth.account.models import EmailAddress

    secretariat_user.set_password("a-long-pass-phrase-2017")
    secretariat_user.save()
    EmailAddress.objects.create(user=secretariat_user, email=secretariat_user.email, verified=True, primary=True)
    response = client.post(
        reverse("account_login"), {"login": secretariat_user.email, "password": "a-long-pass-phrase-2017"}
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_staff_without_totp_are_sent_to_set_it_up_when_required(client, secretariat_user, settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    client.force_login(secretariat_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    Authenticator.objects.create(user=secretariat_user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(reverse("admin:index")).status_code == 200
    settings.STAFF_REQUIRE_TWO_FACTOR = False


def test_the_authenticator_apps_qr_code_is_drawn_by_segno():
    from registrations.accounts import MFAAdapter

    svg = MFAAdapter().build_totp_svg("otpauth://totp/Compact%20Portal:sec%40example.org?secret=JBSWY3DPEHPK3PXP")
    assert svg.startswith("<svg") and "<path" in svg
    assert "<title>QR code for your authenticator app</title>" in svg


@pytest.fixture
def empty_cache(settings):
    """A cache of this test's own: the counts neither come from nor go to other tests (nor a shared Redis)."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rate-limit-test"}
    }
    cache.clear()
    return cache


def test_failed_logins_are_rate_limited_in_the_cache(client, focal_mex, empty_cache):
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": focal_mex.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": focal_mex.email, "password": "wrong"})
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_check_reports_no_issue():
    out, err = StringIO(), StringIO()
    call_command("check", stdout=out, stderr=err)
    assert out.getvalue().strip() == "System check identified no issues (0 silenced)."
    assert err.getvalue() == ""


def _verified(user, password):
    from allauth.account.models import EmailAddress

    user.set_password(password)
    user.save()
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def _login(client, email, password, *, forwarded_for):
    # As the reverse proxy at 10.0.0.1 passes the request on: the client's address last in X-Forwarded-For.
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_one_proxy_failures_from_one_client_do_not_lock_out_the_others(client, focal_mex, empty_cache, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    _verified(focal_mex, "a-long-pass-phrase-2017")
    for number in range(12):
        _login(client, f"nobody{number}@example.org", "wrong", forwarded_for="203.0.113.9")
    locked = _login(client, "nobody@example.org", "wrong", forwarded_for="203.0.113.9")
    assert "Too many failed login attempts" in locked.content.decode()

    response = _login(client, focal_mex.email, "a-long-pass-phrase-2017", forwarded_for="198.51.100.7")
    assert response.status_code == 302


def test_a_forged_x_forwarded_for_does_not_escape_the_limit(client, db, empty_cache, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for number in range(12):
        # The client writes its own first entry; the proxy appends the real address, which is the one counted.
        _login(client, f"nobody{number}@example.org", "wrong", forwarded_for=f"192.0.2.{number}, 203.0.113.9")
    locked = _login(client, "nobody@example.org", "wrong", forwarded_for="192.0.2.99, 203.0.113.9")
    assert "Too many failed login attempts" in locked.content.decode()


def test_behind_a_proxy_an_account_is_still_locked_after_5_failures_from_any_addresses(
    client, focal_mex, empty_cache, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    _verified(focal_mex, "a-long-pass-phrase-2017")
    for number in range(5):
        _login(client, focal_mex.email, "wrong", forwarded_for=f"203.0.113.{number}")
    response = _login(client, focal_mex.email, "a-long-pass-phrase-2017", forwarded_for="198.51.100.7")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
