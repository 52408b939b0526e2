"""Rules for the speakers lists from the floor: inscriptions, their order, and the list's state."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from audit import trail
from registrations import permissions
from registrations.models import (
    Inscription,
    PermanentMission,
    SpeakersList,
)
from sessions.models import ThematicSession


def _natural_key(inscription: Inscription):
    """Groups of States first, then by level of representation, then by time of inscription."""
    return (0 if inscription.group_name else 1, inscription.level, inscription.inscribed_at, inscription.pk)


def _write_positions(inscriptions: list[Inscription]) -> None:
    for position, inscription in enumerate(inscriptions, start=1):
        inscription.position = position
    Inscription.objects.bulk_update(inscriptions, ["position"])


def _renumber(speakers_list: SpeakersList) -> None:
    inscriptions = list(speakers_list.inscriptions.all())
    if not speakers_list.ordered_manually:
        inscriptions.sort(key=_natural_key)
    else:
        inscriptions.sort(key=lambda i: (i.position, i.pk))
    _write_positions(inscriptions)


def _locked_list(speakers_list: SpeakersList) -> SpeakersList:
    return SpeakersList.objects.select_for_update().select_related("item__session").get(pk=speakers_list.pk)


def inscription_create(
    *,
    speakers_list: SpeakersList,
    mission: PermanentMission,
    by,
    family_name: str,
    function: str,
    level: int,
    honorific: str = "",
    given_name: str = "",
    group_name: str = "",
    time_limit: timedelta | None = None,
) -> Inscription:
    """Inscribes a speaker for the State (or, with `group_name`, for a group of States)."""
    permissions.require_focal_point_of_mission(by, mission)
    with transaction.atomic():
        locked = _locked_list(speakers_list)
        if locked.item.session.status != ThematicSession.Status.PUBLISHED:
            raise ValidationError(_("The session is not open."))
        if not locked.accepts_inscriptions:
            raise ValidationError(_("This list of speakers is closed to inscriptions."))
        inscription = Inscription(
            speakers_list=locked,
            mission=mission,
            group_name=group_name.strip(),
            honorific=honorific.strip(),
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            function=function.strip(),
            level=level,
            time_limit=time_limit or locked.time_limit,
            inscribed_by=by,
        )
        if locked.ordered_manually:
            last = locked.inscriptions.aggregate(last=Max("position"))["last"] or 0
            inscription.position = last + 1
        inscription.full_clean()
        inscription.save()
        trail.record(actor=by, action="inscription create", obj=inscription, session_id=locked.item.session_id)
        if not locked.ordered_manually:
            _renumber(locked)
    inscription.refresh_from_db()
    return inscription


def inscription_withdraw(*, inscription: Inscription, by) -> None:
    permissions.require_focal_point_of_mission(by, inscription.mission)
    with transaction.atomic():
        locked = _locked_list(inscription.speakers_list)
        if locked.is_locked:
            raise ValidationError(_("The list of speakers is locked: ask the secretariat."))
        trail.record(actor=by, action="inscription withdraw", obj=inscription, session_id=locked.item.session_id)
        Inscription.objects.filter(pk=inscription.pk).delete()
        _renumber(locked)


def inscription_move(*, inscription: Inscription, to_position: int, by) -> None:
    """The secretariat moves a speaker to `to_position` (1 is first); the list keeps that order from then on."""
    permissions.require_secretariat(by)
    with transaction.atomic():
        locked = _locked_list(inscription.speakers_list)
        ordered = sorted(locked.inscriptions.all(), key=lambda i: (i.position, i.pk))
        moving = next(i for i in ordered if i.pk == inscription.pk)
        ordered.remove(moving)
        index = min(max(to_position, 1), len(ordered) + 1) - 1
        ordered.insert(index, moving)
        before = moving.position
        _write_positions(ordered)
        locked.ordered_manually = True
        locked.save(update_fields=["ordered_manually"])
        trail.record(
            actor=by,
            action="inscription move",
            obj=moving,
            before={"position": before},
            after={"position": moving.position},
            session_id=locked.item.session_id,
        )


def speakers_list_reorder(*, speakers_list: SpeakersList, by) -> None:
    """Back to the rule: groups first, then by level, then by time of inscription."""
    permissions.require_secretariat(by)
    with transaction.atomic():
        locked = _locked_list(speakers_list)
        locked.ordered_manually = False
        locked.save(update_fields=["ordered_manually"])
        _renumber(locked)
        trail.record(actor=by, action="speakers list reorder", obj=locked)


def speakers_list_set(*, speakers_list: SpeakersList, by, **flags: bool) -> SpeakersList:
    """Opens, closes, locks, unlocks, publishes or withdraws a list: flags among is_open, is_locked, is_published."""
    permissions.require_secretariat(by)
    allowed = {"is_open", "is_locked", "is_published"}
    if not flags or set(flags) - allowed:
        raise ValueError(f"flags must be among {sorted(allowed)}")
    with transaction.atomic():
        locked = _locked_list(speakers_list)
        before = {name: getattr(locked, name) for name in flags}
        for name, value in flags.items():
            setattr(locked, name, bool(value))
        locked.save(update_fields=list(flags))
        after = {name: getattr(locked, name) for name in flags}
        trail.record(actor=by, action="speakers list set", obj=locked, before=before, after=after)
    speakers_list.refresh_from_db()
    return speakers_list
