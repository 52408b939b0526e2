"""One list of all the portal's outgoing mail (letters and notifications): status, attempts, the server's last reply,
what the mail is about (a letter: its dispatch), and "send again" for failed ones (a letter renders its pinned text
again). Read-only otherwise; secretariat and co-facilitators see it; a letter is sent again by co-facilitators only."""

from django.contrib import admin, messages
from django.utils.html import format_html

from audit.admin import AuditTrailMixin
from outbox import renderers, sending
from outbox.models import OutgoingMail


def kind_label(kind: str) -> str:
    """A mail's kind as people read it: "dialogue-application" -> "Dialogue application"."""
    return kind.replace("-", " ").capitalize()


class KindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = OutgoingMail.objects.order_by("kind").values_list("kind", flat=True).distinct()
        return [(kind, kind_label(kind)) for kind in kinds]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(AuditTrailMixin, admin.ModelAdmin):
    # Each mail's fate first (status, to whom, the server's reply), what it says last: at 1280 px the list shows the
    # columns that matter without scrolling sideways.
    list_display = [
        "status", "recipients", "kind_shown", "attempts", "last_error", "sent_at", "about", "subject", "created_at",
    ]  # fmt: skip
    list_filter = ["status", KindFilter]
    search_fields = ["subject", "to", "message_id"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = [
        "kind",
        "subject",
        "from_email",
        "to",
        "reply_to",
        "body",
        "attachment_names",
        "about",
        "status",
        "attempts",
        "last_error",
        "message_id",
        "created_at",
        "claimed_at",
        "claimed_by",
        "next_attempt_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description="kind", ordering="kind")
    def kind_shown(self, mail):
        return kind_label(mail.kind)

    def get_queryset(self, request):
        related = [renderer.related for renderer in renderers.all_renderers().values() if renderer.related]
        return super().get_queryset(request).select_related(*related)

    @admin.display(description="about")
    def about(self, mail):
        renderer = renderers.all_renderers().get(mail.renderer)
        if renderer is None or renderer.link is None:
            return "–"
        label, url = renderer.link(mail)
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="to")
    def recipients(self, mail):
        return ", ".join(mail.to)

    @admin.display(description="attachments")
    def attachment_names(self, mail):
        if mail.renderer:
            return "Made when sent (not stored)"
        return ", ".join(attachment["filename"] for attachment in mail.attachments) or "–"

    def has_add_permission(self, request):
        return False

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.kind == OutgoingMail.KIND_ACCOUNT:
            return ["body_withheld" if name == "body" else name for name in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "body_withheld"]

    @admin.display(description="body")
    def body_withheld(self, mail):
        return "Not shown: an account's e-mail carries a one-time link (confirmation, password reset) for its owner."

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("outbox.resend_outgoingmail")

    @admin.action(description="Send the selected failed mails again", permissions=["resend"])
    def resend(self, request, queryset):
        again = sum(sending.mail_resend(mail=mail, by=request.user) for mail in queryset)
        skipped = queryset.count() - again
        self.message_user(
            request,
            f"{again} queued again"
            + (f"; {skipped} left alone (not failed, or a letter: co-facilitators send those)" if skipped else "")
            + ".",
            messages.SUCCESS if again else messages.WARNING,
        )
