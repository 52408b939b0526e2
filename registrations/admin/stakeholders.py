"""Stakeholders: organizations and their accreditation, non-objection lists, representatives."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, URLField
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timeuntil

from audit.admin import AuditTrailMixin
from compact_portal import admin_confirm
from registrations.admin.accounts import AccountFieldMixin, AccountLinkingAdmin
from registrations.admin.actions import (
    ReadOnlyInline,
    SecretariatActions,
    action_page,
    each,
    ids_from,
    problem,
    redirect_with_ids,
)
from registrations.models import (
    NonObjectionEntry,
    NonObjectionList,
    Organization,
    OrganizationEvent,
    Profile,
    Representation,
)
from registrations.services import dialogue as dialogue_services
from registrations.services import stakeholders
from sessions.public_cache import PublicContentAdminMixin


class StakeholdersAdmin(SecretariatActions, admin.ModelAdmin):
    """Actions with permissions=["secretariat"] are the secretariat's; a new object records who made it."""

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


# --- Organizations and accreditation ----------------------------------------------------------------------------------


class OrganizationFocalPointInline(AccountFieldMixin, admin.TabularInline):
    model = Profile
    fk_name = "organization"
    fields = ["user", "is_focal_point"]
    autocomplete_fields = ["user"]
    extra = 0
    verbose_name = "account"
    verbose_name_plural = "accounts (focal points act for the organization)"


class OrganizationEventInline(ReadOnlyInline):
    model = OrganizationEvent
    fields = ["at", "to_status", "reason", "by", "notified_at"]
    readonly_fields = fields
    verbose_name_plural = "accreditation history"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), help_text="Sent to the organization."
    )
    ids = forms.CharField(widget=forms.HiddenInput)


class ListChoiceForm(forms.Form):
    nolist = forms.ModelChoiceField(
        label="Open list", queryset=NonObjectionList.objects.none(), required=False, empty_label="— a new list —"
    )
    title = forms.CharField(max_length=200, required=False, help_text="For a new list.")
    deadline = forms.DateTimeField(
        required=False,
        help_text="For a new list: until when Member States may object (YYYY-MM-DD HH:MM, portal time).",
    )
    ids = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nolist"].queryset = NonObjectionList.objects.open()

    def clean(self):
        data = super().clean()
        if not data.get("nolist") and not (data.get("title") and data.get("deadline")):
            raise ValidationError("Choose an open list, or give the title and deadline of a new one.")
        return data


