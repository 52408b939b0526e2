"""Enrolment codes: a staff password alone cannot set up the staff's second factor (security review, finding 1)."""

from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from registrations.enrolment import issue_enrolment_code, needs_enrolment_code, redeem_enrolment_code
from registrations.models import StaffEnrolmentCode

PASSWORD = "a-long-pass-phrase-2017"
ACTIVATE = reverse("mfa_activate_totp")


@pytest.fixture
def two_factor_required(settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    settings.MFA_TOTP_TOLERANCE = 1  # the authenticator's code stays good across a 30 s step boundary


def _signed_in_with_password(client, user):
    """As whoever learnt the password: a real sign-in, which sends a staff account to the authenticator set-up."""
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True)
    # allauth asks for the password again before any change to the second factor: the password holder has it.
    reauthenticate = response.redirect_chain[-1][0]
    assert reauthenticate == reverse("account_reauthenticate") + "?next=%2Fen%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    response = client.post(reauthenticate, {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == ACTIVATE
    return response


def _authenticator_code(response) -> str:
    """What the authenticator app shows once the page's secret is scanned."""
    secret = response.context["form"].secret
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def test_a_staff_password_alone_cannot_enrol_an_authenticator(client, secretariat_user, two_factor_required):
    page = _signed_in_with_password(client, secretariat_user)
    assert "enrolment_code" in page.context["form"].fields
    assert "If you do not have one, ask the secretariat or an administrator" in page.content.decode()

    without_code = client.post(ACTIVATE, {"code": _authenticator_code(page)})
    assert without_code.status_code == 200
    assert without_code.context["form"].errors == {"enrolment_code": ["This field is required."]}

    guessed = client.post(ACTIVATE, {"code": _authenticator_code(page), "enrolment_code": "ABCD-EFGH-JKLM"})
    assert guessed.context["form"].errors == {
        "enrolment_code": ["This enrolment code is not valid: it is wrong, already used or expired."]
    }
    assert not Authenticator.objects.filter(user=secretariat_user).exists()
    assert client.get(reverse("admin:index")).url == ACTIVATE


def test_a_code_issued_out_of_band_lets_the_staff_enrol_once(client, secretariat_user, two_factor_required):
    out = StringIO()
    call_command("staff_enrolment_code", "SEC@example.org", stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    page = _signed_in_with_password(client, secretariat_user)

    mistyped = client.post(ACTIVATE, {"code": "000000", "enrolment_code": code})
    assert mistyped.status_code == 200
    assert StaffEnrolmentCode.objects.get(user=secretariat_user).used_at is None  # a wrong app code spends nothing

    response = client.post(ACTIVATE, {"code": _authenticator_code(page), "enrolment_code": code.lower()})
    assert response.status_code == 302
    assert list(
        Authenticator.objects.filter(user=secretariat_user).values_list("type", flat=True).order_by("type")
    ) == [
        Authenticator.Type.RECOVERY_CODES,
        Authenticator.Type.TOTP,
    ]
    assert StaffEnrolmentCode.objects.get(user=secretariat_user).used_at is not None
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_used_or_expired_code_is_refused(client, cofacilitator_user, two_factor_required):
    issued_two_days_ago = issue_enrolment_code(user=cofacilitator_user, now=timezone.now() - timedelta(hours=48))
    page = _signed_in_with_password(client, cofacilitator_user)
    expired = client.post(ACTIVATE, {"code": _authenticator_code(page), "enrolment_code": issued_two_days_ago})
    assert expired.context["form"].errors == {
        "enrolment_code": ["This enrolment code is not valid: it is wrong, already used or expired."]
    }

    first = issue_enrolment_code(user=cofacilitator_user)
    second = issue_enrolment_code(user=cofacilitator_user)  # the first one stops working
    replaced = client.post(ACTIVATE, {"code": _authenticator_code(page), "enrolment_code": first})
    assert replaced.context["form"].errors == {
        "enrolment_code": ["This enrolment code is not valid: it is wrong, already used or expired."]
    }
    assert client.post(ACTIVATE, {"code": _authenticator_code(page), "enrolment_code": second}).status_code == 302
    assert StaffEnrolmentCode.objects.filter(user=cofacilitator_user).count() == 1


def test_only_the_codes_hash_is_stored(secretariat_user):
    code = issue_enrolment_code(user=secretariat_user)
    stored = StaffEnrolmentCode.objects.get(user=secretariat_user)
    assert len(stored.code_hash) == 64 and code.replace("-", "") not in stored.code_hash


def test_no_code_is_asked_of_a_delegate_nor_when_the_second_factor_is_off(focal_mex, secretariat_user, settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    assert (needs_enrolment_code(focal_mex), needs_enrolment_code(secretariat_user)) == (False, True)
    settings.STAFF_REQUIRE_TWO_FACTOR = False  # the demo (DEBUG): staff powers do not need the second factor
    assert needs_enrolment_code(secretariat_user) is False


def test_the_command_refuses_an_account_that_is_not_staff(focal_mex):
    with pytest.raises(CommandError, match="is not a staff account"):
        call_command("staff_enrolment_code", focal_mex.email, stdout=StringIO())


def test_a_superuser_issues_codes_from_the_list_of_users_and_the_trail_records_it(
    client, django_user_model, secretariat_user, cofacilitator_user, focal_mex, two_factor_required
):
    superuser = django_user_model.objects.create_superuser("root@example.org", "root@example.org", "pw")
    Authenticator.objects.create(user=superuser, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(superuser)
    selected = [secretariat_user.pk, cofacilitator_user.pk, focal_mex.pk]
    response = client.post(
        reverse("admin:auth_user_changelist"), {"action": "issue_enrolment_codes", "_selected_action": selected}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, max-age=0, no-cache, must-revalidate, private"
    codes = dict(response.context["codes"])
    assert sorted(codes) == ["cofac@example.org", "sec@example.org"]
    assert response.context["skipped"] == ["focal.mex@example.org"]
    assert codes["sec@example.org"] in response.content.decode()
    assert sorted(
        AuditEntry.objects.filter(action="enrolment code issued").values_list("actor_id", "object_repr")
    ) == sorted([(superuser.pk, str(secretariat_user)), (superuser.pk, str(cofacilitator_user))])
    assert redeem_enrolment_code(user=secretariat_user, code=codes["sec@example.org"]) is True


def test_the_secretariat_cannot_issue_codes_for_itself(client, secretariat_user, two_factor_required):
    Authenticator.objects.create(user=secretariat_user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "issue_enrolment_codes", "_selected_action": [secretariat_user.pk]},
    )
    assert response.status_code == 403
    assert not StaffEnrolmentCode.objects.exists()
