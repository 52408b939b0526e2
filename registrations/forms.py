from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registrations.models import FLOOR_KINDS, DelegationMember, Inscription, Organization, SlotApplication, State
from registrations.services import MemberData
from registrations.uploads import MAX_NOTE_VERBALE_LABEL, validate_note_verbale
from sessions.models import AgendaItem, ThematicSession


class MemberForm(forms.ModelForm):
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


class HeadForm(MemberForm):
    prefix = "head"


class BaseMemberFormSet(forms.BaseModelFormSet):
    def member_data(self) -> list[MemberData]:
        return [
            form.member_data()
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]


MemberFormSet = forms.modelformset_factory(
    DelegationMember, form=MemberForm, formset=BaseMemberFormSet, extra=3, can_delete=True
)


def _note_verbale_help() -> str:
    # Interpolated when shown, in the page's language (`gettext_lazy(...) % {...}` would fix it at import).
    return gettext("PDF, at most %(size)s. Leave empty to keep the one already uploaded.") % {
        "size": MAX_NOTE_VERBALE_LABEL
    }


class NoteVerbaleForm(forms.Form):
    note_verbale = forms.FileField(
        required=False,
        label=_("Note verbale (PDF)"),
        help_text=lazy(_note_verbale_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_note_verbale(self):
        upload = self.cleaned_data.get("note_verbale")
        if upload:
            try:
                validate_note_verbale(upload)
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return upload


class InscriptionForm(forms.ModelForm):
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

    def __init__(self, *args, missions, **kwargs):
        super().__init__(*args, **kwargs)
        self.missions = list(missions)
        if len(self.missions) > 1:
            self.fields["mission"] = forms.ModelChoiceField(queryset=missions, empty_label=None, label=_("Mission"))
            self.order_fields(["mission"])


# --- Stakeholders ---------------------------------------------------------------------------------------------------


class OrganizationForm(forms.ModelForm):
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
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = State.objects.order_by("name_en")
        self.fields["country"].empty_label = _("— international (no country) —")


class RepresentationForm(forms.Form):
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


class SlotApplicationForm(forms.ModelForm):
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
        help_texts = {"summary": _("A short summary of the statement.")}
        widgets = {"summary": forms.Textarea(attrs={"rows": 5, "maxlength": 1500})}

    def __init__(self, *args, dialogue, **kwargs):
        super().__init__(*args, **kwargs)
        panels = AgendaItem.objects.filter(session=dialogue.session_id, kind__in=FLOOR_KINDS).order_by(
            "day", "start_time"
        )
        self.fields["theme"].queryset = panels
        self.fields["theme"].required = panels.exists()
        self.fields["theme"].empty_label = _("— choose the panel —")
        self.fields["theme"].label_from_instance = lambda item: item.title
        self.fields["speaker_email"].help_text = _(
            "The speaker receives the confirmation and the slot's calendar file."
        )


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        label=_("Reason"),
        help_text=_("Optional. Read by the secretariat only: neither the organization nor other States see it."),
    )
