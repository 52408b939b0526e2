from email import message_from_bytes

from django.core.mail import EmailMessage

from compact_portal.mail import EmlFileBackend


def test_each_message_becomes_one_eml_file_a_mail_client_can_read(tmp_path):
    backend = EmlFileBackend(file_path=tmp_path)
    messages = [EmailMessage("Invitation", "Excellency,", "from@example.org", [f"pm{i}@example.org"]) for i in range(3)]
    messages[0].attach("letter.pdf", b"%PDF-1.7 test", "application/pdf")
    assert backend.send_messages(messages) == 3
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 3
    parsed = message_from_bytes(files[0].read_bytes())
    assert (parsed["Subject"], parsed["To"]) == ("Invitation", "pm0@example.org")
    attachment = next(part for part in parsed.walk() if part.get_filename())
    assert (attachment.get_filename(), attachment.get_payload(decode=True)) == ("letter.pdf", b"%PDF-1.7 test")
    assert list(tmp_path.glob(".*.tmp")) == []


def test_a_message_without_recipients_is_not_written(tmp_path):
    assert EmlFileBackend(file_path=tmp_path).send_messages([EmailMessage("x", "y", "a@example.org", [])]) == 0
    assert list(tmp_path.iterdir()) == []
