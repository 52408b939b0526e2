"""The embedded default's broker: kombu's filesystem transport, with messages that appear whole or not at all.

Kombu's writer creates the message file under its final name and then writes into it; its reader (which takes no
lock) lists the folder, moves the oldest file away and parses it. When the worker keeps up with the producers, the
newest file is often the only one, and the reader takes it while it is still empty or half written: JSONDecodeError,
an "Unrecoverable error" that stops the worker (issue 10). The same reader moves claimed files to the system's
temporary folder, which is a copy (two readers may both get a message) when that folder is on another filesystem.

Here a message is written to a hidden temporary name and renamed into place (``os.replace`` is atomic within a
folder), so a reader never sees a partial file; a reader claims a file with an atomic rename inside the same folder;
and a file that still cannot be parsed (left by another writer) is set aside with an error in the log instead of
stopping the worker. The exchange tables in the control folder are written under their lock without truncating
them first. Registered by ``CELERY_BROKER_TRANSPORT`` in settings.py.
"""

import contextlib
import logging
import os
import uuid
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

# Names that kombu's own listing ignores (it wants "<stamp>_<uuid>.<queue>.msg"): a hidden prefix and a suffix.
WRITING_SUFFIX = ".writing"
CLAIMED_SUFFIX = ".claimed"
REJECTED_SUFFIX = ".rejected"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        temporary = os.path.join(self.data_folder_out, f".{name}{WRITING_SUFFIX}")
        data = str_to_bytes(dumps(payload))
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(descriptor, view) :]
            finally:
                os.close(descriptor)
            os.replace(temporary, final)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise ChannelError(f"Cannot add file {final!r} to directory") from error

    def _get(self, queue):
        wanted = f"{queue}.msg"
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.startswith(".") or name.partition(".")[2] != wanted:
                continue
            source = os.path.join(self.data_folder_in, name)
            claimed = os.path.join(self.data_folder_in, f".{name}.{os.getpid()}{CLAIMED_SUFFIX}")
            try:
                os.rename(source, claimed)  # atomic: of two readers, one gets the file, the other an error
            except OSError:
                continue
            try:
                with open(claimed, "rb") as file:
                    data = file.read()
                message = loads(bytes_to_str(data))
            except OSError as error:
                raise ChannelError(f"Cannot read file {claimed!r} from queue.") from error
            except ValueError:
                rejected = os.path.join(self.data_folder_in, f".{name}{REJECTED_SUFFIX}")
                os.replace(claimed, rejected)
                logger.error("Broker message %s is not JSON (%d bytes): set aside as %s", name, len(data), rejected)
                continue
            if self.store_processed:
                os.replace(claimed, os.path.join(self.processed_folder, name))
            else:
                os.unlink(claimed)
            return message
        raise Empty()

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        # Kombu opens a new table with "wb", which empties it before taking the lock, so a reader holding the shared
        # lock could read nothing. Here the table is only ever changed under the exclusive lock.
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        try:
            with open(os.open(file, os.O_RDWR | os.O_CREAT, 0o600), "r+b", buffering=0) as table:
                filesystem.lock(table, filesystem.LOCK_EX)
                try:
                    content = table.read()
                    rows = loads(bytes_to_str(content)) if content else []
                    bindings = [filesystem.exchange_queue_t(*row) for row in rows]
                    if binding not in bindings:
                        bindings.insert(0, binding)
                        table.seek(0)
                        table.write(str_to_bytes(dumps(bindings)))
                        table.truncate()
                finally:
                    filesystem.unlock(table)
        except OSError as error:
            raise ChannelError(f"Cannot open {file}") from error

    def get_table(self, exchange):
        file = self._exchange_file(exchange)
        try:
            with file.open("rb") as table:
                filesystem.lock(table, filesystem.LOCK_SH)
                try:
                    content = table.read()
                finally:
                    filesystem.unlock(table)
        except FileNotFoundError:
            return []
        except OSError as error:
            raise ChannelError(f"Cannot open {file}") from error
        # Empty: created by _queue_bind a moment ago, before it took the lock to write the first binding.
        return [filesystem.exchange_queue_t(*row) for row in loads(bytes_to_str(content))] if content else []


class Transport(filesystem.Transport):
    Channel = Channel
