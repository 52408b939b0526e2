"""A confirmation step before an admin action that cannot be undone: the action first answers with a page that
says what will happen and to how many, and runs only when that page is submitted (as Django's own "delete
selected" does).

    @admin.action(description="Close the selected lists now…")
    def close_now(self, request, queryset):
        if not admin_confirm.confirmed(request):
            return admin_confirm.page(self, request, queryset, title=..., consequences=[...], button=...)
        ...  # do it
"""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse

CONFIRM_FIELD = "confirmed"


def confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "yes"


def page(
    modeladmin,
    request,
    queryset,
    *,
    title: str,
    consequences: list[str],
    button: str,
    objects: list[str] | None = None,
    warnings: list[str] | None = None,
):
    """The confirmation page of the action being run: `consequences` say what will happen (with counts), `objects`
    name what it applies to (the selected objects by default), `warnings` what the user may not expect."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        "consequences": consequences,
        "warnings": warnings or [],
        "objects": objects if objects is not None else [str(obj) for obj in queryset],
        "button": button,
        "action": request.POST.get("action", ""),
        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "checkbox_name": ACTION_CHECKBOX_NAME,
        "confirm_field": CONFIRM_FIELD,
    }
    return TemplateResponse(request, "admin/confirm_action.html", context)
