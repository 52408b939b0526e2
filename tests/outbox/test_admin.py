"""The outgoing-mail list as the secretariat reads it: each mail's fate before its subject, kinds in words."""

import re

from django.core.mail import EmailMessage
from django.urls import reverse

from outbox import sending


def test_the_list_shows_each_mails_fate_first_and_its_kinds_in_words(client, secretariat_user, db):
    for kind in ("dialogue-application", "letter"):
        sending.mail_queue(
            EmailMessage(subject=f"About a {kind}", body="…", to=["pm.mex@missions.example.org"]), kind=kind
        )
    client.force_login(secretariat_user)
    page = client.get(reverse("admin:outbox_outgoingmail_changelist")).content.decode()
    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert (
        columns.index("status") < columns.index("recipients") < columns.index("last_error") < columns.index("subject")
    )
    assert ">Dialogue application</a>" in page and ">dialogue-application</a>" not in page
    assert '<td class="field-kind_shown">Dialogue application</td>' in page
    filtered = client.get(reverse("admin:outbox_outgoingmail_changelist") + "?kind=letter").content.decode()
    assert "About a letter" in filtered and "About a dialogue-application" not in filtered
