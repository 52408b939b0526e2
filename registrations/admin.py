from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from audit.admin import AuditTrailMixin
from registrations import permissions, selectors, services
from registrations.admin_accounts import AccountFieldMixin, AccountLinkingAdmin, ProfileAdmin
from registrations.admin_actions import (
    MoveActions,
    ReadOnlyInline,
    SecretariatActions,
    action_page,
    each,
    ids_from,
    problem,
    redirect_with_ids,
)
from registrations.models import (
    FLOOR_KINDS,
    DelegationMember,
    DelegationRegistration,
    Inscription,
    PermanentMission,
    Profile,
    RegionalGroup,
    RegistrationEvent,
    SpeakersList,
    State,
)
from sessions.models import AgendaItem


@admin.register(RegionalGroup)
class RegionalGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code"]
    search_fields = ["name", "short_name", "code"]
    list_filter = ["short_name"]


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "iso3", "membership", "regional_group", "admitted"]
    list_filter = ["membership", "regional_group"]
    search_fields = ["name_en", "name_fr", "iso3", "iso2"]
    list_select_related = ["regional_group"]


# --- Accounts ---------------------------------------------------------------------------------------------------


class FocalPointInline(AccountFieldMixin, admin.TabularInline):
    model = Profile
    fk_name = "mission"
    fields = ["user", "is_focal_point"]
    autocomplete_fields = ["user"]
    extra = 0
    verbose_name = "account"
    verbose_name_plural = "accounts (focal points act for the mission)"


@admin.register(PermanentMission)
class PermanentMissionAdmin(AuditTrailMixin, AccountLinkingAdmin, admin.ModelAdmin):
    list_display = ["name", "duty_station", "head_name", "emails", "correspondence_language"]
    list_filter = ["duty_station", "correspondence_language", "state__membership", "state__regional_group"]
    search_fields = ["name", "head_name", "emails", "state__name_en", "state__iso3"]
    list_select_related = ["state"]
    autocomplete_fields = ["state"]
    inlines = [FocalPointInline]


admin.site.register(Profile, ProfileAdmin)


# --- Delegation registrations -------------------------------------------------------------------------------------


class MemberInline(ReadOnlyInline):
    model = DelegationMember
    fields = ["is_head", "honorific", "given_name", "family_name", "function", "email", "attendance"]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = RegistrationEvent
    fields = ["at", "from_status", "to_status", "reason", "by", "notified_at"]
    readonly_fields = fields
    verbose_name_plural = "history"


DECISION_LABELS = {"approve": "Approve", "return": "Return for changes", "reject": "Reject"}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=list(DECISION_LABELS.items()), widget=forms.RadioSelect)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        required=False,
        help_text="Sent to the focal points. Required to return or reject.",
    )
    ids = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("return", "reject") and not data.get("reason", "").strip():
            self.add_error("reason", "Give the reason: the focal point reads it.")
        return data


