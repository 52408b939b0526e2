"""The secretariat's desk for focal-point requests: a list with counts per status, approve, decline with a reason.
The workflow fields are read-only: the actions call the services (registrations/missions.py)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html

from compact_portal import admin_confirm
from registrations import missions, permissions
from registrations.admin.actions import action_page, each, ids_from, redirect_with_ids
from registrations.models import FocalPointRequest


class AutomaticApprovalFilter(admin.BooleanFieldListFilter):
    """The `via_letter` filter, named for what it means."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "approved automatically (the account has the letter's address)"


class DeclineForm(forms.Form):
    ids = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="The requester reads it.")


@admin.register(FocalPointRequest)
class FocalPointRequestAdmin(admin.ModelAdmin):
    list_display = ["user_email", "state", "function", "status", "approved_automatically", "created_at", "letter_link"]
    list_filter = ["status", ("via_letter", AutomaticApprovalFilter), "mission__state__regional_group"]
    search_fields = ["user__email", "mission__state__name_en", "function"]
    list_select_related = ["user", "mission__state", "session"]
    actions = ["approve", "decline"]
    service_arg = "request"
    fields = [
        "user",
        "mission",
        "function",
        "letter_link",
        "session",
        "approved_automatically",
        "status",
        "reason",
        "language",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return permissions.is_secretariat(request.user)

    @admin.display(description="Account", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.display(description="State", ordering="mission__state__name_en")
    def state(self, obj):
        return obj.mission.state.name_en

    @admin.display(description="Approved automatically (the account has the letter's address)", ordering="via_letter")
    def approved_automatically(self, obj):
        """`via_letter`: no one decided; the account's verified address is the one the session's letter went to."""
        if not obj.via_letter:
            return "—"
        session = obj.session.code if obj.session else "a session since deleted"
        return f"Yes: it followed the link of the letter for {session}, sent to this address"

    @admin.display(description="Letter of designation")
    def letter_link(self, obj):
        if not obj.designation_letter:
            return "—"
        url = reverse("admin:registrations_focalpointrequest_letter", kwargs={"pk": obj.pk})
        return format_html('<a href="{}">{}</a>', url, obj.designation_letter_name or "letter (PDF)")

    def changelist_view(self, request, extra_context=None):
        counts = dict(
            FocalPointRequest.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        summary = " · ".join(
            f"{counts.get(value, 0)} {label.lower()}" for value, label in FocalPointRequest.Status.choices
        )
        extra_context = {**(extra_context or {}), "title": f"Focal-point requests: {summary}"}
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self):
        return [
            path(
                "decline/",
                self.admin_site.admin_view(self.decline_view),
                name="registrations_focalpointrequest_decline",
            ),
            path(
                "<int:pk>/letter.pdf",
                self.admin_site.admin_view(self.letter_view),
                name="registrations_focalpointrequest_letter",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Approve selected requests (link the accounts)…", permissions=["decide"])
    def approve(self, request, queryset):
        requests = list(queryset.select_related("user", "mission__state").order_by("mission__state__name_en", "pk"))
        if not admin_confirm.confirmed(request):
            pending = [item for item in requests if item.status == FocalPointRequest.Status.PENDING]
            count = len(pending)
            accounts = f"{count} account{'s' if count != 1 else ''}"
            skipped = len(requests) - count
            return admin_confirm.page(
                self,
                request,
                queryset,
                title="Approve focal-point requests",
                consequences=[
                    f"{accounts} become{'s' if count == 1 else ''} focal point{'s' if count != 1 else ''} of the "
                    "mission named: they register its delegations, answer for it and receive its letters.",
                    "Each requester is told by e-mail, and so are the mission's other focal points.",
                ],
                objects=[f"{item.user.email} → {item.mission.state.name_en} ({item.function})" for item in pending],
                warnings=[f"{skipped} of the selected requests are already decided: left as they are."]
                if skipped
                else [],
                button=f"Approve {count} request{'s' if count != 1 else ''}",
            )
        each(self, request, requests, missions.focal_point_request_approve, "Approved")

    @admin.action(description="Decline selected requests…", permissions=["decide"])
    def decline(self, request, queryset):
        return redirect_with_ids("admin:registrations_focalpointrequest_decline", queryset)

    def decline_view(self, request):
        if not self.has_decide_permission(request):
            raise PermissionDenied
        source = request.POST if request.method == "POST" else request.GET
        ids = ids_from(source)
        requests = list(FocalPointRequest.objects.filter(pk__in=ids).select_related("user", "mission__state"))
        form = DeclineForm(request.POST if request.method == "POST" else None, initial={"ids": ",".join(map(str, ids))})
        if request.method == "POST" and form.is_valid():
            each(
                self,
                request,
                requests,
                missions.focal_point_request_decline,
                "Declined",
                reason=form.cleaned_data["reason"],
            )
            return redirect("admin:registrations_focalpointrequest_changelist")
        return action_page(
            self,
            request,
            "admin/registrations/focalpointrequest/decline.html",
            title="Decline focal-point requests",
            form=form,
            requests=requests,
        )

    def letter_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        item = get_object_or_404(FocalPointRequest.objects.exclude(designation_letter=""), pk=pk)
        try:
            handle = item.designation_letter.open("rb")
        except FileNotFoundError as error:
            raise Http404("The file is missing.") from error
        response = FileResponse(
            handle, content_type="application/pdf", as_attachment=True, filename=f"designation-{item.pk}.pdf"
        )
        response["Cache-Control"] = "private, no-store"
        return response
