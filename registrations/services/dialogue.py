"""Rules for the informal dialogue's speaking slots: applications, capacity, the waiting list, the draw, the list.

Capacity holds under concurrency because every change to a dialogue's applications runs in one transaction that
first locks the dialogue's row (`select_for_update()` on PostgreSQL; on SQLite the connection begins its
transactions IMMEDIATE, which takes the database's write lock, see compact_portal/config.py). Inside it the arrival
counter is advanced, confirmed applications are counted and the new one is placed: two applications never see
the same count. Arrival order is that counter (`sequence`), not a clock.

Statuses of an application:

    first come, first served:  ──apply──▶ confirmed (while slots are free) | waitlisted (in order of arrival)
    draw:                      ──apply──▶ pending ──draw──▶ confirmed | waitlisted (in the order of the draw)
                               (the draw: by the secretariat, or by the periodic task once the deadline has passed)
    confirmed ──withdraw / decline──▶ (the first on the waiting list takes its place and time, and is told)
    any open status ──withdraw (the organization) / decline (the secretariat)──▶ withdrawn / declined
    secretariat: confirm (while a slot is free), wait-list (to the end of the list), move within a list

Each change is an ApplicationEvent and an e-mail to the organization (and the speaker), queued after the commit.
"""

import copy
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from outbox.notify import enqueue_on_commit, notify_once
from registrations import draw, permissions
from registrations.models import FLOOR_KINDS, ApplicationEvent, Dialogue, Organization, SlotApplication
from sessions.models import AgendaItem, ThematicSession, Venue
from sessions.public_cache import public_pages_changed

Status = SlotApplication.Status
LISTED = (Status.CONFIRMED, Status.WAITLISTED)


def _locked(dialogue: Dialogue) -> Dialogue:
    return Dialogue.objects.select_for_update().select_related("item", "session__venue").get(pk=dialogue.pk)


def _locked_for_arrival(dialogue: Dialogue) -> Dialogue:
    """The dialogue's row locked and its arrival counter moved on, in one statement (an UPDATE locks the row as
    SELECT … FOR UPDATE does), as the transaction holds it now. What the arrival's rules and its confirmation read of
    the session (its status), the item (its day and times: the slots) and the venue (its time zone) is read in the
    same statement, as `_locked` reads them with the lock (those rows are not locked); the rest of them is
    `dialogue`'s, as the caller read it."""
    fields = Dialogue._meta.concrete_fields
    quote = connection.ops.quote_name
    table = quote(Dialogue._meta.db_table)
    sessions, items, venues = (quote(model._meta.db_table) for model in (ThematicSession, AgendaItem, Venue))
    session_id, item_id = f"{table}.session_id", f"{table}.item_id"

    def column(model, name: str) -> str:
        return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"

    # Names from the models, quoted by the database's backend; the one value a parameter.
    venue_id = f"(SELECT {column(ThematicSession, 'venue')} FROM {sessions} WHERE {sessions}.id = {session_id})"  # noqa: S608
    read_with = [  # (the object, from the dialogue; its field; the subquery that reads it)
        (
            "session",
            ThematicSession,
            "status",
            f"SELECT {column(ThematicSession, 'status')} FROM {sessions} WHERE {sessions}.id = {session_id}",  # noqa: S608
        ),
        *(
            ("item", AgendaItem, name, f"SELECT {column(AgendaItem, name)} FROM {items} WHERE {items}.id = {item_id}")  # noqa: S608
            for name in ("day", "start_time", "end_time")
        ),
        (
            "session.venue",
            Venue,
            "timezone",
            f"SELECT {column(Venue, 'timezone')} FROM {venues} WHERE {venues}.id = {venue_id}",  # noqa: S608
        ),
    ]
    columns = ", ".join([*(f"{table}.{quote(field.column)}" for field in fields), *(f"({q})" for *_, q in read_with)])
    sql = f"UPDATE {table} SET next_sequence = next_sequence + 1 WHERE {table}.id = %s RETURNING {columns}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [dialogue.pk])
        row = cursor.fetchone()
    if row is None:
        raise Dialogue.DoesNotExist
    values = [_from_db(field, value) for field, value in zip(fields, row, strict=False)]
    locked = Dialogue.from_db(connection.alias, [field.attname for field in fields], values)
    # Copies (copy.copy copies a model's state and its cache of related objects): the caller's objects stay as read.
    locked.item, session = copy.copy(dialogue.item), copy.copy(dialogue.session)
    session.venue = copy.copy(dialogue.session.venue)
    locked.session = session
    for (path, model, name, _subquery), value in zip(read_with, row[len(fields) :], strict=True):
        target = locked
        for step in path.split("."):
            target = getattr(target, step)
        setattr(target, name, _from_db(model._meta.get_field(name), value))
    return locked


