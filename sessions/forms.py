"""Admin forms: the content the secretariat enters in the other official languages, one field per language."""

from django import forms

from compact_portal.uploads import validate_pdf
from sessions.models import CONTENT_LANGUAGES, SessionDocument


def translation_field_name(field: str, language: str) -> str:
    return f"{field}_{language.replace('-', '_')}"


def translations_form(model, fields: dict[str, str]) -> type[forms.ModelForm]:
    """A ModelForm for `model` with one optional field per (translated field, language), e.g. `title_fr`,
    read from and written to the model's `translations` JSON. `fields` maps field name to its English label."""
    declared = {}
    for field, label in fields.items():
        multiline = model._meta.get_field(field).get_internal_type() == "TextField"
        for code, name in CONTENT_LANGUAGES:
            widget = (
                forms.Textarea(attrs={"rows": 3, "lang": code})
                if multiline
                else forms.TextInput(attrs={"lang": code, "size": 80})
            )
            declared[translation_field_name(field, code)] = forms.CharField(
                label=f"{label} ({name})", required=False, widget=widget, max_length=None if multiline else 400
            )

    class TranslationsForm(forms.ModelForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stored = self.instance.translations or {}
            for field in fields:
                for code, _name in CONTENT_LANGUAGES:
                    self.initial.setdefault(translation_field_name(field, code), stored.get(code, {}).get(field, ""))

        def clean(self):
            cleaned = super().clean()
            translations = {}
            for code, _name in CONTENT_LANGUAGES:
                texts = {
                    field: cleaned[translation_field_name(field, code)].strip()
                    for field in fields
                    if cleaned.get(translation_field_name(field, code), "").strip()
                }
                if texts:
                    translations[code] = texts
            self.instance.translations = translations
            return cleaned

    # No Meta: the admin gives the model and the fields (its fieldsets, which leave `translations` out).
    return type(f"{model.__name__}TranslationsForm", (TranslationsForm,), declared)


MAX_SESSION_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_SESSION_DOCUMENT_LABEL = "20 MB"


class SessionDocumentForm(forms.ModelForm):
    """A session document is attached to letters and served to everyone: the portal's one PDF check applies."""

    class Meta:
        model = SessionDocument
        fields = ["session", "kind", "title", "language", "file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the file already stored
            validate_pdf(upload, max_bytes=MAX_SESSION_DOCUMENT_BYTES, max_label=MAX_SESSION_DOCUMENT_LABEL)
        return upload
