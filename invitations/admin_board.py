"""The co-facilitators' board in the admin (for co-facilitators and the secretariat): the list of "answers" is the
board of a session, with its counts, filters and CSV export (invitations/board.py)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from compact_portal.csv_export import csv_response
from invitations import board
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
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/registrations/missionanswer/board.html", context)
