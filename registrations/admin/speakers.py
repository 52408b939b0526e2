"""Speakers lists from the floor: opened, closed, locked, published and reordered only through the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from audit.admin import AuditTrailMixin
from registrations import permissions, services
from registrations.admin.actions import (
    MoveActions,
    ReadOnlyInline,
    each,
    problem,
)
from registrations.models import (
    FLOOR_KINDS,
    Inscription,
    SpeakersList,
)
from sessions.models import AgendaItem


class InscriptionInline(ReadOnlyInline):
    model = Inscription
    fields = ["position", "on_behalf_of", "speaker_name", "function", "level", "time_limit", "inscribed_at"]
    readonly_fields = fields
    ordering = ["position", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mission__state")


@admin.register(SpeakersList)
class SpeakersListAdmin(AuditTrailMixin, admin.ModelAdmin):
    service_arg = "speakers_list"
    list_display = ["item", "session", "time_limit", "is_open", "is_locked", "is_published", "inscription_count"]
    list_filter = ["item__session", "is_open", "is_locked", "is_published"]
    list_select_related = ["item__session"]
    fields = ["item", "time_limit", "is_open", "is_locked", "is_published", "ordered_manually"]
    # Workflow flags change only through the actions and the change page's buttons (speakers_list_set).
    readonly_fields = ["is_open", "is_locked", "is_published", "ordered_manually"]
    inlines = [InscriptionInline]
    actions = ["lock", "unlock", "publish", "unpublish", "close", "reopen", "reorder"]
    change_form_template = "admin/registrations/speakerslist/change_form.html"
    # The change page's buttons: name → (flags for speakers_list_set, what the message says).
    BUTTONS = {
        "close": ({"is_open": False}, "Closed to inscriptions"),
        "reopen": ({"is_open": True}, "Opened to inscriptions"),
        "lock": ({"is_locked": True}, "Locked"),
        "unlock": ({"is_locked": False}, "Unlocked"),
        "publish": ({"is_published": True}, "Published"),
        "unpublish": ({"is_published": False}, "Withdrawn from the session's page"),
    }

    def get_urls(self):
        return [
            path(
                "<int:pk>/set/<str:button>/",
                self.admin_site.admin_view(self.set_view),
                name="registrations_speakerslist_set",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        speakers_list = SpeakersList.objects.filter(pk=object_id).first()
        buttons = []
        if speakers_list is not None and permissions.is_secretariat(request.user):
            state = {"is_open": speakers_list.is_open, "is_locked": speakers_list.is_locked}
            state["is_published"] = speakers_list.is_published
            labels = {
                "close": "Close to inscriptions",
                "reopen": "Open to inscriptions",
                "lock": "Lock",
                "unlock": "Unlock",
                "publish": "Publish",
                "unpublish": "Withdraw from the session's page",
            }
            for name, (flags, _done) in self.BUTTONS.items():
                if any(state[flag] != value for flag, value in flags.items()):
                    buttons.append((name, labels[name]))
        extra_context = {**(extra_context or {}), "buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(require_POST)
    def set_view(self, request, pk, button):
        if button not in self.BUTTONS:
            raise Http404
        speakers_list = get_object_or_404(SpeakersList, pk=pk)
        flags, done = self.BUTTONS[button]
        try:
            services.speakers_list_set(speakers_list=speakers_list, by=request.user, **flags)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, problem(error), messages.ERROR)
        else:
            self.message_user(request, f"{done}: {speakers_list}.", messages.SUCCESS)
        return redirect("admin:registrations_speakerslist_change", pk)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(inscription_total=Count("inscriptions"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item":
            kwargs["queryset"] = AgendaItem.objects.filter(kind__in=FLOOR_KINDS).select_related("session")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "item"] if obj else readonly

    @admin.display(description="Session", ordering="item__session__number")
    def session(self, obj):
        return obj.item.session.code

    @admin.display(description="Speakers", ordering="inscription_total")
    def inscription_count(self, obj):
        return obj.inscription_total

    def _set(self, request, queryset, message, **flags):
        each(self, request, queryset, services.speakers_list_set, message, **flags)

    @admin.action(description="Lock the selected lists (no more inscriptions or withdrawals)")
    def lock(self, request, queryset):
        self._set(request, queryset, "Locked", is_locked=True)

    @admin.action(description="Unlock the selected lists")
    def unlock(self, request, queryset):
        self._set(request, queryset, "Unlocked", is_locked=False)

    @admin.action(description="Publish the selected lists on the session's page")
    def publish(self, request, queryset):
        self._set(request, queryset, "Published", is_published=True)

    @admin.action(description="Withdraw the selected lists from the session's page")
    def unpublish(self, request, queryset):
        self._set(request, queryset, "Withdrawn", is_published=False)

    @admin.action(description="Close the selected lists to inscriptions")
    def close(self, request, queryset):
        self._set(request, queryset, "Closed", is_open=False)

    @admin.action(description="Open the selected lists to inscriptions")
    def reopen(self, request, queryset):
        self._set(request, queryset, "Opened", is_open=True)

    @admin.action(description="Order the selected lists by the rule (groups, level, time of inscription)")
    def reorder(self, request, queryset):
        for speakers_list in queryset:
            services.speakers_list_reorder(speakers_list=speakers_list, by=request.user)
        self.message_user(request, "Reordered by the rule.", messages.SUCCESS)


@admin.register(Inscription)
class InscriptionAdmin(AuditTrailMixin, MoveActions, admin.ModelAdmin):
    list_display = ["position", "on_behalf_of", "speaker_name", "level", "time_limit", "inscribed_at", "speakers_list"]
    list_display_links = ["speaker_name"]
    list_filter = ["speakers_list__item__session", "speakers_list", "level"]
    list_select_related = ["mission__state", "speakers_list__item__session"]
    ordering = ["speakers_list", "position", "id"]
    search_fields = ["family_name", "group_name", "mission__state__name_en"]
    fields = [
        "speakers_list",
        "position",
        "mission",
        "group_name",
        "honorific",
        "given_name",
        "family_name",
        "function",
        "level",
        "time_limit",
        "inscribed_at",
        "inscribed_by",
    ]
    readonly_fields = ["speakers_list", "position", "mission", "group_name", "level", "inscribed_at", "inscribed_by"]
    actions = ["move_up", "move_down", "move_to_top"]
    service_arg = "inscription"
    move_service = staticmethod(services.inscription_move)

    def has_add_permission(self, request):
        return False  # focal points inscribe
