"""The accounts the secretariat links to missions and organizations (the mission's and organization's accounts
inlines, Profiles → Add).

The user picker is the admin's autocomplete, which asks the *user* admin for view permission: the secretariat does
not hold it (the list of all accounts stays a superuser's page), so the account admin lets the secretariat use its
autocomplete for the profile's `user` field only, and there offers only accounts that can be linked: active, with
a verified e-mail address, not linked yet (`linkable_accounts`).
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef, Q
from django.template.response import TemplateResponse

from audit.admin import AuditTrailMixin
from registrations import enrolment, permissions, services
from registrations.models import Profile

User = get_user_model()
ACCOUNT_PICKER = {"app_label": "registrations", "model_name": "profile", "field_name": "user"}


def linkable_accounts(queryset=None):
    """Accounts the secretariat may link to a mission or an organization: active, with a verified address, and not
    linked yet (an account has one profile: picking a linked one could only fail on saving)."""
    queryset = User.objects.all() if queryset is None else queryset
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    linked = Profile.objects.filter(user=OuterRef("pk"))
    return queryset.filter(Exists(verified), ~Exists(linked), is_active=True)


def is_account_picker(request) -> bool:
    """The admin's autocomplete asking for the accounts a profile may be given."""
    match = request.resolver_match
    return bool(
        match
        and match.url_name == "autocomplete"
        and all(request.GET.get(key) == value for key, value in ACCOUNT_PICKER.items())
    )


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    def has_view_permission(self, request, obj=None):
        if obj is None and is_account_picker(request) and permissions.is_secretariat(request.user):
            return True
        return super().has_view_permission(request, obj)

    def get_search_results(self, request, queryset, search_term):
        if is_account_picker(request):
            queryset = linkable_accounts(queryset)
        return super().get_search_results(request, queryset, search_term)

    actions = ["issue_enrolment_codes"]

    @admin.action(description="Issue an enrolment code (to set up the second factor)", permissions=["change"])
    def issue_enrolment_codes(self, request, queryset):
        """Shows each selected staff account's new code once, on a page not kept by the browser: give it to the
        person out of band (registrations.enrolment)."""
        codes = [
            (user.email, enrolment.issue_enrolment_code(user=user, issued_by=request.user))
            for user in queryset.filter(is_staff=True).order_by("email")
        ]
        skipped = list(queryset.filter(is_staff=False).order_by("email").values_list("email", flat=True))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Enrolment codes",
            "codes": codes,
            "skipped": skipped,
            "hours": settings.STAFF_ENROLMENT_CODE_HOURS,
        }
        response = TemplateResponse(request, "admin/auth/user/enrolment_codes.html", context)
        response["Cache-Control"] = "no-store"
        return response


class AccountFieldMixin:
    """The profile's `user` accepts only linkable accounts (and keeps the one it already has)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(
                Q(pk__in=linkable_accounts().values("pk")) | Q(profile__isnull=False)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AccountLinkingAdmin:
    """For the admin of a mission or organization: its accounts inline links and unlinks through the services."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Profile:
            return super().save_formset(request, form, formset, change)
        profiles = formset.save(commit=False)
        for profile in formset.deleted_objects:
            services.account_unlink(profile=profile, by=request.user)
        for profile in profiles:
            services.account_link(profile=profile, by=request.user)
        formset.save_m2m()


@admin.register(Profile)
class ProfileAdmin(AuditTrailMixin, AccountFieldMixin, admin.ModelAdmin):
    list_display = ["user", "mission", "organization", "is_focal_point"]
    list_filter = ["is_focal_point", "mission__duty_station", "mission__state__regional_group"]
    search_fields = ["user__email", "mission__state__name_en", "organization__name"]
    list_select_related = ["user", "mission__state", "organization"]
    autocomplete_fields = ["user", "mission", "organization"]

    def save_model(self, request, obj, form, change):
        services.account_link(profile=obj, by=request.user)

    def delete_model(self, request, obj):
        services.account_unlink(profile=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for profile in queryset:
            services.account_unlink(profile=profile, by=request.user)
