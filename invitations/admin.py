"""The letters' admin: compose, preview the PDF for a chosen mission, send with a confirmation, watch the progress.

Co-facilitators (invitations.send_letter) and superusers send; the secretariat prepares and previews. Dispatches and
deliveries are written only by invitations.dispatch, never by hand here.
"""

from datetime import UTC

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from audit.admin import AuditTrailMixin
from compact_portal import permissions
from compact_portal.csv_export import csv_response
from compact_portal.paginators import CountedPaginator
from compact_portal.pdf import DocumentTooLong, RenderTimeout
from invitations import selectors, services
from invitations.audiences import CsvRecipientsError, registration_link_value
from invitations.dispatch import dispatch_create, dispatch_resend_failed
from invitations.forms import AudienceForm, LetterAdminForm, PreviewForm, SendForm, SignatureForm
from invitations.models import LANGUAGE_NAMES, Delivery, Dispatch, Letter, LetterVersion, Signatory
from invitations.placeholders import fill, session_values
from invitations.rendering import letter_rendered, mission_values, pdf_filename, sample_values
from outbox.models import OutgoingMail
from sessions.models import SessionDocument, ThematicSession

# How many of an audience's recipients the confirmation page lists (it counts them all).
RECIPIENTS_SHOWN = 50


class SessionFilter(admin.SimpleListFilter):
    """By session, named by its code and the start of its title: the full titles are a paragraph each."""

    title = "session"
    parameter_name = "session"
    session_path = "session"

    def lookups(self, request, model_admin):
        return [
            (session.pk, Truncator(f"{session.code}: {session.title}").chars(48))
            for session in ThematicSession.objects.order_by("number").only("pk", "number", "title")
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.session_path}__pk": self.value()})
        return queryset


class LetterFilter(admin.SimpleListFilter):
    title = "letter"
    parameter_name = "letter"

    def lookups(self, request, model_admin):
        return [(letter.pk, str(letter)) for letter in Letter.objects.select_related("session")]

    def queryset(self, request, queryset):
        return queryset.filter(letter__pk=self.value()) if self.value() else queryset


class LetterSessionFilter(SessionFilter):
    session_path = "letter__session"


class DispatchSessionFilter(SessionFilter):
    session_path = "dispatch__letter__session"


def subject_for_display(letter: Letter) -> str:
    """The subject with the session's placeholders filled in (the recipient's stay as they are)."""
    return fill(letter.subject, session_values(letter.session, language=letter.language), html=False)


def version_checks(letter: Letter) -> list[dict]:
    """Each version rendered with sample values: its page count, whether it had to be set smaller to fit one
    page, or the error that stopped it. For the preview page's warnings."""
    checks = []
    for language in letter.languages:
        check = {"language": language, "label": LANGUAGE_NAMES.get(language, language)}
        try:
            rendered = letter_rendered(
                letter, values=sample_values(letter), language=language,
                time_limit=settings.LETTER_PREVIEW_TIME_LIMIT_SECONDS,
            )  # fmt: skip
        except (RenderTimeout, DocumentTooLong) as error:
            check["error"] = str(error)
        else:
            check |= {"pages": rendered.page_count, "fit_step": rendered.fit_step}
        check["missing_documents"] = documents_mentioned_not_attached(letter, language=language)
        checks.append(check)
    return checks


def documents_mentioned_not_attached(letter: Letter, *, language: str) -> list[str]:
    """Kinds of session document the version's body names ("procedural note", "note de procédure", …) of which
    no document is attached to the letter. "Programme" is left out: the word is common in letters ("programa
    provisional" is the agenda in Spanish) and would warn where nothing is missing."""
    version = letter.version_for(language)
    body = (version.body if version is not None else "").lower()
    attached = set(letter.attachments.values_list("kind", flat=True))
    missing = []
    with translation.override(language):
        for kind in SessionDocument.Kind:
            if (
                kind != SessionDocument.Kind.PROGRAMME
                and kind.value not in attached
                and str(kind.label).lower() in body
            ):
                missing.append(str(kind.label).lower())
    return missing


# --- Letters ----------------------------------------------------------------------------------------------------------


