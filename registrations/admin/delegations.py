"""Delegation registrations: decisions single and bulk with reasons, counts per status, lists of participants."""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html

from audit.admin import AuditTrailMixin
from compact_portal.paginators import CappedCountAdmin
from registrations import services
from registrations.admin.actions import (
    ReadOnlyInline,
    SecretariatActions,
    action_page,
    each,
    ids_from,
    redirect_with_ids,
)
from registrations.models import (
    DelegationMember,
    DelegationRegistration,
    RegistrationEvent,
)
from registrations.selectors import delegations as delegation_selectors

MEMBERS_SHOWN = 50


class FirstMembersFormSet(BaseInlineFormSet):
    """The first members only: a delegation of 4,000 would otherwise make a page of 4,000 rows. All of them are in
    the members list, linked from the registration ("members_link")."""

    def get_queryset(self):
        # A list, read once: the forms index it one by one, and a sliced queryset would query for each.
        if not hasattr(self, "_first_members"):
            self._first_members = list(super().get_queryset()[:MEMBERS_SHOWN])
        return self._first_members


class MemberInline(ReadOnlyInline):
    model = DelegationMember
    formset = FirstMembersFormSet
    verbose_name_plural = f"delegation members (the first {MEMBERS_SHOWN})"
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
    # A member's family name by its beginning, through its index (migration 0016), not a scan of every member.
    search_fields = ["mission__state__name_en", "mission__state__iso3", "^members__family_name"]
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
        "members_link",
    ]
    readonly_fields = fields
    change_list_template = "admin/registrations/delegationregistration/change_list.html"
    change_form_template = "admin/registrations/delegationregistration/change_form.html"
    service_arg = "registration"

    show_full_result_count = False  # one count of the filtered rows per page, not a second one of the whole table

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

    @admin.display(description="Members", ordering="member_count")
    def members_count(self, obj):
        return obj.member_count  # kept by the services, not counted per page

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

    @admin.display(description="Members")
    def members_link(self, obj):
        url = reverse("admin:registrations_delegationmember_changelist") + f"?registration__id__exact={obj.pk}"
        return format_html('<a href="{}">All {} members</a>', url, obj.member_count)

    # Counts per status, over the filtered list.
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context=extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context["status_counts"] = delegation_selectors.status_counts(context["cl"].queryset)
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


@admin.register(DelegationMember)
class DelegationMemberAdmin(CappedCountAdmin, admin.ModelAdmin):
    """Every member of every delegation, a page at a time: finding one person among a COP's 100,000. Read only:
    members are the focal points' to change, through their registration. Counted only a few pages ahead
    (CappedCountAdmin)."""

    list_display = ["family_name", "given_name", "honorific", "function", "mission", "session_code", "status", "email"]
    list_filter = ["registration__session", "registration__status", "is_head", "attendance"]
    # Names and addresses that start with the words typed, in any case: each served by an index (migration 0016:
    # COLLATE NOCASE on SQLite, UPPER(...) text_pattern_ops on PostgreSQL), where "contains" reads every member.
    search_fields = ["^family_name", "^given_name", "^email"]
    search_help_text = "Family name, given name or e-mail address, or their beginning (any case)."
    list_select_related = ["registration__mission", "registration__session"]
    # The order of an index (registration, head first, order, id): a page is read from it, not sorted from the table.
    # The registration's id, not "registration", which would sort by the registration's own order (session, State).
    ordering = ["registration_id", "-is_head", "order", "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Mission", ordering="registration__mission__name")
    def mission(self, obj):
        return obj.registration.mission.name

    @admin.display(description="Session", ordering="registration__session__number")
    def session_code(self, obj):
        return obj.registration.session.code

    @admin.display(description="Registration")
    def status(self, obj):
        return obj.registration.get_status_display()