def _from_db(field, value):
    """`value` as the database returned it for `field`, as the ORM converts it (dates and times come as text from
    SQLite)."""
    column = field.get_col(field.model._meta.db_table)
    for converter in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
        value = converter(value, column, connection)
    return value


def _application(locked: Dialogue, application: SlotApplication) -> SlotApplication:
    """The application as it is now, read under the dialogue's lock."""
    return SlotApplication.objects.select_related("organization").get(pk=application.pk, dialogue=locked)


def _event(application: SlotApplication, *, from_status: str, by, reason: str = "") -> ApplicationEvent:
    event = ApplicationEvent.objects.create(
        application=application, from_status=from_status, to_status=application.status, reason=reason, by=by
    )
    trail.record(
        actor=by,
        action=f"application {application.status}",
        obj=application,
        before={"status": from_status},
        after={"status": application.status, "position": application.position},
        reason=reason,
    )
    enqueue_on_commit("registrations.notify_application_event", event.pk)
    return event


def _next_position(locked: Dialogue, status: str) -> int:
    last = locked.applications.filter(status=status).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _renumber(locked: Dialogue, status: str) -> None:
    """Closes the gaps in a list's positions, keeping its order."""
    listed = list(locked.applications.filter(status=status).order_by("position", "sequence"))
    changed = []
    for position, application in enumerate(listed, start=1):
        if application.position != position:
            application.position = position
            changed.append(application)
    SlotApplication.objects.bulk_update(changed, ["position"])


def _refuse_unless(application: SlotApplication, to: str) -> None:
    if not Status(application.status).can_become(to):
        raise ValidationError(f"{application.organization} is {application.get_status_display().lower()}.")


def _set(application: SlotApplication, *, status: str, position: int | None, by, reason: str = "") -> None:
    _refuse_unless(application, status)
    from_status = application.status
    application.status = status
    application.position = position
    if status == Status.DECLINED:
        application.decision_reason = reason
    application.save(update_fields=["status", "position", "decision_reason", "updated_at"])
    _event(application, from_status=from_status, by=by, reason=reason)


def _is_allocated(locked: Dialogue) -> bool:
    """Whether places are final (first come, first served, or the draw made): a freed slot then moves up the list."""
    return locked.allocation == Dialogue.Allocation.FIRST_COME or locked.drawn_at is not None


def _fill(locked: Dialogue, position: int, *, by) -> SlotApplication | None:
    """Gives slot `position` to the first on the waiting list, who is told; None if the list is empty."""
    first = locked.applications.filter(status=Status.WAITLISTED).order_by("position", "sequence").first()
    if first is None:
        return None
    _set(first, status=Status.CONFIRMED, position=position, by=by, reason="A slot became free.")
    _renumber(locked, Status.WAITLISTED)
    return first


def _free(locked: Dialogue, application: SlotApplication, *, to: str, by, reason: str = "") -> None:
    """Takes an application off its list; a confirmed slot goes to the first on the waiting list."""
    was, position = application.status, application.position
    _set(application, status=to, position=None, by=by, reason=reason)
    if was == Status.CONFIRMED and _is_allocated(locked):
        if _fill(locked, position, by=by) is None:
            _renumber(locked, Status.CONFIRMED)
    elif was in LISTED:
        _renumber(locked, was)


