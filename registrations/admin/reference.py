"""States, regional groups and Permanent Missions (with the accounts that act for each mission)."""

from django.contrib import admin

from audit.admin import AuditTrailMixin
from registrations.admin.accounts import AccountFieldMixin, AccountLinkingAdmin
from registrations.models import (
    PermanentMission,
    Profile,
    RegionalGroup,
    State,
)
from sessions.forms import translations_form


@admin.register(RegionalGroup)
class RegionalGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code"]
    search_fields = ["name", "short_name", "code"]
    list_filter = ["short_name"]


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "iso3", "membership", "regional_group", "admitted"]
    list_filter = ["membership", "regional_group"]
    search_fields = ["name_en", "name_fr", "iso3", "iso2"]
    list_select_related = ["regional_group"]


# --- Accounts ---------------------------------------------------------------------------------------------------


class FocalPointInline(AccountFieldMixin, admin.TabularInline):
    model = Profile
    fk_name = "mission"
    fields = ["user", "is_focal_point"]
    autocomplete_fields = ["user"]
    extra = 0
    verbose_name = "account"
    verbose_name_plural = "accounts (focal points act for the mission)"


@admin.register(PermanentMission)
class PermanentMissionAdmin(AuditTrailMixin, AccountLinkingAdmin, admin.ModelAdmin):
    list_display = ["name", "duty_station", "head_name", "emails", "correspondence_language"]
    list_filter = ["duty_station", "correspondence_language", "state__membership", "state__regional_group"]
    search_fields = ["name", "head_name", "emails", "state__name_en", "state__iso3"]
    list_select_related = ["state"]
    autocomplete_fields = ["state"]
    inlines = [FocalPointInline]
    # The name in each other official language (letters in that language use it; English where it is empty).
    form = translations_form(PermanentMission, {"name": "Name"})
    exclude = ["translations"]