@admin.register(Organization)
class OrganizationAdmin(PublicContentAdminMixin, AuditTrailMixin, AccountLinkingAdmin, StakeholdersAdmin):
    formfield_overrides = {URLField: {"assume_scheme": "https"}}  # Django 6's default, chosen now
    list_display = ["name", "acronym", "kind", "ecosoc_status", "country", "region", "accreditation", "accredited_at"]
    list_filter = ["accreditation", "ecosoc_status", "kind", "country__regional_group"]
    search_fields = ["name", "acronym", "email"]
    list_select_related = ["country__regional_group"]
    autocomplete_fields = ["country"]
    fields = [
        "name",
        "acronym",
        "kind",
        "ecosoc_status",
        "country",
        "website",
        "email",
        "accreditation",
        "accreditation_reason",
        "accredited_at",
        "created_at",
        "created_by",
    ]
    readonly_fields = ["accreditation", "accreditation_reason", "accredited_at", "created_at", "created_by"]
    inlines = [OrganizationFocalPointInline, OrganizationEventInline]
    actions = ["confirm_accreditation", "put_on_list", "decline_accreditation"]
    service_arg = "organization"

    @admin.display(description="Region", ordering="country__regional_group__name")
    def region(self, obj):
        return dialogue_services.region_label(obj)

    @admin.action(description="Confirm ECOSOC status: accredit the selected organizations", permissions=["secretariat"])
    def confirm_accreditation(self, request, queryset):
        each(self, request, queryset, stakeholders.accreditation_confirm, "Accredited")

    @admin.action(description="Put the selected organizations on a non-objection list…", permissions=["secretariat"])
    def put_on_list(self, request, queryset):
        return redirect_with_ids("admin:registrations_organization_put_on_list", queryset)

    @admin.action(description="Decline the accreditation of the selected organizations…", permissions=["secretariat"])
    def decline_accreditation(self, request, queryset):
        return redirect_with_ids("admin:registrations_organization_decline", queryset)

    def get_urls(self):
        return [
            path(
                "put-on-list/",
                self.admin_site.admin_view(self.put_on_list_view),
                name="registrations_organization_put_on_list",
            ),
            path("decline/", self.admin_site.admin_view(self.decline_view), name="registrations_organization_decline"),
            *super().get_urls(),
        ]

    def _page(self, request, title, form, organizations, template):
        return action_page(
            self,
            request,
            f"admin/registrations/organization/{template}",
            title=title,
            form=form,
            organizations=organizations,
        )

    def put_on_list_view(self, request):
        self.require_secretariat(request)
        source = request.POST if request.method == "POST" else request.GET
        organizations = list(Organization.objects.filter(pk__in=ids_from(source)).select_related("country"))
        form = ListChoiceForm(request.POST or None, initial={"ids": source.get("ids", "")})
        if request.method == "POST" and form.is_valid():
            try:
                nolist = form.cleaned_data["nolist"] or stakeholders.non_objection_list_create(
                    title=form.cleaned_data["title"], deadline=form.cleaned_data["deadline"], by=request.user
                )
                stakeholders.non_objection_list_add(nolist=nolist, organizations=organizations, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, problem(error), messages.ERROR)
            else:
                self.message_user(
                    request, f"On {nolist.title}: {', '.join(map(str, organizations))}.", messages.SUCCESS
                )
                return redirect("admin:registrations_nonobjectionlist_change", nolist.pk)
        return self._page(request, "Put organizations on a non-objection list", form, organizations, "put_on_list.html")

    def decline_view(self, request):
        self.require_secretariat(request)
        source = request.POST if request.method == "POST" else request.GET
        organizations = list(Organization.objects.filter(pk__in=ids_from(source)))
        form = ReasonForm(request.POST or None, initial={"ids": source.get("ids", "")})
        if request.method == "POST" and form.is_valid():
            each(
                self,
                request,
                organizations,
                stakeholders.accreditation_decline,
                "Not accredited",
                reason=form.cleaned_data["reason"],
            )
            return redirect("admin:registrations_organization_changelist")
        return self._page(request, "Decline accreditation", form, organizations, "decline.html")


class NonObjectionEntryInline(ReadOnlyInline):
    model = NonObjectionEntry
    fields = ["organization", "organization_kind", "outcome", "objections_summary", "decided_at"]
    readonly_fields = fields
    verbose_name_plural = "organizations on the list (objections and their reasons: secretariat only)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organization")
            .prefetch_related("objections__state", "objections__by")
        )

    @admin.display(description="Kind")
    def organization_kind(self, obj):
        return obj.organization.get_kind_display()

    @admin.display(description="Objections")
    def objections_summary(self, obj):
        objections = list(obj.objections.all())
        if not objections:
            return "None"
        return format_html_join(
            "",
            "<p><strong>{}</strong> ({}, {}){}</p>",
            (
                (
                    o.state.name_en,
                    o.by.email if o.by else "—",
                    timezone.localtime(o.at).strftime("%d %b %Y %H:%M"),
                    format_html(": {}", o.reason) if o.reason else "",
                )
                for o in objections
            ),
        )