# --- Organizations --------------------------------------------------------------------------------------------------


def application_submit(
    *,
    dialogue: Dialogue,
    organization: Organization,
    by,
    speaker_name: str,
    speaker_function: str,
    summary: str,
    speaker_email: str = "",
    theme=None,
    now: datetime | None = None,
) -> SlotApplication:
    """An accredited organization's focal point applies for a slot; one application per organization.

    First come, first served: confirmed while slots are free, else wait-listed in order of arrival. Draw: pending
    until the draw.
    """
    if not permissions.is_focal_point_of_organization(by, organization):
        raise PermissionDenied("Only the organization's focal points apply for it.")
    if not organization.is_accredited:
        raise ValidationError(
            _("%(organization)s is not accredited: it cannot apply yet.") % {"organization": organization}
        )
    if theme is not None and (theme.session_id != dialogue.session_id or theme.kind not in FLOOR_KINDS):
        raise ValidationError({"theme": _("Choose one of this session's panels.")})
    application = SlotApplication(
        dialogue_id=dialogue.pk,
        organization=organization,
        speaker_name=speaker_name.strip(),
        speaker_function=speaker_function.strip(),
        speaker_email=(speaker_email or "").strip(),
        theme=theme,
        summary=summary.strip(),
        applied_by=by,
        status=Status.PENDING,
        sequence=0,
    )
    # The organization, the theme and the applicant are rows just read (their foreign keys hold them): no query each.
    application.full_clean(
        exclude=["dialogue", "sequence", "status", "organization", "theme", "applied_by"], validate_constraints=False
    )
    try:
        with transaction.atomic():
            # A refusal below (closed, or the organization's second application: the constraint) undoes the count.
            locked = _locked_for_arrival(dialogue)
            if locked.is_published:  # pending applications are not shown: a burst leaves the cache alone
                public_pages_changed(session=locked.session_id)
            problem = locked.applications_message(now=now)
            if problem:
                raise ValidationError(problem)
            application.dialogue = locked
            application.sequence = locked.next_sequence
            if locked.allocation == Dialogue.Allocation.FIRST_COME:
                listed = locked.applications.aggregate(
                    taken=Count("pk", filter=Q(status=Status.CONFIRMED)),
                    **{f"last_{status}": Max("position", filter=Q(status=status)) for status in LISTED},
                )
                confirmed = listed["taken"] < locked.slot_count
                application.status = Status.CONFIRMED if confirmed else Status.WAITLISTED
                application.position = (listed[f"last_{application.status}"] or 0) + 1  # as _next_position does
            application.save()
            _event(application, from_status="", by=by)
    except IntegrityError as error:  # one application per organization and dialogue (a constraint)
        raise ValidationError(_already_applied(organization)) from error
    return application


def _already_applied(organization: Organization) -> str:
    return _("%(organization)s has already applied for this dialogue.") % {"organization": organization}


def application_withdraw(*, application: SlotApplication, by) -> SlotApplication:
    """The organization withdraws its application; a confirmed slot goes to the first on the waiting list."""
    if not (permissions.is_focal_point_of_organization(by, application.organization) or permissions.is_secretariat(by)):
        raise PermissionDenied("Only the organization's focal points withdraw its application.")
    with transaction.atomic():
        locked = _locked(application.dialogue)
        public_pages_changed(session=locked.session_id)
        current = _application(locked, application)
        if not current.can_withdraw:
            raise ValidationError(
                _("The application is %(status)s already.") % {"status": current.get_status_display().lower()}
            )
        _free(locked, current, to=Status.WITHDRAWN, by=by)
    application.refresh_from_db()
    return application


# --- The secretariat ------------------------------------------------------------------------------------------------


