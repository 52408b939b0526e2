"""Forms of the letters' admin: the letter with its placeholders listed, the preview's recipient, the send form."""

import uuid

from django import forms
from django.utils.html import format_html, format_html_join

from invitations.models import LANGUAGE_NAMES, Dispatch, Letter
from invitations.placeholders import RECIPIENT_PLACEHOLDERS, SESSION_PLACEHOLDERS
from registrations.models import PermanentMission
from sessions.models import SessionDocument

CSV_MAX_BYTES = 2 * 1024 * 1024


def placeholders_help() -> str:
    """The placeholders a letter may use, with their descriptions, as HTML for the body's help text."""
    groups = [("For each recipient", RECIPIENT_PLACEHOLDERS), ("For the session", SESSION_PLACEHOLDERS)]
    return format_html(
        '<div class="letter-placeholders"><p>Placeholders (any other name is refused when the letter is saved):</p>'
        "{}</div>",
        format_html_join(
            "",
            '<p class="letter-placeholders-group">{}</p><dl>{}</dl>',
            (
                (
                    heading,
                    format_html_join("", "<dt><code>{{{{ {} }}}}</code></dt><dd>{}</dd>", names.items()),
                )
                for heading, names in groups
            ),
        ),
    )


class LetterAdminForm(forms.ModelForm):
    class Meta:
        model = Letter
        fields = [
            "session",
            "kind",
            "language",
            "place_date",
            "subject",
            "salutation",
            "body",
            "closing",
            "addressee",
            "attachments",
        ]
        widgets = {
            "place_date": forms.TextInput(attrs={"class": "vTextField invitations-wide"}),
            "subject": forms.TextInput(attrs={"class": "vTextField invitations-wide"}),
            "salutation": forms.TextInput(attrs={"class": "vTextField"}),
            "closing": forms.TextInput(attrs={"class": "vTextField invitations-wide"}),
            "body": forms.Textarea(attrs={"rows": 24, "cols": 100}),
            "addressee": forms.Textarea(attrs={"rows": 3, "cols": 60}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        body = self.fields["body"]
        body.help_text = format_html("{}{}", body.help_text, placeholders_help())
        if "attachments" in self.fields:
            documents = SessionDocument.objects.order_by("session__number", "title")
            if self.instance.session_id:
                documents = documents.filter(session_id=self.instance.session_id)
            self.fields["attachments"].queryset = documents
        if not self.instance.pk and "session" in self.fields:
            self.fields[
                "session"
            ].help_text = "Leave the signatories empty and the session's co-facilitators sign, in their order."


class MissionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.state.name_en} — {obj.name}"


class PreviewForm(forms.Form):
    mission = MissionChoiceField(
        label="Recipient",
        queryset=PermanentMission.objects.filter(duty_station=PermanentMission.DutyStation.NEW_YORK)
        .select_related("state")
        .order_by("state__name_en"),
        required=False,
        empty_label="A sample: each placeholder shows its name",
        help_text="A Permanent Mission in New York. The PDF is the one it would receive.",
    )
    language = forms.ChoiceField(
        label="Version",
        required=False,
        help_text="Empty: the version the mission would receive (its language of correspondence, or the main text).",
    )

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "The mission's")] + [
            (code, LANGUAGE_NAMES.get(code, code)) for code in letter.languages
        ]


class AudienceForm(forms.Form):
    """Step one of sending: who gets the letter."""

    audience = forms.ChoiceField(
        choices=Dispatch.Audience.choices, initial=Dispatch.Audience.MEMBER_STATES, widget=forms.RadioSelect
    )
    csv_file = forms.FileField(
        label="List of recipients (CSV)",
        required=False,
        help_text="For “an uploaded list”: UTF-8, a header row with the columns name, email and salutation "
        "(salutation may be empty). A list with a bad row is refused as a whole.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["csv_text"] = None
        if cleaned.get("audience") == Dispatch.Audience.CSV:
            upload = cleaned.get("csv_file")
            if not upload:
                self.add_error("csv_file", "Choose the CSV file for this audience.")
            elif upload.size > CSV_MAX_BYTES:
                self.add_error("csv_file", f"The file is larger than {CSV_MAX_BYTES // (1024 * 1024)} MB.")
            else:
                try:
                    cleaned["csv_text"] = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    self.add_error("csv_file", "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
        return cleaned


class SendForm(forms.Form):
    """Step two: the confirmation. `key` is made when the page is shown; a second submit of it sends nothing more."""

    audience = forms.ChoiceField(choices=Dispatch.Audience.choices, widget=forms.HiddenInput)
    csv_text = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    key = forms.UUIDField(widget=forms.HiddenInput)

    @classmethod
    def for_confirmation(cls, *, audience: str, csv_text: str | None):
        return cls(initial={"audience": audience, "csv_text": csv_text or "", "key": uuid.uuid4()})


class SignatureForm(forms.Form):
    image = forms.FileField(required=False)
