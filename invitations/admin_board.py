"""The co-facilitators' board in the admin (for co-facilitators and the secretariat): the list of "answers" is the
board of a session, with its counts, filters and CSV export (invitations/board.py)."""

import uuid
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from compact_portal.csv_export import csv_response
from compact_portal.permissions import is_cofacilitator
from invitations import board, reminders
from invitations.reminder_models import ReminderRound, ReminderSchedule
from registrations.models import MissionAnswer, RegionalGroup
from sessions.models import ThematicSession


def default_session(now=None) -> ThematicSession | None:
    """The session whose registration closes next; else the one that closed last."""
    now = now or timezone.now()
    upcoming = ThematicSession.objects.filter(registration_deadline__gt=now).order_by("registration_deadline").first()
    return (
        upcoming
        or ThematicSession.objects.filter(~Q(registration_deadline=None)).order_by("-registration_deadline").first()
        or ThematicSession.objects.order_by("-start_date").first()
    )


@admin.register(MissionAnswer)
class BoardAdmin(admin.ModelAdmin):
    """No objects to change here: answers are the missions' own; the list is the board."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("remind/", self.admin_site.admin_view(self.remind_view), name="registrations_missionanswer_remind"),
            *super().get_urls(),
        ]

    def remind_view(self, request):
        """ "Remind now": the count first, then one round to those who have not answered."""
        if not is_cofacilitator(request.user):
            raise PermissionDenied
        source = request.POST if request.method == "POST" else request.GET
        session = get_object_or_404(ThematicSession, pk=source.get("session", "0") or 0)
        audience = source.get("audience") or reminders.MISSIONS
        if audience not in (reminders.MISSIONS, reminders.STAKEHOLDERS):
            raise PermissionDenied
        board_url = reverse("admin:registrations_missionanswer_changelist") + "?" + urlencode({"session": session.pk})
        if request.method == "POST":
            try:
                round_ = reminders.reminder_send_now(
                    session=session, audience=audience, by=request.user, key=uuid.UUID(request.POST["key"])
                )
            except (LookupError, ValidationError, ValueError, KeyError) as error:
                self.message_user(request, str(getattr(error, "message", error)), messages.ERROR)
            else:
                count = round_.dispatch.deliveries.count()
                self.message_user(request, f"Reminder queued for {count} address{'es' if count != 1 else ''}.")
            return redirect(board_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Remind now: {session.code}",
            "session": session,
            "audience": audience,
            "audience_label": dict(reminders.Dispatch.Audience.choices)[audience],
            "count": reminders.reminder_count(session, audience=audience),
            "letter": reminders.reminder_letter(session, audience=audience),
            "key": uuid.uuid4(),
            "board_url": board_url,
        }
        return TemplateResponse(request, "admin/registrations/missionanswer/remind.html", context)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        session_pk = request.GET.get("session", "")
        session = get_object_or_404(ThematicSession, pk=session_pk) if session_pk.isdigit() else default_session()
        filters = {name: request.GET.get(name, "") for name in ("group", "status", "answer")}
        rows = board.board_rows(session) if session else []
        shown = board.board_filter(rows, **filters)
        if request.GET.get("format") == "csv" and session:
            return csv_response(
                filename=f"{session.code}-board.csv", header=board.CSV_HEADER, rows=board.board_csv_rows(shown)
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Board of answers: {session.code}" if session else "Board of answers",
            "session": session,
            "sessions": ThematicSession.objects.order_by("-start_date", "-number"),
            "groups": RegionalGroup.objects.order_by("name"),
            "answers": board.ANSWERS,
            "statuses": board.REGISTRATION_STATUSES,
            "filters": filters,
            "counts": board.board_counts(rows),
            "rows": shown,
            "total": len(rows),
            "may_remind": is_cofacilitator(request.user),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/registrations/missionanswer/board.html", context)


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    list_display = ["session", "mission_letter", "mission_days", "stakeholder_letter", "stakeholder_days"]
    list_select_related = ["session", "mission_letter", "stakeholder_letter"]


@admin.register(ReminderRound)
class ReminderRoundAdmin(admin.ModelAdmin):
    list_display = [
        "session", "audience", "days_before", "skipped", "letter_copy", "dispatch", "created_by", "created_at"
    ]  # fmt: skip
    list_filter = ["audience", "skipped"]
    list_select_related = ["session", "letter__session", "dispatch__letter", "created_by"]

    @admin.display(description="Letter sent (the round's copy)")
    def letter_copy(self, obj):
        """The round's own copy of the reminder letter: the letters' list leaves it out, it is reached from here."""
        if obj.letter is None:
            return "—"
        url = reverse("admin:invitations_letter_change", args=[obj.letter.pk])
        return format_html('<a href="{}">{}</a>', url, obj.letter)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