def application_confirm(*, application: SlotApplication, by) -> SlotApplication:
    """Gives a pending or wait-listed application the next slot, while one is free."""
    permissions.require_secretariat(by)
    with transaction.atomic():
        locked = _locked(application.dialogue)
        public_pages_changed(session=locked.session_id)
        current = _application(locked, application)
        _refuse_unless(current, Status.CONFIRMED)
        if locked.applications.filter(status=Status.CONFIRMED).count() >= locked.slot_count:
            raise ValidationError(
                f"All {locked.slot_count} slots are taken: wait-list or decline a confirmed speaker first."
            )
        was = current.status
        _set(current, status=Status.CONFIRMED, position=_next_position(locked, Status.CONFIRMED), by=by)
        if was == Status.WAITLISTED:
            _renumber(locked, Status.WAITLISTED)
    application.refresh_from_db()
    return application


def application_waitlist(*, application: SlotApplication, by) -> SlotApplication:
    """Moves a pending or confirmed application to the end of the waiting list (nobody moves up: confirm whom
    the slot should go to)."""
    permissions.require_secretariat(by)
    with transaction.atomic():
        locked = _locked(application.dialogue)
        public_pages_changed(session=locked.session_id)
        current = _application(locked, application)
        _refuse_unless(current, Status.WAITLISTED)
        was = current.status
        _set(current, status=Status.WAITLISTED, position=_next_position(locked, Status.WAITLISTED), by=by)
        if was == Status.CONFIRMED:
            _renumber(locked, Status.CONFIRMED)
    application.refresh_from_db()
    return application


def application_decline(*, application: SlotApplication, by, reason: str = "") -> SlotApplication:
    """Declines an application; a confirmed slot goes to the first on the waiting list."""
    permissions.require_secretariat(by)
    with transaction.atomic():
        locked = _locked(application.dialogue)
        public_pages_changed(session=locked.session_id)
        current = _application(locked, application)
        _refuse_unless(current, Status.DECLINED)
        _free(locked, current, to=Status.DECLINED, by=by, reason=(reason or "").strip())
    application.refresh_from_db()
    return application


def application_move(*, application: SlotApplication, to_position: int, by) -> None:
    """Moves a confirmed speaker (or a wait-listed one) to `to_position` in its list; 1 is first."""
    permissions.require_secretariat(by)
    with transaction.atomic():
        locked = _locked(application.dialogue)
        public_pages_changed(session=locked.session_id)
        current = _application(locked, application)
        if current.status not in LISTED:
            raise ValidationError(f"{current.organization} is {current.get_status_display().lower()}.")
        ordered = list(locked.applications.filter(status=current.status).order_by("position", "sequence"))
        moving = next(a for a in ordered if a.pk == current.pk)
        ordered.remove(moving)
        ordered.insert(min(max(to_position, 1), len(ordered) + 1) - 1, moving)
        before = moving.position
        for position, listed in enumerate(ordered, start=1):
            listed.position = position
        SlotApplication.objects.bulk_update(ordered, ["position"])
        trail.record(
            actor=by,
            action="application move",
            obj=moving,
            before={"position": before},
            after={"position": moving.position},
        )


def dialogue_draw(*, dialogue: Dialogue, by, seed: str = "", now: datetime | None = None) -> list[SlotApplication]:
    """Draws the speaking order among pending applications (see registrations/draw.py for the rule).

    Applications close when the draw is made (if the deadline is still ahead, it is brought forward to now).
    The seed (given, e.g. read out in a meeting, or drawn here) is recorded and published. Once only.
    """
    permissions.require_secretariat(by)
    now = now or timezone.now()
    seed = (seed or "").strip() or draw.new_seed()
    with transaction.atomic():
        locked = _locked(dialogue)
        if locked.allocation != Dialogue.Allocation.DRAW:
            raise ValidationError("This dialogue allocates slots first come, first served: there is no draw.")
        if locked.drawn_at:
            raise ValidationError(f"The draw was made on {timezone.localtime(locked.drawn_at):%d %B %Y at %H:%M}.")
        return _draw(locked, by=by, seed=seed, now=now)


