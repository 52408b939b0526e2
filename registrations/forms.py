from django import forms
from django.core.exceptions import ValidationError

from registrations.models import FLOOR_KINDS, DelegationMember, Inscription, Organization, SlotApplication, State
from registrations.services import MemberData
from registrations.uploads import MAX_NOTE_VERBALE_LABEL, validate_note_verbale
from sessions.models import AgendaItem, ThematicSession


class MemberForm(forms.ModelForm):
    class Meta:
        model = DelegationMember
        fields = ["honorific", "given_name", "family_name", "function", "email", "attendance"]
        widgets = {"attendance": forms.RadioSelect}

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


class NoteVerbaleForm(forms.Form):
    note_verbale = forms.FileField(
        required=False,
        help_text=f"PDF, at most {MAX_NOTE_VERBALE_LABEL}. Leave empty to keep the one already uploaded.",
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

    def __init__(self, *args, missions, **kwargs):
        super().__init__(*args, **kwargs)
        self.missions = list(missions)
        if len(self.missions) > 1:
            self.fields["mission"] = forms.ModelChoiceField(queryset=missions, empty_label=None, label="Mission")
            self.order_fields(["mission"])


# --- Stakeholders ---------------------------------------------------------------------------------------------------


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "acronym", "kind", "ecosoc_status", "country", "website", "email"]
        help_texts = {
            "ecosoc_status": "Organizations in consultative status with ECOSOC are accredited once the secretariat "
            "confirms it; the others are put on a list that Member States consider on a non-objection basis.",
            "email": "Leave empty to use your own address.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = State.objects.order_by("name_en")
        self.fields["country"].empty_label = "— international (no country) —"


class RepresentationForm(forms.Form):
    session = forms.ModelChoiceField(queryset=ThematicSession.objects.none(), empty_label=None)
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), help_text="Only accredited organizations are listed."
    )
    function = forms.CharField(label="Your function or title", max_length=300, required=False)

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
        labels = {"theme": "Panel theme addressed"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 5, "maxlength": 1500})}

    def __init__(self, *args, dialogue, **kwargs):
        super().__init__(*args, **kwargs)
        panels = AgendaItem.objects.filter(session=dialogue.session_id, kind__in=FLOOR_KINDS).order_by(
            "day", "start_time"
        )
        self.fields["theme"].queryset = panels
        self.fields["theme"].required = panels.exists()
        self.fields["theme"].empty_label = "— choose the panel —"
        self.fields["speaker_email"].help_text = "The speaker receives the confirmation and the slot's calendar file."


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text="Optional. Read by the secretariat only: neither the organization nor other States see it.",
    )