class LetterVersionInline(admin.StackedInline):
    """The letter in the other official languages: each mission gets the version in its language of
    correspondence, or the main text where there is none."""

    model = LetterVersion
    extra = 0
    fields = ["language", "place_date", "subject", "salutation", "body", "closing", "addressee", "signatory_titles"]
    verbose_name = "version in another language"
    verbose_name_plural = "versions in other languages"
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 6, "cols": 100})}}

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["body"].widget.attrs["rows"] = 18
        return formset


class SignatoryInline(admin.StackedInline):
    """Stacked: titles and letterheads run to several lines (Switzerland's letterhead is in four languages).
    The signature image is not here: co-facilitators set it on the letter's "Signatures" page."""

    model = Signatory
    extra = 0
    fields = ["order", "name", "title", "letterhead", "emblem", "signature_state"]
    readonly_fields = ["signature_state"]
    ordering = ["order", "id"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 5, "cols": 60})}}

    @admin.display(description="Signature")
    def signature_state(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        change = obj.signature_changes.select_related("by").first()
        if not obj.signature:
            return "No signature image: the letter is sent with the names only."
        who = (change.by.get_full_name() or change.by.email) if change and change.by else "an operator"
        return f"Set by {who} on {change.at:%d %B %Y %H:%M} UTC." if change else "Set."


class LetterChangeList(ChangeList):
    """The letters' list leaves out the reminder rounds' copies (each is reached from its round); their pages stay."""

    def get_queryset(self, request, exclude_parameters=None):
        if not getattr(self, "_originals", False):
            self.root_queryset, self._originals = self.root_queryset.originals(), True
        return super().get_queryset(request, exclude_parameters)


@admin.register(Letter)
class LetterAdmin(AuditTrailMixin, admin.ModelAdmin):
    form = LetterAdminForm

    def get_changelist(self, request, **kwargs):
        return LetterChangeList

    list_display = ["session", "kind", "language", "subject", "updated_at"]
    list_display_links = ["subject"]
    list_filter = [SessionFilter, "kind", "language"]
    list_select_related = ["session"]
    search_fields = ["subject", "body", "session__title"]
    filter_horizontal = ["attachments"]
    inlines = [LetterVersionInline, SignatoryInline]
    fieldsets = [
        (None, {"fields": ["session", "kind", "language"]}),
        ("Letter", {"fields": ["place_date", "subject", "salutation", "body", "closing", "addressee"]}),
        ("Attachments", {"fields": ["attachments"], "description": "Session documents sent with each letter."}),
    ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        letter = self.get_object(request, unquote(object_id))
        if letter is not None and request.method == "GET":
            revisions = list(letter.revisions.filter(deliveries__isnull=False).distinct().order_by("number"))
            if revisions:
                sent = ", ".join(f"{r.number} ({r.language})" for r in revisions)
                self.message_user(
                    request,
                    f"This letter has been sent. What was sent is frozen (revision{'s' if len(revisions) > 1 else ''} "
                    f"{sent}): deliveries still queued, retried or re-sent carry that text. Saving changes here "
                    "makes a new revision, used only by later dispatches.",
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    # Saved through the services: every change of the text, the versions, the signatories (their titles, emblems)
    # is on the letter's audit trail, before -> after, in the admin's transaction.
    def save_model(self, request, obj, form, change):
        services.letter_save(letter=obj, by=request.user, attachments=form.cleaned_data.get("attachments"))

    def save_formset(self, request, form, formset, change):
        for part in formset.save(commit=False):
            services.letter_part_save(part=part, by=request.user)
        for part in formset.deleted_objects:
            services.letter_part_delete(part=part, by=request.user)
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        letter = form.instance
        if not change and not letter.signatories.exists():
            signatories = services.letter_add_default_signatories(letter=letter)
            if signatories:
                names = ", ".join(signatory.name for signatory in signatories)
                self.message_user(request, f"Signed by the session's co-facilitators: {names}.", messages.INFO)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/preview/", view(self.preview_view), name="invitations_letter_preview"),
            path("<path:object_id>/preview/pdf/", view(self.preview_pdf_view), name="invitations_letter_preview_pdf"),
            path("<path:object_id>/send/", view(self.send_view), name="invitations_letter_send"),
            path("<path:object_id>/signatures/", view(self.signatures_view), name="invitations_letter_signatures"),
            *super().get_urls(),
        ]

    def _letter(self, request, object_id) -> Letter:
        letter = self.get_object(request, unquote(object_id))
        if letter is None:
            raise Http404("No such letter.")
        if not self.has_view_permission(request, letter):
            raise PermissionDenied
        return letter

    def _context(self, request, letter, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": letter,
            "has_view_permission": True,
            "subject": subject_for_display(letter),
            **context,
        }

    # Preview: anyone who may view the letter.
    def preview_view(self, request, object_id):
        letter = self._letter(request, object_id)
        form = PreviewForm(letter=letter)
        context = self._context(
            request, letter, title=f"Preview {letter}", form=form, version_checks=version_checks(letter)
        )
        return TemplateResponse(request, "admin/invitations/letter/preview.html", context)

    def preview_pdf_view(self, request, object_id):
        letter = self._letter(request, object_id)
        form = PreviewForm(request.GET, letter=letter)
        if not form.is_valid():
            context = self._context(request, letter, title=f"Preview {letter}", form=form)
            return TemplateResponse(request, "admin/invitations/letter/preview.html", context, status=400)
        mission = form.cleaned_data["mission"]
        language = form.cleaned_data["language"] or None
        if mission is None:
            language = letter.language_for(language or letter.language)
            values, code = sample_values(letter), "sample"
        else:
            language = letter.language_for(language or mission.correspondence_language)
            values, code = mission_values(mission, language=language), mission.state.iso3
            addresses = mission.email_list
            if addresses:  # as the delivery to its first address: its own link and QR code (audiences._missions)
                values |= registration_link_value(letter=letter, mission=mission, email=addresses[0])
        try:
            rendered = letter_rendered(
                letter, values=values, language=language, time_limit=settings.LETTER_PREVIEW_TIME_LIMIT_SECONDS
            )
        except (RenderTimeout, DocumentTooLong) as error:
            form.add_error(None, f"The letter could not be previewed: {error} Shorten the body.")
            context = self._context(request, letter, title=f"Preview {letter}", form=form)
            return TemplateResponse(request, "admin/invitations/letter/preview.html", context, status=422)
        response = HttpResponse(rendered.pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename=pdf_filename(letter, recipient_code=code)
        )
        return response

    # Signatures: co-facilitators upload them; everyone who may view the letter sees whether they are set.
    def signatures_view(self, request, object_id):
        letter = self._letter(request, object_id)
        may_sign = permissions.is_cofacilitator(request.user)
        signatories = list(letter.signatories.order_by("order", "id"))
        forms_by_id = {}
        if request.method == "POST":
            if not may_sign:
                raise PermissionDenied
            signatory = next((s for s in signatories if str(s.pk) == request.POST.get("signatory")), None)
            if signatory is None:
                raise Http404("No such signatory.")
            form = SignatureForm(request.POST, request.FILES)
            if form.is_valid():
                image = None if request.POST.get("remove") else form.cleaned_data["image"]
                if image is None and not request.POST.get("remove"):
                    form.add_error("image", "Choose the signature image.")
                else:
                    try:
                        services.signatory_set_signature(signatory=signatory, image=image, by=request.user)
                    except ValidationError as error:
                        form.add_error("image", error)
                    else:
                        done = "removed" if image is None else "set"
                        self.message_user(request, f"{signatory.name}'s signature {done}.", messages.SUCCESS)
                        return redirect("admin:invitations_letter_signatures", letter.pk)
            forms_by_id[signatory.pk] = form
        rows = [
            {
                "signatory": signatory,
                "form": forms_by_id.get(signatory.pk),
                "changes": signatory.signature_changes.select_related("by")[:10],
            }
            for signatory in signatories
        ]
        context = self._context(request, letter, title=f"Signatures of {letter}", rows=rows, may_sign=may_sign)
        return TemplateResponse(request, "admin/invitations/letter/signatures.html", context)

    # Sending: choose the audience, confirm with the count, send once.
    def send_view(self, request, object_id):
        letter = self._letter(request, object_id)
        if not permissions.is_cofacilitator(request.user):
            raise PermissionDenied
        audience_form, csv_errors = AudienceForm(), []
        if request.method == "POST" and request.POST.get("step") == "send":
            send_form = SendForm(request.POST)
            if send_form.is_valid():
                data = send_form.cleaned_data
                try:
                    dispatch = dispatch_create(
                        letter=letter,
                        audience=data["audience"],
                        by=request.user,
                        key=data["key"],
                        csv_text=data["csv_text"] or None,
                    )
                except CsvRecipientsError as error:
                    csv_errors = error.messages
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    count = dispatch.deliveries.count()
                    self.message_user(
                        request,
                        f"“{letter}” is on its way to {count} address{'es' if count != 1 else ''}.",
                        messages.SUCCESS,
                    )
                    return redirect("admin:invitations_dispatch_change", dispatch.pk)
            else:
                self.message_user(request, "Incomplete confirmation: choose the audience again.", messages.ERROR)
        elif request.method == "POST":
            audience_form = AudienceForm(request.POST, request.FILES)
            if audience_form.is_valid():
                audience, csv_text = audience_form.cleaned_data["audience"], audience_form.cleaned_data["csv_text"]
                try:
                    summary = selectors.send_summary(letter=letter, audience=audience, csv_text=csv_text)
                except CsvRecipientsError as error:
                    csv_errors = error.messages
                except ValidationError as error:
                    audience_form.add_error(None, error)
                else:
                    context = self._context(
                        request,
                        letter,
                        title=f"Send {letter}",
                        audience_label=Dispatch.Audience(audience).label,
                        summary=summary,
                        by_language=summary.by_language(),
                        # The first rows only: a 20,000-address list is summarised, not listed.
                        recipient_rows=[
                            (recipient, pdf_filename(letter, recipient_code=recipient.code))
                            for recipient in summary.recipients[:RECIPIENTS_SHOWN]
                        ],
                        send_form=SendForm.for_confirmation(audience=audience, csv_text=csv_text),
                    )
                    return TemplateResponse(request, "admin/invitations/letter/send_confirm.html", context)
        context = self._context(
            request, letter, title=f"Send {letter}", audience_form=audience_form, csv_errors=csv_errors
        )
        return TemplateResponse(request, "admin/invitations/letter/send.html", context)


# --- Dispatches and deliveries (read-only: only invitations.dispatch writes them) -----------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    class Media:
        css = {"all": ["css/admin-invitations.css"]}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


DELIVERIES_PER_PAGE = 100  # rows of a dispatch's table per page: a 20,000-address dispatch stays light to poll


def progress_summary(*, sent: int, failed: int, pending: int) -> str:
    return f"{sent} sent · {failed} failed · {pending} pending"


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ["letter", "audience", "created_by", "created_at", "progress"]
    list_filter = [LetterSessionFilter, LetterFilter, "audience"]
    list_select_related = ["letter__session", "created_by"]
    search_fields = ["letter__subject", "created_by__email"]
    date_hierarchy = "created_at"

    @admin.display(description="Progress")
    def progress(self, obj):
        pending = obj.delivery_count - obj.sent_count - obj.failed_count
        return progress_summary(sent=obj.sent_count, failed=obj.failed_count, pending=pending)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/progress.json", view(self.progress_json_view), name="invitations_dispatch_progress"),
            path("<path:object_id>/live/", view(self.live_view), name="invitations_dispatch_live"),
            path("<path:object_id>/resend/", view(self.resend_view), name="invitations_dispatch_resend"),
            path("<path:object_id>/deliveries.csv", view(self.export_view), name="invitations_dispatch_export"),
            *super().get_urls(),
        ]

    def _dispatch(self, request, object_id) -> Dispatch:
        dispatch = self.get_object(request, unquote(object_id))
        if dispatch is None:
            raise Http404("No such dispatch.")
        if not self.has_view_permission(request, dispatch):
            raise PermissionDenied
        return dispatch

    # The change page is the progress page: nothing of a dispatch is edited by hand.
    def change_view(self, request, object_id, form_url="", extra_context=None):
        dispatch = self._dispatch(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": dispatch,
            "title": f"Dispatch of {dispatch.letter} to {dispatch.audience_in_sentence}",
            "subject": subject_for_display(dispatch.letter),
            "without_email": dispatch.without_email.splitlines(),
            "has_view_permission": True,
            **self._live_context(request, dispatch),
        }
        return TemplateResponse(request, "admin/invitations/dispatch/progress.html", context)

    def _live_context(self, request, dispatch) -> dict:
        """What changes while the dispatch sends: the bar, the tabs' counts, the page of the table."""
        status = request.GET.get("status")
        status = status if status in OutgoingMail.Status.values else None
        deliveries = dispatch.deliveries.select_related("mail").order_by("recipient_name", "email")
        if status:
            deliveries = deliveries.filter(mail__status=status)
        counts = selectors.delivery_status_counts(dispatch=dispatch)
        progress = selectors.progress_of_counts(counts)
        page_url = reverse("admin:invitations_dispatch_change", args=[dispatch.pk])
        return {
            "dispatch": dispatch,
            "progress": progress,
            "summary": progress_summary(sent=progress["sent"], failed=progress["failed"], pending=progress["pending"]),
            "status_filters": [(value, label, counts[value]) for value, label in OutgoingMail.Status.choices],
            "status": status,
            "status_label": OutgoingMail.Status(status).label if status else None,
            "page": CountedPaginator(  # the counts above, not the deliveries counted again
                deliveries, DELIVERIES_PER_PAGE, count=counts[status] if status else sum(counts.values())
            ).get_page(request.GET.get("page")),
            "page_url": f"{page_url}?status={status}" if status else page_url,
        }

    def live_view(self, request, object_id):
        """The page's live part alone (bar, tabs, table), for the page to swap in while the dispatch sends."""
        dispatch = self._dispatch(request, object_id)
        context = {"opts": self.opts, **self._live_context(request, dispatch)}
        return TemplateResponse(request, "admin/invitations/dispatch/_live.html", context)

    def progress_json_view(self, request, object_id):
        return JsonResponse(selectors.dispatch_progress(self._dispatch(request, object_id)))

    def resend_view(self, request, object_id):
        return require_POST(self._resend)(request, object_id)

    def _resend(self, request, object_id):
        dispatch = self._dispatch(request, object_id)
        if not permissions.is_cofacilitator(request.user):
            raise PermissionDenied
        count = dispatch_resend_failed(dispatch=dispatch, by=request.user)
        if count:
            self.message_user(request, f"{count} failed deliver{'ies' if count != 1 else 'y'} queued again.")
        else:
            self.message_user(request, "No failed deliveries to send again.", messages.WARNING)
        return redirect("admin:invitations_dispatch_change", dispatch.pk)

    def export_view(self, request, object_id):
        dispatch = self._dispatch(request, object_id)
        rows = (
            [
                delivery.recipient_name,
                delivery.recipient_code,
                delivery.email,
                delivery.mail.status,
                delivery.mail.attempts,
                delivery.mail.message_id,
                delivery.mail.sent_at.astimezone(UTC).isoformat(timespec="seconds") if delivery.mail.sent_at else "",
                delivery.mail.last_error,
            ]
            for delivery in dispatch.deliveries.select_related("mail").order_by("recipient_name", "email").iterator()
        )
        return csv_response(
            filename=f"{dispatch.letter.session.code}-dispatch-{dispatch.pk}-deliveries.csv",
            header=["recipient", "code", "email", "status", "attempts", "message_id", "sent_at", "last_error"],
            rows=rows,
        )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The letters' rows; their sending (status, attempts, the server's reply, "send again") is their outgoing
    mail's, in the outgoing-mail list with every other mail."""

    list_display = ["recipient_name", "email", "status", "attempts", "sent_at", "dispatch", "outgoing_mail"]
    list_filter = [("mail__status", admin.ChoicesFieldListFilter), DispatchSessionFilter]
    list_select_related = ["dispatch__letter__session", "mail"]
    search_fields = ["recipient_name", "recipient_code", "email", "mail__message_id"]
    exclude = ["values"]

    @admin.display(description="status", ordering="mail__status")
    def status(self, delivery):
        return delivery.mail.get_status_display()

    @admin.display(description="attempts", ordering="mail__attempts")
    def attempts(self, delivery):
        return delivery.mail.attempts

    @admin.display(description="sent at", ordering="mail__sent_at")
    def sent_at(self, delivery):
        return delivery.mail.sent_at

    @admin.display(description="outgoing mail")
    def outgoing_mail(self, delivery):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:outbox_outgoingmail_change", args=[delivery.mail_id]),
            delivery.mail_id,
        )


from invitations import admin_board  # noqa: E402, F401  (the board of answers)
