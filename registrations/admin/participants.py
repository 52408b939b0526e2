"""The secretariat's list of participants per session (admin): the delegations in the UN's order, and the documents
a worker makes from it (PDF, CSV, every approved member's confirmation letters) with their progress, downloads and
publication on the session's page. Nothing long is made in a web request (registrations/documents.py)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from audit import trail
from compact_portal.permissions import is_secretariat
from registrations import documents, participants
from registrations.admin.actions import action_page
from registrations.models import DelegationMember, DelegationRegistration, GeneratedDocument, Representation
from sessions.models import ThematicSession

DELEGATIONS_PER_PAGE = 50
STAKEHOLDERS_SHOWN = 50
MAKE_BUTTONS = [
    (GeneratedDocument.Kind.PARTICIPANTS_PDF, "Make the list of participants (PDF)"),
    (GeneratedDocument.Kind.PARTICIPANTS_CSV, "Make the list of participants (CSV)"),
    (GeneratedDocument.Kind.LETTERS_ZIP, "Make every approved member's confirmation letters (zip)"),
]
RECENT_DOCUMENTS = 10


def participants_url(session_slug: str) -> str:
    return reverse("admin:registrations_generateddocument_participants", args=[session_slug])


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ["kind", "session_code", "status", "percent_done", "names", "created_by", "created_at", "download"]
    list_filter = ["session", "kind", "status"]
    list_select_related = ["session", "created_by"]

    def has_view_permission(self, request, obj=None):
        return is_secretariat(request.user)

    def has_module_permission(self, request):
        return is_secretariat(request.user)

    def has_add_permission(self, request):
        return False  # asked for from a session's list of participants

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Session", ordering="session__number")
    def session_code(self, obj):
        return format_html('<a href="{}">{}</a>', participants_url(obj.session.slug), obj.session.code)

    @admin.display(description="Progress")
    def percent_done(self, obj):
        return f"{obj.percent:g}%"

    @admin.display(description="File")
    def download(self, obj):
        if obj.status != GeneratedDocument.Status.DONE:
            return "—"
        url = reverse("admin:registrations_generateddocument_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.filename)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "participants/<slug:session_slug>/",
                view(self.participants_view),
                name="registrations_generateddocument_participants",
            ),
            path(
                "participants/<slug:session_slug>/make/",
                view(require_POST(self.make_view)),
                name="registrations_generateddocument_make",
            ),
            path("<int:pk>/progress.json", view(self.progress_view), name="registrations_generateddocument_progress"),
            path("<int:pk>/download/", view(self.download_view), name="registrations_generateddocument_download"),
            path("<int:pk>/publish/", view(self.publish_view), name="registrations_generateddocument_publish"),
            *super().get_urls(),
        ]

    def _require(self, request):
        if not is_secretariat(request.user):
            raise PermissionDenied

    def participants_view(self, request, session_slug):
        self._require(request)
        session = get_object_or_404(ThematicSession.objects.select_related("venue", "process"), slug=session_slug)
        heads = DelegationMember.objects.filter(is_head=True)
        registrations = (
            DelegationRegistration.objects.filter(session=session, status=DelegationRegistration.Status.APPROVED)
            .select_related("mission__state")
            .prefetch_related(Prefetch("members", queryset=heads, to_attr="heads"))
            .order_by("mission__state__membership", "mission__state__name_en")
        )
        page = Paginator(registrations, DELEGATIONS_PER_PAGE).get_page(request.GET.get("page"))
        rows = [
            {
                "section": participants.MEMBERSHIP_SECTIONS.get(r.mission.state.membership, ""),
                "name": r.mission.state.name_en,
                "head": r.heads[0] if r.heads else None,
                "members": r.member_count,
                "url": reverse("admin:registrations_delegationregistration_change", args=[r.pk]),
            }
            for r in page
        ]
        confirmed = Representation.objects.filter(session=session, status=Representation.Status.CONFIRMED)
        # The first organizations, not all of them (a COP has thousands): the representatives list has the rest.
        stakeholders = (
            confirmed.values_list("organization__name")
            .annotate(n=Count("pk"))
            .order_by("organization__name")[:STAKEHOLDERS_SHOWN]
        )
        recent = GeneratedDocument.objects.filter(session=session).select_related("created_by")[:RECENT_DOCUMENTS]
        recent = list(recent)
        return action_page(
            self,
            request,
            "admin/registrations/participants.html",
            title=f"{participants.TITLE}: {session.code}",
            session=session,
            heading=participants.heading(session),
            page=page,
            rows=rows,
            stakeholders=list(stakeholders),
            stakeholder_count=confirmed.values("organization").distinct().count(),
            representatives_url=reverse("admin:registrations_representation_changelist")
            + f"?session__id__exact={session.pk}&status__exact={Representation.Status.CONFIRMED}",
            names=participants.count_names(session),
            documents=recent,
            pending=any(not document.progress()["done"] for document in recent),
            make_buttons=MAKE_BUTTONS,
        )

    def make_view(self, request, session_slug):
        self._require(request)
        session = get_object_or_404(ThematicSession, slug=session_slug)
        kind = request.POST.get("kind")
        if kind not in GeneratedDocument.Kind.values:
            raise Http404("No such document.")
        document = documents.document_request(session=session, kind=kind, by=request.user)
        self.message_user(
            request,
            f"{document.get_kind_display()}: being made by a worker; this page shows its progress.",
            messages.SUCCESS,
        )
        return redirect(participants_url(session.slug))

    def _document(self, request, pk) -> GeneratedDocument:
        self._require(request)
        return get_object_or_404(GeneratedDocument.objects.select_related("session"), pk=pk)

    def progress_view(self, request, pk):
        return JsonResponse(self._document(request, pk).progress())

    def download_view(self, request, pk):
        document = self._document(request, pk)
        if document.status != GeneratedDocument.Status.DONE or not document.file:
            raise Http404("Not ready.")
        with transaction.atomic():  # exports of personal data are on the audit trail
            trail.record(
                actor=request.user,
                action=f"{document.get_kind_display()} downloaded",
                obj=document,
                object_repr=f"{document.filename} ({document.names} names)",
                session_id=document.session_id,
            )
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename)

    def publish_view(self, request, pk):
        document = self._document(request, pk)
        if request.method == "POST":
            published = request.POST.get("published") == "1"
            try:
                documents.document_publish(document=document, by=request.user, published=published)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                done = "Published on the session's page." if published else "Withdrawn from the session's page."
                self.message_user(request, done, messages.SUCCESS)
            return redirect(participants_url(document.session.slug))
        return action_page(
            self,
            request,
            "admin/registrations/participants_publish.html",
            title=f"Publish the list of participants: {document.session.code}",
            document=document,
            session=document.session,
            public_url=reverse("registrations:participants_list", kwargs={"slug": document.session.slug}),
        )
