from copy import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet

from sessions import services
from sessions.forms import SessionDocumentForm, translation_field_name, translations_form
from sessions.models import (
    CONTENT_LANGUAGES,
    AgendaItem,
    CoFacilitator,
    ItemRole,
    Person,
    Process,
    SessionDocument,
    ThematicSession,
    Venue,
)
from sessions.public_cache import PublicContentAdminMixin


@admin.register(Process)
class ProcessAdmin(PublicContentAdminMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default, chosen now
    list_display = ["name", "short_name", "mandate", "secretariat_email"]
    search_fields = ["name", "short_name", "mandate"]
    list_filter = ["mandate"]
    form = translations_form(Process, {"name": "Name"})
    fieldsets = [
        (None, {"fields": ["name", "short_name", "mandate", "website", "secretariat_email"]}),
        (
            "Name in the other official languages (English is shown where one is missing)",
            {"fields": [translation_field_name("name", code) for code, _ in CONTENT_LANGUAGES]},
        ),
    ]


@admin.register(Venue)
class VenueAdmin(PublicContentAdminMixin, admin.ModelAdmin):
    list_display = ["room", "building", "duty_station", "capacity", "timezone"]
    list_filter = ["duty_station", "timezone"]
    search_fields = ["room", "building", "duty_station"]
    form = translations_form(Venue, {"room": "Room"})
    fieldsets = [
        (None, {"fields": ["duty_station", "building", "room", "capacity", "timezone"]}),
        (
            "The room's name in the other languages (English is shown where one is missing)",
            {"fields": [translation_field_name("room", code) for code, _name in CONTENT_LANGUAGES]},
        ),
    ]


@admin.register(Person)
class PersonAdmin(PublicContentAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "honorific", "title", "affiliation"]
    list_filter = ["honorific"]
    search_fields = ["given_name", "family_name", "title", "affiliation"]
    form = translations_form(Person, {"title": "Title", "affiliation": "Affiliation"})
    fieldsets = [
        (None, {"fields": ["honorific", "given_name", "family_name", "title", "affiliation"]}),
        *[
            (
                f"{name} (English is shown where a text is missing)",
                {"fields": [translation_field_name(field, code) for field in ("title", "affiliation")]},
            )
            for code, name in CONTENT_LANGUAGES
        ],
    ]


class CoFacilitatorInline(admin.TabularInline):
    model = CoFacilitator
    extra = 0
    autocomplete_fields = ["person"]
    verbose_name = "co-facilitator"
    verbose_name_plural = "co-facilitators"


class AgendaFormSet(BaseInlineFormSet):
    """Checks the agenda as a whole: items that overlap in one room are reported by name."""

    def clean(self):
        super().clean()
        items = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.errors
        ]
        session = self.instance
        default_room = session.venue.room if session.venue_id else ""
        problems = services.days_outside_session(items, session=session)
        problems += services.agenda_clashes(items, default_room=default_room)
        if problems:
            raise ValidationError(problems)


class AgendaItemInline(admin.TabularInline):
    """Compact widgets (dates as YYYY-MM-DD, times as HH:MM, the title on two lines) so that a row fits the page's
    width; the item's own page has the descriptions and translations."""

    model = AgendaItem
    formset = AgendaFormSet
    extra = 0
    fields = ["day", "start_time", "end_time", "kind", "title", "room", "tentative"]
    ordering = ["day", "start_time", "end_time"]
    show_change_link = True
    widgets = {
        "day": forms.DateInput(attrs={"size": 10, "placeholder": "YYYY-MM-DD"}, format="%Y-%m-%d"),
        "start_time": forms.TimeInput(attrs={"size": 5, "placeholder": "HH:MM"}, format="%H:%M"),
        "end_time": forms.TimeInput(attrs={"size": 5, "placeholder": "HH:MM"}, format="%H:%M"),
        "title": forms.Textarea(attrs={"rows": 2, "cols": 24}),
        "room": forms.TextInput(attrs={"size": 9}),
    }

    class Media:
        css = {"all": ["css/admin-sessions.css"]}

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, widgets=self.widgets, **kwargs)


class SessionDocumentInline(admin.TabularInline):
    model = SessionDocument
    form = SessionDocumentForm
    extra = 0


@admin.register(ThematicSession)
class ThematicSessionAdmin(PublicContentAdminMixin, admin.ModelAdmin):
    public_session_field = "pk"
    list_display = ["number", "title", "start_date", "end_date", "venue", "status"]
    list_display_links = ["number", "title"]
    list_filter = ["status", "process", "venue__duty_station"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    list_select_related = ["venue"]
    inlines = [CoFacilitatorInline, AgendaItemInline, SessionDocumentInline]
    actions = ["publish_procedural_note"]
    form = translations_form(ThematicSession, {"title": "Title"})
    fieldsets = [
        (None, {"fields": ["process", "number", "title", "slug", "start_date", "end_date", "venue", "status"]}),
        (None, {"fields": ["registration_deadline"]}),
        (
            "Title in the other official languages (English is shown where one is missing)",
            {"fields": [translation_field_name("title", code) for code, _ in CONTENT_LANGUAGES]},
        ),
    ]

    @admin.action(description="Generate and publish the procedural note from the agenda (six languages)")
    def publish_procedural_note(self, request, queryset):
        from invitations.procedural_note import procedural_note_publish

        try:
            for session in queryset:
                documents = procedural_note_publish(session=session, by=request.user)
                self.message_user(
                    request,
                    f"{session.code}: the procedural note is published in {len(documents)} languages, as session "
                    "documents on the session's page.",
                    messages.SUCCESS,
                )
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)


class ItemRoleInline(admin.TabularInline):
    model = ItemRole
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(AgendaItem)
class AgendaItemAdmin(PublicContentAdminMixin, admin.ModelAdmin):
    public_session_field = "session"
    list_display = ["title", "session", "day", "start_time", "end_time", "kind", "tentative"]
    list_filter = ["session", "kind", "tentative", "day"]
    search_fields = ["title", "description"]
    list_select_related = ["session"]
    ordering = ["session", "day", "start_time"]
    inlines = [ItemRoleInline]
    form = translations_form(AgendaItem, {"title": "Title", "description": "Description"})
    fieldsets = [
        (None, {"fields": ["session", "day", "start_time", "end_time", "kind", "title", "description", "room"]}),
        (None, {"fields": ["tentative"]}),
        *[
            (
                f"{name} (English is shown where a text is missing)",
                {"fields": [translation_field_name(field, code) for field in ("title", "description")]},
            )
            for code, name in CONTENT_LANGUAGES
        ],
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return _with_clash_check(form)


def _with_clash_check(form_class):
    """An item edited on its own page is checked against the rest of its session's agenda."""

    class AgendaItemForm(form_class):
        def clean(self):
            cleaned = super().clean()
            session = cleaned.get("session")
            if session and not self.errors:
                # The instance is updated only after clean(): check a copy with the submitted values.
                item = copy(self.instance)
                for field in ("day", "start_time", "end_time", "room", "title"):
                    setattr(item, field, cleaned.get(field))
                others = session.agenda_items.exclude(pk=item.pk)
                clashes = services.agenda_clashes([item, *others], default_room=session.venue.room, involving=item)
                if clashes:
                    raise ValidationError(clashes)
            return cleaned

    return AgendaItemForm


@admin.register(SessionDocument)
class SessionDocumentAdmin(PublicContentAdminMixin, admin.ModelAdmin):
    public_session_field = "session"
    form = SessionDocumentForm
    list_display = ["title", "session", "kind", "language"]
    list_filter = ["session", "kind", "language"]
    search_fields = ["title"]
