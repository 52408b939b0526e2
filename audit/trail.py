"""Writing and checking the audit trail.

    from audit.trail import record
    record(actor=by, action="registration.approve", obj=registration, before={"status": "submitted"},
           after={"status": "approved"}, reason=reason)

`record` must be called inside the transaction of the change it records (a service's `transaction.atomic()`):
the entry commits or rolls back with the change. It takes the chain head's row lock (`SELECT … FOR UPDATE`), so
appends are serialised and the chain cannot fork under concurrent writers (on SQLite transactions already take
the database's write lock). `before` and `after` are small JSON-able dicts of the fields that changed;
`obj=None` with `object_repr` records an action on no single row (an export of personal data).

`entry(...)` (the same arguments) makes an entry without appending it, and `append(*entries)` appends several in
their order under one lock of the chain head: a change that records two entries (a save and a submission) costs
three statements instead of six, and holds the chain's lock only at its end.

`record_changes` records an edit (a form saved in the admin): the fields that differ between two `field_values`
snapshots, taken before and after the save; nothing when nothing changed.

`reason_unless_given(reason)` (a context manager): entries recorded inside it without a reason of their own carry
`reason` (the demo marks what it does through the services as demo data).

`verify()` walks the chain and returns the first entry altered or missing; `manage.py audit_verify` prints it.
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from audit.models import GENESIS, AuditEntry, ChainHead

_reason_unless_given: ContextVar[str] = ContextVar("audit_reason_unless_given", default="")


@contextmanager
def reason_unless_given(reason: str):
    token = _reason_unless_given.set(reason)
    try:
        yield
    finally:
        _reason_unless_given.reset(token)


def _plain(value):
    """The value as JSON will give it back (dates as ISO text, Decimals as text), so the hash survives a reload."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _session_id(obj):
    for path in ("session_id", "dialogue.session_id", "item.session_id", "speakers_list.item.session_id"):
        value = obj
        for name in path.split("."):
            value = getattr(value, name, None)
            if value is None:
                break
        if value is not None:
            return value
    return None


def entry(
    *,
    actor,
    action: str,
    obj=None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    object_repr: str = "",
    session_id: int | None = None,
    at=None,
) -> AuditEntry:
    """One entry, not yet on the trail (`append` puts it there): `actor` (a user, or None for the portal itself) did
    `action` to `obj`."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(
        at=at or timezone.now(),
        actor_id=actor.pk if authenticated else None,
        actor_repr=(actor.get_username() if authenticated else "") or "",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        session_id=session_id if session_id is not None else (_session_id(obj) if obj is not None else None),
        before=_plain(before),
        after=_plain(after),
        reason=reason or _reason_unless_given.get(),
    )


def record(**kwargs) -> AuditEntry:
    """Appends one entry (`kwargs` as for `entry`)."""
    return append(entry(**kwargs))[0]


def _head_locked(cursor) -> tuple[int, str] | None:
    # Plain SQL: this runs with every change, and the ORM's building of these two statements cost more CPU than the
    # database's running them.
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    cursor.execute(f"SELECT seq, hash FROM {table} WHERE id = 1{lock}")  # noqa: S608 (names from the model)
    return cursor.fetchone()


def append(*entries: AuditEntry) -> list[AuditEntry]:
    """Puts `entries` (from `entry`), in their order, at the end of the chain: one lock of the chain head, one INSERT
    and one move of the head for all of them, whatever their number."""
    # No savepoint of its own inside the change's transaction: the entries stand or fall with the change (and a
    # savepoint would cost two more round trips).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        head = _head_locked(cursor)
        if head is None:
            ChainHead.objects.get_or_create(pk=1)
            head = _head_locked(cursor)
        seq, previous_hash = head
        for new in entries:
            seq += 1
            new.seq, new.previous_hash = seq, previous_hash
            new.hash = previous_hash = new.compute_hash()
        AuditEntry.objects.bulk_create(entries)
        table = connection.ops.quote_name(ChainHead._meta.db_table)
        cursor.execute(f"UPDATE {table} SET seq = %s, hash = %s WHERE id = 1", [seq, previous_hash])  # noqa: S608
    return list(entries)


def field_values(obj, fields) -> dict:
    """`fields` of `obj` as the trail keeps them: files by their stored name, foreign keys by id; {} for None."""
    if obj is None:
        return {}
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = field.value_from_object(obj)
        values[name] = (value.name or "") if isinstance(field, models.FileField) else value
    return values


def stored_values(obj, fields) -> dict:
    """`field_values` of `obj`'s row as the database holds it now ({} for an object not saved yet)."""
    if obj.pk is None:
        return {}
    return field_values(type(obj)._default_manager.filter(pk=obj.pk).first(), fields)


def record_changes(*, actor, action: str, obj, before: dict, after: dict, **kwargs) -> AuditEntry | None:
    """Records the fields whose value differs between `before` and `after` (each {} for an object that did not
    exist before, or no longer does); nothing if none differs. `kwargs` as for `record`."""
    names = before.keys() | after.keys()
    changed = sorted(name for name in names if _plain(before.get(name)) != _plain(after.get(name)))
    if not changed:
        return None
    return record(
        actor=actor,
        action=action,
        obj=obj,
        before={name: before[name] for name in changed if name in before} or None,
        after={name: after[name] for name in changed if name in after} or None,
        **kwargs,
    )


@dataclass(frozen=True)
class Verdict:
    count: int
    problem: str = ""  # empty: the chain is intact
    seq: int | None = None  # the first entry altered or missing

    @property
    def intact(self) -> bool:
        return not self.problem

    def __str__(self):
        return self.problem or f"{self.count} entries, chain intact"


def verify() -> Verdict:
    """The first entry altered (its hash no longer matches its content) or missing (a gap in the numbers, or a
    link to a previous hash that is not the entry before it), or an intact chain."""
    expected_seq, previous_hash, count = 1, GENESIS, 0
    entries = AuditEntry.objects.select_related("content_type").order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return Verdict(count, f"Entry #{expected_seq} is missing (the next one is #{entry.seq}).", expected_seq)
        if entry.previous_hash != previous_hash:
            return Verdict(
                count,
                f"Entry #{entry.seq} does not follow the entry before it: #{entry.seq - 1} was changed or replaced.",
                entry.seq - 1,
            )
        if entry.compute_hash() != entry.hash:
            return Verdict(count, f"Entry #{entry.seq} was altered ({entry.action} {entry.object_repr}).", entry.seq)
        previous_hash, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (count, previous_hash):
        if head.seq > count:
            return Verdict(count, f"Entry #{count + 1} is missing (the chain's head is at #{head.seq}).", count + 1)
        return Verdict(count, f"The chain's head does not match entry #{count}.", count)
    return Verdict(count)
