"""The focal-point request form: the mission by its State's name in the page's language, a function, a letter."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registrations.forms import MarksRequired, NameSelect
from registrations.models import PermanentMission
from registrations.uploads import MAX_NOTE_VERBALE_LABEL, validate_note_verbale


class MissionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, mission):
        return mission.state.name(translation.get_language() or "en")


class FocalPointRequestForm(MarksRequired, forms.Form):
    # State names are names (translate="no"): "Costa Rica" reads the same in English and in French.
    mission = MissionChoiceField(queryset=PermanentMission.objects.none(), label=_("State"), widget=NameSelect)
    function = forms.CharField(label=_("Function or title"), max_length=300, help_text=_("e.g. First Secretary"))
    designation_letter = forms.FileField(
        label=_("Letter of designation (PDF, optional)"),
        required=False,
        validators=[validate_note_verbale],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        missions = PermanentMission.objects.filter(duty_station=PermanentMission.DutyStation.NEW_YORK).select_related(
            "state"
        )
        language = translation.get_language() or "en"
        ordered = sorted(missions, key=lambda mission: mission.state.alphabetical_key(language))
        field = self.fields["mission"]
        field.queryset = missions
        # The list in the page's language, in its alphabetical order (the query's order is the English names').
        field.choices = [("", "---------")] + [(m.pk, field.label_from_instance(m)) for m in ordered]
        self.fields["designation_letter"].help_text = gettext(
            "A note verbale or letter from the mission naming you, as a PDF of at most %(size)s."
        ) % {"size": MAX_NOTE_VERBALE_LABEL}
