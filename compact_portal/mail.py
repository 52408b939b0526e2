"""The embedded default's e-mail backend: one .eml file per message under EMAIL_FILE_PATH (var/outbox/)."""

import re
import threading
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class EmlFileBackend(BaseEmailBackend):
    """Writes each message as it would travel, so any mail client can open it (Django's own writes .log files)."""

    _lock = threading.Lock()
    _counter = 0

    def __init__(self, *, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            mime = message.message()
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            with self._lock:
                EmlFileBackend._counter += 1
                serial = EmlFileBackend._counter
            message_id = re.sub(r"[^A-Za-z0-9.@_-]", "", str(mime.get("Message-ID", "")))[:80]
            name = f"{stamp}-{serial:05d}-{message_id or 'message'}.eml"
            temporary = self.directory / f".{name}.tmp"
            temporary.write_bytes(mime.as_bytes(linesep="\r\n"))
            temporary.rename(self.directory / name)  # readers never see half a message
            sent += 1
        return sent


def normalise_address(address: str) -> str:
    """The one form an e-mail address is stored and compared in: trimmed and lower-cased. Mail servers treat the
    domain without regard to case and, in practice, the local part too; `PM.MEX@…` and `pm.mex@…` are one mailbox."""
    return address.strip().lower()
