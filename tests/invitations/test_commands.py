"""The operators' commands: render_invitation and send_invitations (with a real worker for --wait)."""

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from compact_portal import config
from invitations.demo import demo_letters_load
from invitations.models import Dispatch
from outbox import sending
from registrations.demo import demo_missions_load


@pytest.fixture
def demo_letters(reference_data, demo_session):
    demo_missions_load()
    return demo_letters_load(session=demo_session)


@pytest.fixture
def served_on_8131(monkeypatch, settings):
    """The command runs where `make run` runs it: with PORT in its environment."""
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "8131")
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8131"


@pytest.fixture
def shell_without_port(monkeypatch, settings, tmp_path):
    """A shell of its own: neither PORTAL_BASE_URL nor PORT set; settings read as settings.py reads them."""
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.setattr(config, "BASE_URL_RECORD", tmp_path / "var" / "portal-base-url")
    settings.PORTAL_BASE_URL = config.portal_base_url()
    return settings


@pytest.mark.django_db
def test_render_invitation_writes_the_pdf_a_mission_receives(demo_letters, tmp_path, capsys):
    output = tmp_path / "letter.pdf"
    call_command("render_invitation", "gcm-its-6", "--recipient", "mex", "--language", "fr", "-o", str(output))
    assert output.read_bytes().startswith(b"%PDF-")
    assert capsys.readouterr().out.startswith(f"{output}: ITS6 invitation (fr) for Permanent Mission of Mexico")


@pytest.mark.django_db
def test_render_invitation_for_france_in_french_is_one_page_with_the_french_title(demo_letters, tmp_path):
    output = tmp_path / "letter.pdf"
    call_command("render_invitation", "gcm-its-6", "--recipient", "FRA", "--language", "fr", "-o", str(output))
    reader = PdfReader(output)
    text = " ".join(reader.pages[0].extract_text().replace("-\n", "").split())
    assert len(reader.pages) == 1
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "Migration irrégulière et voies de migration régulière" in text
    assert "Irregular migration" not in text


@pytest.mark.django_db
def test_render_invitation_picks_the_missions_language_of_correspondence(demo_letters, tmp_path, capsys):
    for iso3, language in [("FRA", "fr"), ("MEX", "es"), ("DEU", "en")]:
        output = tmp_path / f"{iso3}.pdf"
        call_command("render_invitation", "gcm-its-6", "--recipient", iso3, "-o", str(output))
        assert PdfReader(output).trailer["/Root"]["/Lang"] == language
        assert f"ITS6 invitation ({language})" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["gcm-its-6", "--recipient", "XXX"], "no New York mission for the State with ISO code 'XXX'"),
        (["gcm-its-6", "--recipient", "MEX", "--language", "ru"], "session 'gcm-its-6' has no invitation letter"),
        (["no-such-session", "--recipient", "MEX"], "session 'no-such-session' has no invitation letter"),
    ],
)
def test_render_invitation_says_what_is_missing(demo_letters, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("render_invitation", *arguments, "-o", str(tmp_path / "x.pdf"))


@pytest.mark.celery_worker
@pytest.mark.timeout(300)
def test_send_invitations_waits_until_every_delivery_ended(
    transactional_db, demo_letters, smtp_server, celery_worker, capsys, served_on_8131
):
    call_command("send_invitations", "gcm-its-6", "--audience", "observer-states", "--wait", "--timeout", "120")
    out = capsys.readouterr().out
    dispatch = Dispatch.objects.get()
    assert out.splitlines()[0] == (
        f"Dispatch {dispatch.pk}: ITS6 invitation (en) to the observer states' missions: 2 to send, 0 already had it."
    )
    assert "[" + "#" * 30 + "] 2/2 sent, 0 failed, 0 pending" in out
    assert out.splitlines()[-1].endswith(": 2 sent, 0 failed.")
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "pm.pse@missions.example.org",
        "pm.vat@missions.example.org",
    ]

    # Again: both missions have the letter already, nothing is sent twice.
    call_command("send_invitations", "gcm-its-6", "--audience", "all", "--wait", "--timeout", "300")
    assert "193 to send, 2 already had it." in capsys.readouterr().out
    assert len(smtp_server.messages) == 195