def dialogues_draw_due(*, now: datetime | None = None) -> int:
    """Draws every dialogue allocated by draw whose deadline has passed and whose draw is not made (the periodic
    task), each with a fresh seed, recorded as for a draw made by the secretariat; returns how many.

    The dialogue's row is locked and read again before drawing: a second sweep, or the secretariat's draw at the
    same moment, finds it drawn and leaves it.
    """
    now = now or timezone.now()
    due = Dialogue.objects.draw_due(now).values_list("pk", flat=True)
    drawn = 0
    for pk in list(due):
        with transaction.atomic():
            try:
                locked = _locked(Dialogue(pk=pk))
            except Dialogue.DoesNotExist:  # deleted since
                continue
            if not Dialogue.objects.draw_due(now).filter(pk=pk).exists():  # drawn since, read under the lock
                continue
            _draw(locked, by=None, seed=draw.new_seed(), now=now)
        drawn += 1
    return drawn


def _draw(locked: Dialogue, *, by, seed: str, now: datetime) -> list[SlotApplication]:
    """Makes the draw of a locked dialogue whose draw is not made; the caller has checked the rule."""
    if locked.applications_close_at > now:
        locked.applications_close_at = max(now, locked.applications_open_at + timedelta(seconds=1))
    pending = list(
        locked.applications.filter(status=Status.PENDING)
        .select_related("organization__country__regional_group")
        .order_by("sequence")
    )
    entries = [draw.Entry(key=a.pk, region=region_label(a.organization), kind=a.organization.kind) for a in pending]
    by_pk = {a.pk: a for a in pending}
    order = [by_pk[pk] for pk in draw.draw_order(entries, seed)]
    confirmed_before = locked.applications.filter(status=Status.CONFIRMED).count()
    waitlisted_before = locked.applications.filter(status=Status.WAITLISTED).count()
    free = max(locked.slot_count - confirmed_before, 0)
    for index, application in enumerate(order):
        if index < free:
            _set(application, status=Status.CONFIRMED, position=confirmed_before + index + 1, by=by)
        else:
            _set(application, status=Status.WAITLISTED, position=waitlisted_before + index - free + 1, by=by)
    locked.draw_seed = seed
    locked.drawn_at = now
    locked.drawn_by = by
    locked.save(update_fields=["draw_seed", "drawn_at", "drawn_by", "applications_close_at"])
    trail.record(
        actor=by,
        action="dialogue draw",
        obj=locked,
        after={"seed": seed, "order": [a.pk for a in order], "slots": locked.slot_count},
        at=now,
    )
    public_pages_changed(session=locked.session_id)
    return order


def region_label(organization: Organization) -> str:
    group = organization.country.regional_group if organization.country_id else None
    if group is None:
        return draw.NO_REGION
    return group.short_name or group.name


def dialogue_publish(*, dialogue: Dialogue, by, published: bool = True) -> Dialogue:
    """Shows the list of confirmed speakers on the session's page (or withdraws it)."""
    permissions.require_secretariat(by)
    with transaction.atomic():
        locked = _locked(dialogue)
        public_pages_changed(session=locked.session_id)
        if published and locked.allocation == Dialogue.Allocation.DRAW and not locked.drawn_at:
            raise ValidationError("Make the draw before publishing the list.")
        before = locked.is_published
        locked.is_published = published
        locked.published_at = timezone.now() if published else None
        locked.save(update_fields=["is_published", "published_at"])
        trail.record(
            actor=by,
            action="dialogue publish",
            obj=locked,
            before={"is_published": before},
            after={"is_published": published},
        )
    dialogue.refresh_from_db()
    return dialogue


# --- Notifications (called by tasks) --------------------------------------------------------------------------------


def application_event_notify(*, event_id: int) -> bool:
    """E-mails the organization (and the speaker) about one change of its application. Sends at most once."""
    from registrations import notifications

    events = ApplicationEvent.objects.select_related(
        "application__organization",
        "application__dialogue__session__venue",
        "application__dialogue__session__process",
        "application__dialogue__item",
    )
    return notify_once(
        events,
        pk=event_id,
        field="notified_at",
        send=lambda: notifications.application_event_send(event=events.get(pk=event_id)),
    )
