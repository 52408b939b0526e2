import functools

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compact_portal.form_renderer import python_widgets_renderer
from registrations.models import (
    DelegationMember,
    DelegationRegistration,
    Inscription,
    Organization,
    SlotApplication,
)
from registrations.selectors import dialogue as dialogue_selectors
from registrations.services import MemberData
from registrations.uploads import MAX_NOTE_VERBALE_LABEL, validate_note_verbale
from sessions.models import ThematicSession


class MarksRequired:
    """Required fields are marked: their label carries the class `required` (a visible mark, which the form's
    legend explains) and their input `aria-required`, which screen readers announce; formsets' forms need the
    attribute, since Django leaves `required` out of them."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mark_required()

    def mark_required(self) -> None:
        for field in self.fields.values():
            if field.required:
                field.widget.attrs["aria-required"] = "true"
            else:
                field.widget.attrs.pop("aria-required", None)


class ContentSelect(forms.Select):
    """A choice of content (agenda items): options whose label is shown in English, for want of a translation in
    the page's language, carry lang="en" (read as English, and known as content)."""

    def __init__(self, *args, english_values=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.english_values = {str(value) for value in english_values}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if str(getattr(value, "value", value)) in self.english_values:
            option["attrs"]["lang"] = "en"
        return option


class NameSelect(forms.Select):
    """A choice of proper names (States, organizations): each option is marked translate="no"."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value not in (None, ""):
            option["attrs"]["translate"] = "no"
        return option


def _untranslated(items, field: str) -> list:
    """The pks of `items` whose `field` has no translation in the active language (none for English pages)."""
    language = (translation.get_language() or "en").lower()
    if language.startswith("en"):
        return []
    return [item.pk for item in items if not ((item.translations or {}).get(language) or {}).get(field)]


class MemberForm(MarksRequired, forms.ModelForm):
    # Up to ~30 fields on the delegation's page (head, members, the blank member's template): widgets, labels and
    # errors written without Django's small templates, the same HTML (compact_portal/form_renderer.py).
    default_renderer = python_widgets_renderer

    class Meta:
        model = DelegationMember
        fields = ["honorific", "given_name", "family_name", "function", "email", "attendance"]
        widgets = {"attendance": forms.RadioSelect}
        labels = {
            "honorific": _("Honorific"),
            "given_name": _("Given name"),
            "family_name": _("Family name"),
            "function": _("Function or title"),
            "email": _("E-mail"),
            "attendance": _("Attendance"),
        }
        help_texts = {"honorific": _("e.g. H.E. Mr., Ms., Dr.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["honorific"].widget.attrs.update(size=8, autocomplete="honorific-prefix")
        self.fields["given_name"].widget.attrs["autocomplete"] = "off"
        self.fields["family_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def member_data(self) -> MemberData:
        return MemberData(id=self.instance.pk, **{name: self.cleaned_data[name] for name in self.Meta.fields})

    def fields_html(self) -> str:
        """registrations/_member_fields.html for this form. A blank one (unbound, its member not saved yet: a new
        delegation's head, the blank member, the copy "Add another member" makes) holds no one's values: it is
        rendered once per process and shape (language, prefix, each field's initial value and whether required)."""
        if self.is_bound or self.instance.pk is not None:
            return render_to_string("registrations/_member_fields.html", {"form": self})
        key = (
            type(self),
            translation.get_language(),
            self.prefix,
            self.auto_id,
            self.label_suffix,
            self.use_required_attribute,
            *(
                (name, field.required, repr(self.get_initial_for_field(field, name)))
                for name, field in self.fields.items()
            ),
        )
        html = _BLANK_MEMBER_FIELDS.get(key)
        if html is None:
            html = render_to_string("registrations/_member_fields.html", {"form": self})
            if len(_BLANK_MEMBER_FIELDS) >= _BLANK_MEMBER_FIELDS_KEPT:
                _BLANK_MEMBER_FIELDS.clear()
            _BLANK_MEMBER_FIELDS[key] = html
        return html


# MemberForm.fields_html's blank forms, in this process's memory (they come from its code and templates). A few per
# language in use: the head, the first blank member, the template; more for larger delegations, up to the bound.
_BLANK_MEMBER_FIELDS: dict[tuple, str] = {}
_BLANK_MEMBER_FIELDS_KEPT = 512


class HeadForm(MemberForm):
    prefix = "head"


class BaseMemberFormSet(forms.BaseModelFormSet):
    """The delegation's members but its head, from the members the view has read already: neither the formset nor a
    member's hidden id asks the database again (a query per member, before)."""

    default_renderer = python_widgets_renderer  # its forms, management form and errors (see MemberForm)

    def __init__(self, *args, members: list[DelegationMember], **kwargs):
        super().__init__(*args, queryset=DelegationMember.objects.none(), **kwargs)
        self.members = members
        self.members_by_pk = {member.pk: member for member in members}

    def get_queryset(self) -> list[DelegationMember]:
        return self.members

    def add_fields(self, form, index):
        super().add_fields(form, index)
        read = form.fields["id"]
        form.fields["id"] = ReadMemberField(
            self.members_by_pk, initial=read.initial, required=read.required, widget=read.widget
        )

    def member_data(self) -> list[MemberData]:
        return [
            form.member_data()
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]


class ReadMemberField(forms.ModelChoiceField):
    """A member's hidden id, checked against the delegation's members already read (Django's asks the database)."""

    default_error_messages = {
        # The id of a member removed since the page was opened (in another tab, or by a colleague): say so, as the
        # field is hidden and Django's "Select a valid choice" would mean nothing (and was not even shown).
        "invalid_choice": _(
            "This member was removed from the delegation after you opened this page (in another tab, or by a "
            "colleague). Copy what you typed, then reload the page to see the delegation as it is now."
        ),
    }

    def __init__(self, members_by_pk: dict, **kwargs):
        super().__init__(queryset=DelegationMember.objects.none(), **kwargs)
        self.members_by_pk = members_by_pk

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.members_by_pk[int(getattr(value, "pk", value))]
        except (KeyError, ValueError, TypeError):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None


# Members are added as needed: one blank form to start with, another for each "Add another member" (a submit
# button, so it works without JavaScript; static/js/members.js adds the form in the page instead).
MemberFormSet = forms.modelformset_factory(
    DelegationMember, form=MemberForm, formset=BaseMemberFormSet, extra=1, can_delete=True
)


def _note_verbale_help(*, uploaded: bool = False) -> str:
    # Interpolated when shown, in the page's language (`gettext_lazy(...) % {...}` would fix it at import).
    if uploaded:
        text = gettext("PDF, at most %(size)s. Leave empty to keep the one already uploaded.")
    else:
        text = gettext("PDF, at most %(size)s.")
    return text % {"size": MAX_NOTE_VERBALE_LABEL}


class NoteVerbaleForm(forms.Form):
    default_renderer = python_widgets_renderer  # its errors (see MemberForm)

    note_verbale = forms.FileField(
        required=False,
        label=_("Note verbale (PDF)"),
        help_text=lazy(_note_verbale_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, uploaded: bool = False, **kwargs):
        """`uploaded`: the registration has a note verbale already (the help says an empty field keeps it)."""
        super().__init__(*args, **kwargs)
        self.fields["note_verbale"].help_text = lazy(lambda: _note_verbale_help(uploaded=uploaded), str)()

    def clean_note_verbale(self):
        upload = self.cleaned_data.get("note_verbale")
        if upload:
            try:
                validate_note_verbale(upload)
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return upload


class InscriptionForm(MarksRequired, forms.ModelForm):
    class Meta:
        model = Inscription
        fields = ["group_name", "honorific", "given_name", "family_name", "function", "level"]
        labels = {
            "group_name": _("On behalf of the group"),
            "honorific": _("Honorific"),
            "given_name": _("Given name"),
            "family_name": _("Family name"),
            "function": _("Function or title"),
            "level": _("Level of representation"),
        }
        help_texts = {"group_name": _("e.g. Group of 77 and China. Blank when speaking for the State.")}

    SPEAKER_FIELDS = ("honorific", "given_name", "family_name", "function")

    def __init__(self, *args, missions, speakers_list=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.missions = list(missions)
        order = []
        if len(self.missions) > 1:
            self.fields["mission"] = forms.ModelChoiceField(queryset=missions, empty_label=None, label=_("Mission"))
            order.append("mission")
        members = self._members(speakers_list)
        if members:
            # The speaker is usually on the delegation already registered: picked, not typed again.
            self.fields["member"] = forms.ModelChoiceField(
                queryset=members,
                required=False,
                label=_("Speaker from the delegation"),
                empty_label=_("Someone else: give the name below"),
            )
            self.fields["member"].label_from_instance = self._member_label
            order.append("member")
            for name in ("family_name", "function"):
                self.fields[name].required = False
                self.fields[name].help_text = _("Needed only when the speaker is not picked from the delegation.")
        self.order_fields(order)
        self.mark_required()

    def _members(self, speakers_list):
        if speakers_list is None or not self.missions:
            return None
        members = (
            DelegationMember.objects.filter(
                registration__mission__in=self.missions, registration__session_id=speakers_list.item.session_id
            )
            .exclude(registration__status=DelegationRegistration.Status.REJECTED)
            .order_by("registration__mission", "-is_head", "order", "id")
        )
        return members if members.exists() else None

    @staticmethod
    def _member_label(member) -> str:
        return f"{member.display_name}, {member.function}" if member.function else member.display_name

    def clean(self):
        data = super().clean()
        member = data.get("member")
        if member is not None:
            for name in self.SPEAKER_FIELDS:
                data[name] = getattr(member, name)
        elif "member" in self.fields:
            for name in ("family_name", "function"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Pick the speaker from the delegation, or give this."))
        return data


# --- Stakeholders ---------------------------------------------------------------------------------------------------


class OrganizationForm(MarksRequired, forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", label=_("Website"))  # Django 6's default, now

    class Meta:
        model = Organization
        fields = ["name", "acronym", "kind", "ecosoc_status", "country", "website", "email"]
        labels = {
            "name": _("Name of the organization"),
            "acronym": _("Acronym"),
            "kind": _("Kind of organization"),
            "ecosoc_status": _("ECOSOC consultative status"),
            "country": _("Country"),
            "website": _("Website"),
            "email": _("E-mail"),
        }
        help_texts = {
            "ecosoc_status": _(
                "Organizations in consultative status with ECOSOC are accredited once the secretariat confirms it; "
                "the others are put on a list that Member States consider on a non-objection basis."
            ),
            "email": _("Leave empty to use your own address."),
            "country": _("Where the organization has its headquarters; blank for international networks."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # State names in the page's language, in its alphabetical order ("Égypte" with the E's, not after "Zambie":
        # a database's ORDER BY sorts by code point).
        language = translation.get_language() or "en"
        field = self.fields["country"]
        states = sorted(field.queryset, key=lambda state: state.alphabetical_key(language))
        field.choices = [("", _("— international (no country) —"))] + [(s.pk, s.name(language)) for s in states]
        field.widget = NameSelect(choices=field.choices)


class RepresentationForm(MarksRequired, forms.Form):
    session = forms.ModelChoiceField(queryset=ThematicSession.objects.none(), empty_label=None, label=_("Session"))
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Organization"),
        help_text=_("Only accredited organizations are listed."),
    )
    function = forms.CharField(label=_("Your function or title"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = ThematicSession.objects.filter(
            status=ThematicSession.Status.PUBLISHED
        ).order_by("start_date")
        self.fields["organization"].queryset = Organization.objects.filter(
            accreditation=Organization.Accreditation.ACCREDITED
        ).order_by("name")
        self.fields["organization"].widget = NameSelect(choices=self.fields["organization"].choices)
        self.mark_required()


class ReadChoiceField(forms.ModelChoiceField):
    """A choice among objects already read (a list): its options and its validation make no query."""

    def __init__(self, objects, *, label_from_instance, **kwargs):
        super().__init__(queryset=type(objects[0])._default_manager.none() if objects else None, **kwargs)
        self.objects = {str(obj.pk): obj for obj in objects}

        # The labels made when the options are first rendered (a label reads the language), not to validate a POST.
        empty_label = self.empty_label

        @functools.cache
        def choices() -> list:
            return [("", empty_label), *((obj.pk, label_from_instance(obj)) for obj in objects)]

        self.choices = choices

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.objects[str(getattr(value, "pk", value))]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None


class SlotApplicationForm(MarksRequired, forms.ModelForm):
    class Meta:
        model = SlotApplication
        fields = ["speaker_name", "speaker_function", "speaker_email", "theme", "summary"]
        labels = {
            "speaker_name": _("Speaker name"),
            "speaker_function": _("Speaker's function or title"),
            "speaker_email": _("Speaker's e-mail"),
            "theme": _("Panel theme addressed"),
            "summary": _("Summary of the statement"),
        }
        help_texts = {
            "summary": _("A short summary of the statement."),
            "theme": _("The panel whose theme the statement addresses."),
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 5, "maxlength": 1500})}

    def __init__(self, *args, dialogue, **kwargs):
        super().__init__(*args, **kwargs)
        # The session's panels, read once: the options, and the choice checked against them.
        panels = dialogue_selectors.panels_for_application(dialogue)
        theme = self.fields["theme"]
        self.fields["theme"] = ReadChoiceField(
            panels,
            label_from_instance=lambda item: item.local_title,
            required=bool(panels),
            label=theme.label,
            help_text=theme.help_text,
            empty_label=_("— choose the panel —"),
            widget=ContentSelect(english_values=_untranslated(panels, "title")),
        )
        self.fields["speaker_email"].help_text = _(
            "The speaker receives the confirmation and the slot's calendar file."
        )
        self.mark_required()

    def _post_clean(self):
        # No model validation here: the service validates the application it makes (application_submit). What the
        # model would check of these fields (required, lengths, the e-mail) the form's fields, made from the model's,
        # have just checked and shown by the field; its constraints are on fields the form does not hold; the theme
        # is one of the panels just read, and the service checks its session.
        pass


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        label=_("Reason"),
        help_text=_("Optional. Read by the secretariat only: neither the organization nor other States see it."),
    )