@admin.register(DelegationRegistration)
class DelegationRegistrationAdmin(AuditTrailMixin, SecretariatActions, admin.ModelAdmin):
    list_display = ["state", "session_code", "regional_group", "status", "members_count", "submitted_at", "decided_at"]
    list_filter = ["session", "status", "mission__state__regional_group", "mission__state__membership"]
    search_fields = ["mission__state__name_en", "mission__state__iso3", "members__family_name"]
    list_select_related = ["session", "mission__state__regional_group"]
    date_hierarchy = None
    actions = ["approve", "return_for_changes", "reject"]
    inlines = [MemberInline, EventInline]
    fields = [
        "session",
        "mission",
        "status",
        "note_verbale_link",
        "decision_reason",
        "created_by",
        "created_at",
        "submitted_at",
        "decided_at",
        "decided_by",
        "letters_link",
    ]
    readonly_fields = fields
    change_list_template = "admin/registrations/delegationregistration/change_list.html"
    change_form_template = "admin/registrations/delegationregistration/change_form.html"
    service_arg = "registration"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members", distinct=True))

    def has_add_permission(self, request):
        return False  # focal points register; the secretariat processes

    def has_delete_permission(self, request, obj=None):
        return False  # the history stays

    @admin.display(description="State", ordering="mission__state__name_en")
    def state(self, obj):
        return obj.mission.state.name_en

    @admin.display(description="Session", ordering="session__number")
    def session_code(self, obj):
        return obj.session.code

    @admin.display(description="Regional group", ordering="mission__state__regional_group__name")
    def regional_group(self, obj):
        group = obj.mission.state.regional_group
        return group.short_name or group.name if group else "—"

    @admin.display(description="Members", ordering="member_total")
    def members_count(self, obj):
        return obj.member_total

    @admin.display(description="Note verbale")
    def note_verbale_link(self, obj):
        if not obj.note_verbale:
            return "—"
        url = reverse("registrations:note_verbale", kwargs={"pk": obj.pk})
        return format_html('<a href="{}">{}</a>', url, obj.note_verbale_name or "note verbale (PDF)")

    @admin.display(description="Confirmation letters")
    def letters_link(self, obj):
        if obj.status != DelegationRegistration.Status.APPROVED:
            return "After approval"
        url = reverse("registrations:letters", kwargs={"pk": obj.pk})
        return format_html('<a href="{}">Confirmation letters (PDF)</a>', url)

    # Counts per status, over the filtered list.
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context=extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context["status_counts"] = selectors.status_counts(context["cl"].queryset)
        return response

    # Decisions, single and bulk, each with a reason, through one page.
    def get_urls(self):
        custom = [
            path(
                "decide/",
                self.admin_site.admin_view(self.decide_view),
                name="registrations_delegationregistration_decide",
            )
        ]
        return custom + super().get_urls()

    def _decide_redirect(self, queryset, decision):
        return redirect_with_ids("admin:registrations_delegationregistration_decide", queryset, decision=decision)

    @admin.action(description="Approve selected registrations…", permissions=["secretariat"])
    def approve(self, request, queryset):
        return self._decide_redirect(queryset, "approve")

    @admin.action(description="Return selected registrations for changes…", permissions=["secretariat"])
    def return_for_changes(self, request, queryset):
        return self._decide_redirect(queryset, "return")

    @admin.action(description="Reject selected registrations…", permissions=["secretariat"])
    def reject(self, request, queryset):
        return self._decide_redirect(queryset, "reject")

    def decide_view(self, request):
        self.require_secretariat(request)
        source = request.POST if request.method == "POST" else request.GET
        ids = ids_from(source)
        registrations = list(
            DelegationRegistration.objects.filter(pk__in=ids)
            .select_related("session", "mission__state")
            .order_by("mission__state__name_en")
        )
        if request.method == "POST":
            form = DecisionForm(request.POST)
            if form.is_valid():
                self._apply(request, registrations, form.cleaned_data["decision"], form.cleaned_data["reason"])
                return redirect("admin:registrations_delegationregistration_changelist")
        else:
            form = DecisionForm(initial={"decision": source.get("decision"), "ids": ",".join(map(str, ids))})
        return action_page(
            self,
            request,
            "admin/registrations/delegationregistration/decide.html",
            title="Decide on registrations",
            form=form,
            registrations=registrations,
        )

    def _apply(self, request, registrations, decision, reason):
        verb = {"approve": "Approved", "return": "Returned", "reject": "Rejected"}[decision]
        each(self, request, registrations, services.DECISIONS[decision], verb, reason=reason)


# --- Speakers lists -----------------------------------------------------------------------------------------------


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


# Stakeholders: organizations, accreditation, non-objection lists, representatives, the informal dialogue;
# focal-point requests (admin_missions); lists of participants per session and the documents made from them in the
# background (admin_participants).
from registrations import admin_missions, admin_participants, admin_stakeholders  # noqa: E402, F401
