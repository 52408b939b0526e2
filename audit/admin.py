"""The audit trail in the admin: read-only everywhere. A list of all entries (filter by session, action, kind of
object, who) and `AuditTrailMixin`, which a ModelAdmin mixes in to show an object's entries on its change
page. Nobody, whatever their permissions, can add, change or delete an entry here."""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from audit.models import AuditEntry


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SessionFilter(admin.SimpleListFilter):
    title = "session"
    parameter_name = "session"

    def lookups(self, request, model_admin):
        ids = AuditEntry.objects.exclude(session_id=None).order_by().values_list("session_id", flat=True).distinct()
        # The sessions app by its label (audit sits below every app and imports none).
        sessions = apps.get_model("consultations", "ThematicSession").objects.filter(pk__in=list(ids))
        return [(str(s.pk), str(s)) for s in sessions.order_by("start_date")]

    def queryset(self, request, queryset):
        return queryset.filter(session_id=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["seq", "at", "actor_repr", "action", "object_type_label", "object_repr", "change", "reason"]
    list_filter = [SessionFilter, "action", "content_type"]
    search_fields = ["object_repr", "actor_repr", "action", "reason", "object_id"]
    list_select_related = ["content_type"]
    date_hierarchy = "at"
    fields = [
        "seq",
        "at",
        "actor_repr",
        "actor_id",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "session_id",
        "before",
        "after",
        "reason",
        "previous_hash",
        "hash",
    ]
    readonly_fields = fields
    actions = None

    @admin.display(description="Kind", ordering="content_type")
    def object_type_label(self, obj):
        return obj.content_type.name if obj.content_type_id else "—"

    @admin.display(description="Before → after")
    def change(self, obj):
        return describe_change(obj)


def describe_change(entry) -> str:
    before, after = entry.before or {}, entry.after or {}
    keys = sorted(set(before) | set(after))
    if not keys:
        return "—"
    return format_html("{}", "; ".join(f"{key}: {before.get(key, '—')} → {after.get(key, '—')}" for key in keys))


class AuditTrailMixin:
    """For a ModelAdmin: the object's audit entries, newest first, as the last read-only field of its change page
    (a field, not an inline, so posting the change form needs nothing more)."""

    audit_trail_limit = 200

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return [*fields, "audit_trail"] if obj is not None and "audit_trail" not in fields else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and "audit_trail" not in flatten_fieldsets(fieldsets):
            fieldsets.append(("Audit trail", {"fields": ["audit_trail"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "audit_trail"]

    @admin.display(description="Audit trail")
    def audit_trail(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).order_by("-seq")[: self.audit_trail_limit]
        rows = [
            (
                entry.seq,
                timezone.localtime(entry.at).strftime("%d %b %Y %H:%M:%S"),
                entry.actor_repr or "the portal",
                entry.action,
                describe_change(entry),
                entry.reason,
            )
            for entry in entries
        ]
        if not rows:
            return "No entries."
        body = format_html_join(
            "", "<tr><td>#{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
        )
        return format_html(
            '<table class="audit-trail"><thead><tr><th>No.</th><th>When</th><th>By</th><th>Action</th>'
            "<th>Before → after</th><th>Reason</th></tr></thead><tbody>{}</tbody></table>",
            body,
        )
