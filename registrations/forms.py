from django import forms
from django.core.exceptions import ValidationError

from registrations.models import DelegationMember, Inscription
from registrations.services import MemberData
from registrations.uploads import MAX_NOTE_VERBALE_LABEL, validate_note_verbale


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
