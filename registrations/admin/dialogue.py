"""The informal dialogue's speaking slots: confirm, wait-list, decline, the draw with its seed, reorder, publish."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone

from audit.admin import AuditTrailMixin
from compact_portal import admin_confirm
from registrations import draw
from registrations.admin.actions import (
    MoveActions,
    ReadOnlyInline,
    SecretariatActions,
    action_page,
    each,
    problem,
)
from registrations.models import (
    DIALOGUE_KIND,
    Dialogue,
    SlotApplication,
)
from registrations.services import dialogue as dialogue_services
from sessions.models import AgendaItem
from sessions.public_cache import PublicContentAdminMixin


class SlotApplicationInline(ReadOnlyInline):
    model = SlotApplication
    fields = ["status", "position", "slot", "organization", "region", "kind", "speaker_name", "sequence"]
    readonly_fields = fields
    ordering = ["status", "position", "sequence"]
    verbose_name_plural = "applications (confirmed in speaking order, then the waiting list)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organization__country__regional_group", "dialogue__item", "dialogue__session__venue")
        )

    @admin.display(description="Time")
    def slot(self, obj):
        times = obj.slot_times()
        return f"{times[0]:%H:%M}–{times[1]:%H:%M}" if times else "—"

    @admin.display(description="Region")
    def region(self, obj):
        return dialogue_services.region_label(obj.organization)

    @admin.display(description="Kind")
    def kind(self, obj):
        return obj.organization.get_kind_display()


class DrawForm(forms.Form):
    seed = forms.CharField(
        max_length=40,
        required=False,
        help_text="Leave empty for a random seed, or give one drawn in public (e.g. numbers read out in a meeting).",
    )


@admin.register(Dialogue)
class DialogueAdmin(PublicContentAdminMixin, AuditTrailMixin, SecretariatActions, admin.ModelAdmin):
    public_session_field = "session"
    list_display = [
        "session_code",
        "window",
        "slot_total",
        "allocation",
        "applications_close_at",
        "confirmed",
        "waitlisted",
        "pending",
        "draw_seed",
        "is_published",
    ]
    list_filter = ["allocation", "is_published"]
    list_select_related = ["session", "item"]
    actions = ["publish", "unpublish"]
    fields = [
        "session",
        "item",
        "minutes_per_statement",
        "chair_minutes",
        "slots",
        "applications_open_at",
        "applications_close_at",
        "allocation",
        "representatives_per_organization",
        "draw_rule",
        "draw_seed",
        "drawn_at",
        "drawn_by",
        "is_published",
        "published_at",
    ]
    readonly_fields = ["slots", "draw_rule", "draw_seed", "drawn_at", "drawn_by", "is_published", "published_at"]
    inlines = [SlotApplicationInline]
    change_form_template = "admin/registrations/dialogue/change_form.html"

    def get_queryset(self, request):
        counts = {
            f"{status}_total": Count("applications", filter=Q(applications__status=status))
            for status in ("confirmed", "waitlisted", "pending")
        }
        return super().get_queryset(request).annotate(**counts)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item":
            kwargs["queryset"] = AgendaItem.objects.filter(kind=DIALOGUE_KIND).select_related("session")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # What makes the slots (and their times) and how they are given out: fixed once an organization has applied,
    # so no change reshapes the slots under confirmed speakers.
    FIXED_ONCE_APPLIED = [
        "allocation",
        "minutes_per_statement",
        "chair_minutes",
        "applications_open_at",
        "applications_close_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        readonly += ["session", "item"]
        if obj.applications.exists():
            readonly += self.FIXED_ONCE_APPLIED
        return readonly

    @admin.display(description="Session", ordering="session__number")
    def session_code(self, obj):
        return obj.session.code

    @admin.display(description="Slots")
    def slot_total(self, obj):
        return obj.slot_count

    @admin.display(description="Window")
    def window(self, obj):
        return f"{obj.item.day:%d %b %Y} {obj.item.start_time:%H:%M}–{obj.item.end_time:%H:%M}"

    @admin.display(description="Slots")
    def slots(self, obj):
        if not obj.pk:
            return "(window − chair) ÷ minutes per statement, once saved"
        window = f"{obj.window_minutes} min − {obj.chair_minutes} for the chair"
        return f"{obj.slot_count} ({window}) ÷ {obj.minutes_per_statement}"

    @admin.display(description="Confirmed", ordering="confirmed_total")
    def confirmed(self, obj):
        return obj.confirmed_total

    @admin.display(description="Waiting list", ordering="waitlisted_total")
    def waitlisted(self, obj):
        return obj.waitlisted_total

    @admin.display(description="Awaiting the draw", ordering="pending_total")
    def pending(self, obj):
        return obj.pending_total

    def _publish(self, request, queryset, published: bool):
        for dialogue in queryset:
            try:
                dialogue_services.dialogue_publish(dialogue=dialogue, by=request.user, published=published)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{dialogue}: {problem(error)}", messages.ERROR)
            else:
                self.message_user(request, f"{dialogue}: {'published' if published else 'withdrawn'}.")

    @admin.action(description="Publish the selected lists of speakers on the sessions' pages…")
    def publish(self, request, queryset):
        if not admin_confirm.confirmed(request):
            return self._publish_confirmation(request, queryset, True)
        self._publish(request, queryset, True)

    @admin.action(description="Withdraw the selected lists of speakers from the sessions' pages…")
    def unpublish(self, request, queryset):
        if not admin_confirm.confirmed(request):
            return self._publish_confirmation(request, queryset, False)
        self._publish(request, queryset, False)

    def _publish_confirmation(self, request, queryset, published: bool):
        dialogues = list(queryset.select_related("session"))
        consequences = []
        for dialogue in dialogues:
            if not published:
                consequences.append(f"{dialogue.session.code}: the list of speakers leaves the session's page.")
                continue
            count = dialogue.confirmed_total
            seed = f", with the draw's seed {dialogue.draw_seed}" if dialogue.draw_seed else ""
            consequences.append(
                f"{dialogue.session.code}: the list of {count} confirmed speaker{'s' if count != 1 else ''} is "
                f"shown on the session's page{seed}."
            )
        verb = "Publish" if published else "Withdraw"
        return admin_confirm.page(
            self,
            request,
            queryset,
            title=f"{verb} lists of speakers",
            consequences=consequences,
            button=f"{verb} {len(dialogues)} list{'s' if len(dialogues) != 1 else ''}",
        )

    @admin.display(description="The draw's rule")
    def draw_rule(self, obj):
        return draw.RULE

    def get_urls(self):
        return [
            path("<int:pk>/draw/", self.admin_site.admin_view(self.draw_view), name="registrations_dialogue_draw"),
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="registrations_dialogue_publish",
            ),
            *super().get_urls(),
        ]

    def draw_view(self, request, pk):
        self.require_secretariat(request)
        dialogue = get_object_or_404(Dialogue.objects.select_related("session", "item"), pk=pk)
        form = DrawForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                order = dialogue_services.dialogue_draw(
                    dialogue=dialogue, by=request.user, seed=form.cleaned_data["seed"]
                )
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, problem(error), messages.ERROR)
            else:
                dialogue.refresh_from_db()
                self.message_user(
                    request,
                    f"Draw made with seed {dialogue.draw_seed}: {len(order)} applications, "
                    f"{min(len(order), dialogue.slot_count)} slots confirmed. Review, reorder if needed, and publish.",
                    messages.SUCCESS,
                )
                return redirect("admin:registrations_dialogue_change", pk)
        pending = (
            dialogue.applications.filter(status=SlotApplication.Status.PENDING)
            .select_related("organization__country__regional_group")
            .order_by("sequence")
        )
        return action_page(
            self,
            request,
            "admin/registrations/dialogue/draw.html",
            title=f"Draw the speaking slots: {dialogue}",
            dialogue=dialogue,
            form=form,
            pending=[(a, dialogue_services.region_label(a.organization)) for a in pending],
            rule=draw.RULE,
            closes_early=dialogue.applications_close_at > timezone.now(),
        )

    def publish_view(self, request, pk):
        self.require_secretariat(request)
        dialogue = get_object_or_404(Dialogue.objects.select_related("session__venue", "item"), pk=pk)
        if request.method == "POST":
            published = request.POST.get("published") == "1"
            try:
                dialogue_services.dialogue_publish(dialogue=dialogue, by=request.user, published=published)
            except ValidationError as error:
                self.message_user(request, problem(error), messages.ERROR)
            else:
                done = "Published on the session's page." if published else "Withdrawn from the session's page."
                self.message_user(request, done, messages.SUCCESS)
            return redirect("admin:registrations_dialogue_change", pk)
        confirmed = dialogue.applications.filter(status=SlotApplication.Status.CONFIRMED).select_related("organization")
        return action_page(
            self,
            request,
            "admin/registrations/dialogue/publish.html",
            title=f"Publish the list of speakers: {dialogue}",
            dialogue=dialogue,
            confirmed=[(a, dialogue.slot_times(a.position)) for a in confirmed.order_by("position")],
        )


@admin.register(SlotApplication)
class SlotApplicationAdmin(PublicContentAdminMixin, AuditTrailMixin, MoveActions, admin.ModelAdmin):
    list_display = [
        "position",
        "slot",
        "organization",
        "status",
        "region",
        "kind",
        "speaker_name",
        "theme",
        "sequence",
        "applied_at",
        "session",
    ]
    list_display_links = ["organization"]
    list_filter = [
        "dialogue__session",
        "status",
        "organization__kind",
        "organization__country__regional_group",
        "organization__ecosoc_status",
    ]
    search_fields = ["organization__name", "organization__acronym", "speaker_name"]
    list_select_related = [
        "organization__country__regional_group",
        "dialogue__item",
        "dialogue__session__venue",
        "theme",
    ]
    ordering = ["dialogue", "status", "position", "sequence"]
    fields = [
        "dialogue",
        "organization",
        "status",
        "position",
        "sequence",
        "speaker_name",
        "speaker_function",
        "speaker_email",
        "theme",
        "summary",
        "decision_reason",
        "applied_by",
        "applied_at",
    ]
    readonly_fields = [
        "dialogue",
        "organization",
        "status",
        "position",
        "sequence",
        "theme",
        "summary",
        "decision_reason",
        "applied_by",
        "applied_at",
    ]
    actions = ["confirm", "waitlist", "decline", "move_up", "move_down", "move_to_top"]
    service_arg = "application"
    move_service = staticmethod(dialogue_services.application_move)

    def has_add_permission(self, request):
        return False  # organizations apply

    def has_delete_permission(self, request, obj=None):
        return False  # decline instead: the history stays

    @admin.display(description="Time")
    def slot(self, obj):
        times = obj.slot_times()
        return f"{times[0]:%H:%M}–{times[1]:%H:%M}" if times else "—"

    @admin.display(description="Region", ordering="organization__country__regional_group__name")
    def region(self, obj):
        return dialogue_services.region_label(obj.organization)

    @admin.display(description="Kind", ordering="organization__kind")
    def kind(self, obj):
        return obj.organization.get_kind_display()

    @admin.display(description="Session", ordering="dialogue__session__number")
    def session(self, obj):
        return obj.dialogue.session.code

    @admin.action(description="Confirm the selected applications (next free slot)")
    def confirm(self, request, queryset):
        each(
            self,
            request,
            queryset.order_by("status", "position", "sequence"),
            dialogue_services.application_confirm,
            "Confirmed",
        )

    @admin.action(description="Move the selected applications to the end of the waiting list")
    def waitlist(self, request, queryset):
        each(
            self,
            request,
            queryset.order_by("position", "sequence"),
            dialogue_services.application_waitlist,
            "Wait-listed",
        )

    @admin.action(description="Decline the selected applications (a freed slot goes to the first on the waiting list)…")
    def decline(self, request, queryset):
        if not admin_confirm.confirmed(request):
            counts = queryset.aggregate(
                total=Count("pk"), confirmed=Count("pk", filter=Q(status=SlotApplication.Status.CONFIRMED))
            )
            total, confirmed = counts["total"], counts["confirmed"]
            return admin_confirm.page(
                self,
                request,
                queryset,
                title="Decline applications to speak",
                consequences=[
                    f"{total} application{'s' if total != 1 else ''} declined; each organization is told by e-mail.",
                    f"{confirmed} of them had a slot: each freed slot goes to the first on the waiting list, who is "
                    "told by e-mail.",
                ],
                button=f"Decline {total}",
            )
        each(self, request, queryset, dialogue_services.application_decline, "Declined")

    def move_label(self, application):
        return application.organization

    @admin.action(description="Move the selected speaker to the top of its list")
    def move_to_top(self, request, queryset):
        self._move(request, queryset, to=1)