@pytest.mark.celery_worker
@pytest.mark.timeout(120)
def test_send_invitations_wait_exits_1_when_a_delivery_failed(
    transactional_db, demo_letters, smtp_server, celery_worker, capsys, served_on_8131
):
    smtp_server.replies["pm.vat@missions.example.org"] = ["550 5.1.1 No such mailbox"]
    with pytest.raises(SystemExit) as exit_:
        call_command("send_invitations", "gcm-its-6", "--audience", "observer-states", "--wait", "--timeout", "60")
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert "1 sent, 1 failed." in captured.out
    assert (
        "failed: Permanent Observer Mission of the Holy See to the United Nations <pm.vat@missions.example.org>: "
        in (captured.err)
    )
    assert "550 5.1.1 No such mailbox" in captured.err


@pytest.mark.django_db
def test_send_invitations_wait_tells_a_missing_worker_from_a_stalled_dispatch(demo_letters, settings, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from invitations import dispatch as dispatching
    from invitations.management.commands.send_invitations import stall_message
    from outbox import sending
    from outbox.models import OutgoingMail, WorkerHeartbeat

    settings.WORKER_DEAD_AFTER_SECONDS = 30
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids, **queue: len(ids))
    dispatch = dispatching.dispatch_create(letter=demo_letters[0], audience="observer-states", by=None)
    now = timezone.now()
    assert stall_message(dispatch, seconds=30, now=now) == (
        "No progress for 30 s and no Celery worker is running (no worker heartbeat in the last 30 s): "
        "start one (make run does)."
    )
    WorkerHeartbeat.objects.create(name="worker-2.example.org:4242", started_at=now, beat_at=now)
    due = now + timedelta(minutes=5)
    OutgoingMail.objects.filter(delivery__dispatch=dispatch, delivery__recipient_code="VAT").update(
        status="retrying", next_attempt_at=due
    )
    assert stall_message(dispatch, seconds=30, now=now) == (
        "No progress for 30 s, but 1 worker process is running (worker-2.example.org:4242): the dispatch is "
        f"stalled (1 queued, 1 retrying; the next retry is due at {timezone.localtime(due):%H:%M:%S}). "
        "Busy with other work, or the broker lost its messages (the sweeper re-queues them)."
    )


@pytest.mark.django_db
def test_send_invitations_from_a_shell_without_port_refuses_to_guess_the_links_address(
    demo_letters, shell_without_port
):
    with pytest.raises(CommandError) as refused:
        call_command("send_invitations", "gcm-its-6", "--audience", "observer-states")
    assert str(refused.value) == (
        "The letters' links need the portal's address, and nothing says it: set PORTAL_BASE_URL (e.g. "
        "PORTAL_BASE_URL=https://portal.example.org), or PORT when the portal runs on this machine (`make run` "
        f"records its address in {config.BASE_URL_RECORD})."
    )
    assert not Dispatch.objects.exists()


@pytest.mark.django_db
def test_send_invitations_from_a_shell_without_port_links_to_the_address_make_run_recorded(
    demo_letters, shell_without_port, monkeypatch, capsys
):
    monkeypatch.setenv("PORT", "8131")  # `make run`, on port 8131, records where it serves
    call_command("portal_base_url", "--record")
    assert capsys.readouterr().out == f"http://127.0.0.1:8131 (from PORT, recorded in {config.BASE_URL_RECORD})\n"
    monkeypatch.delenv("PORT")  # then, in another shell
    shell_without_port.PORTAL_BASE_URL = config.portal_base_url()
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids, **queue: len(ids))
    call_command("send_invitations", "gcm-its-6", "--audience", "observer-states")
    deliveries = Dispatch.objects.get().deliveries.order_by("recipient_code")
    links = [delivery.values["registration_url"].rsplit("/", 3)[0] for delivery in deliveries]
    assert links == ["http://127.0.0.1:8131/ar/delegation", "http://127.0.0.1:8131/en/delegation"]
