"""What the registrations admins share: read-only inlines, actions that call a service per selected object and
report each refusal, the pages such actions open (the selected ids travel in the query), and moves in a list."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from registrations import permissions


def problem(error) -> str:
    return "; ".join(getattr(error, "messages", None) or [str(error)])


def each(modeladmin, request, objects, service, done_label: str, **kwargs) -> None:
    """Calls `service` for each object (as the keyword `modeladmin.service_arg`); reports what was done and what
    was refused, and why."""
    done = []
    for obj in objects:
        try:
            service(by=request.user, **{modeladmin.service_arg: obj}, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(request, f"{obj}: {problem(error)}", messages.ERROR)
        else:
            done.append(str(obj))
    if done:
        modeladmin.message_user(request, f"{done_label}: {', '.join(done)}.", messages.SUCCESS)


def redirect_with_ids(url_name: str, queryset, **params):
    """To an action's own page, with the selected objects' ids (comma-separated) in the query."""
    ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
    return redirect(f"{reverse(url_name)}?{urlencode({**params, 'ids': ids})}")


def ids_from(source) -> list[int]:
    return [int(pk) for pk in source.get("ids", "").split(",") if pk.strip().isdigit()]


def action_page(modeladmin, request, template: str, **context):
    context = {**modeladmin.admin_site.each_context(request), "opts": modeladmin.model._meta, **context}
    return TemplateResponse(request, template, context)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MoveActions:
    """The actions move_up, move_down and move_to_top of a ModelAdmin whose objects have a `position`; the admin
    names its `move_service` (called with `service_arg`, `to_position` and `by`)."""

    move_service = None

    def move_label(self, obj):
        """What an error about obj starts with."""
        return obj

    def _move(self, request, queryset, *, offset=None, to=None):
        for obj in queryset.order_by("position"):
            target = to if to is not None else (obj.position or 1) + offset
            try:
                self.move_service(**{self.service_arg: obj}, to_position=max(target, 1), by=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{self.move_label(obj)}: {problem(error)}", messages.ERROR)
                return
        self.message_user(request, "Moved.", messages.SUCCESS)

    @admin.action(description="Move the selected speakers up one place")
    def move_up(self, request, queryset):
        self._move(request, queryset, offset=-1)

    @admin.action(description="Move the selected speakers down one place")
    def move_down(self, request, queryset):
        self._move(request, queryset, offset=1)

    @admin.action(description="Move the selected speaker to the top of the list")
    def move_to_top(self, request, queryset):
        self._move(request, queryset, to=1)


class SecretariatActions:
    """Admin actions and pages for the secretariat only: `@admin.action(permissions=["secretariat"])`, and
    `self.require_secretariat(request)` at the top of a custom view (403 otherwise; see registrations.permissions)."""

    def has_secretariat_permission(self, request) -> bool:
        return permissions.is_secretariat(request.user)

    def require_secretariat(self, request) -> None:
        if not self.has_secretariat_permission(request):
            raise PermissionDenied