@admin.register(NonObjectionList)
class NonObjectionListAdmin(AuditTrailMixin, StakeholdersAdmin):
    list_display = ["title", "deadline", "organizations", "objected", "closed_at"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter)]
    fields = ["title", "deadline", "created_by", "created_at", "closed_at", "closed_by"]
    readonly_fields = ["created_by", "created_at", "closed_at", "closed_by"]
    inlines = [NonObjectionEntryInline]
    actions = ["close_now"]
    service_arg = "nolist"

    def get_readonly_fields(self, request, obj=None):
        # Once made, a list changes only by the services: organizations put on it, closed (the action).
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "title", "deadline"] if obj else readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form

        class NewListForm(form):
            def clean_deadline(self):
                deadline = self.cleaned_data["deadline"]
                stakeholders.non_objection_deadline_check(deadline)
                return deadline

        return NewListForm

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing editable is left on a list once made
        created = stakeholders.non_objection_list_create(title=obj.title, deadline=obj.deadline, by=request.user)
        obj.pk, obj.created_by, obj.created_at = created.pk, created.created_by, created.created_at
        obj._state.adding = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                entry_total=Count("entries", distinct=True),
                objected_total=Count("entries", filter=Q(entries__objections__isnull=False), distinct=True),
            )
        )

    @admin.display(description="Organizations", ordering="entry_total")
    def organizations(self, obj):
        return obj.entry_total

    @admin.display(description="With an objection", ordering="objected_total")
    def objected(self, obj):
        return obj.objected_total

    @admin.action(
        description="Close the selected lists now (accredit organizations without objection)…",
        permissions=["secretariat"],
    )
    def close_now(self, request, queryset):
        if not admin_confirm.confirmed(request):
            return self._close_now_confirmation(request, queryset)
        for nolist in queryset:
            try:
                counts = stakeholders.non_objection_list_close(nolist=nolist, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{nolist.title}: {problem(error)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{nolist.title}: {counts['approved']} accredited, {counts['not_approved']} not (objection).",
                    messages.SUCCESS,
                )

    def _close_now_confirmation(self, request, queryset):
        now = timezone.now()
        pending = Q(entries__outcome=NonObjectionEntry.Outcome.PENDING)
        lists = list(
            queryset.annotate(
                pending_total=Count("entries", filter=pending, distinct=True),
                pending_objected=Count("entries", filter=pending & Q(entries__objections__isnull=False), distinct=True),
            )
        )
        consequences, warnings = [], []
        for nolist in lists:
            if nolist.is_closed:
                consequences.append(f"“{nolist.title}” is closed already: nothing happens to it.")
                continue
            accredited = nolist.pending_total - nolist.pending_objected
            consequences.append(
                f"“{nolist.title}” closes now: {accredited} organization{'s' if accredited != 1 else ''} accredited "
                f"(no objection), {nolist.pending_objected} not accredited (objection). Each organization is told "
                "by e-mail."
            )
            if nolist.deadline > now:
                warnings.append(
                    f"“{nolist.title}” is open to objections until {timezone.localtime(nolist.deadline):%d %B %Y %H:%M}"
                    f" (in {timeuntil(nolist.deadline, now)}): closing it now ends the Member States' time to object."
                )
        return admin_confirm.page(
            self,
            request,
            queryset,
            title="Close non-objection lists now",
            consequences=consequences,
            warnings=warnings,
            objects=[nolist.title for nolist in lists],
            button=f"Close {len(lists)} list{'s' if len(lists) != 1 else ''} now",
        )


@admin.register(Representation)
class RepresentationAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ["user", "organization", "session", "function", "status", "requested_at", "decided_at"]
    list_filter = ["session", "status", "organization__kind"]
    search_fields = ["user__email", "organization__name"]
    list_select_related = ["user", "organization", "session"]
    fields = ["session", "organization", "user", "function", "status", "requested_at", "decided_at", "decided_by"]
    readonly_fields = fields
    actions = ["confirm", "decline"]
    service_arg = "representation"

    def has_add_permission(self, request):
        return False  # people ask; the focal point or the secretariat confirms

    @admin.action(description="Confirm the selected representatives (within the session's quota)")
    def confirm(self, request, queryset):
        each(self, request, queryset, stakeholders.representation_decide, "Confirmed", confirm=True)

    @admin.action(description="Decline the selected representatives…")
    def decline(self, request, queryset):
        if not admin_confirm.confirmed(request):
            count = queryset.count()
            return admin_confirm.page(
                self,
                request,
                queryset,
                title="Decline representatives",
                consequences=[
                    f"{count} request{'s' if count != 1 else ''} to represent an organization declined; each person "
                    "is told by e-mail."
                ],
                button=f"Decline {count}",
            )
        each(self, request, queryset, stakeholders.representation_decide, "Declined", confirm=False)
