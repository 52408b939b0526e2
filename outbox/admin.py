"""One list of the portal's outgoing mail (notifications): status, attempts, the server's last reply, and "send
again" for failed ones. Read-only otherwise; secretariat and co-facilitators see it."""

from django.contrib import admin, messages

from audit.admin import AuditTrailMixin
from outbox import sending
from outbox.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipients", "subject", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "kind"]
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

    @admin.display(description="to")
    def recipients(self, mail):
        return ", ".join(mail.to)

    @admin.display(description="attachments")
    def attachment_names(self, mail):
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
            f"{again} queued again" + (f"; {skipped} left alone (not failed)" if skipped else "") + ".",
            messages.SUCCESS if again else messages.WARNING,
        )
