"""The Python widget renderer writes exactly what Django's templates write: every field of forms with each kind of
input, hostile values, every sort of attribute, errors, groups of choices and labels without a tag, rendered both
ways and compared."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from compact_portal.form_renderer import PythonWidgetsRenderer

TEMPLATES = DjangoTemplates()
HOSTILE = "<script>\"&'</script> Ünïcode ‏عربي 中文"

CHOICES = [("in_person", gettext_lazy("In person")), ("online", "Online <&>")]
GROUPED = [("Europe", [("ch", "Switzerland"), ("fr", "France")]), ("Americas", [("mx", "México & <b>")]), ("x", "X")]


class EveryInput(forms.Form):
    required_css_class = "required"
    error_css_class = "invalid"

    text = forms.CharField(max_length=40, help_text="e.g. H.E. <Mr.>", widget=forms.TextInput(attrs={"size": 8}))
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    url = forms.URLField(required=False, assume_scheme="https")
    number = forms.IntegerField(required=False, min_value=0, max_value=10_000)
    decimal = forms.DecimalField(required=False, max_digits=6, decimal_places=2)
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    check = forms.BooleanField(required=False, label="Remove?")
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(required=False, widget=forms.TimeInput)
    when = forms.DateTimeField(required=False, widget=forms.DateTimeInput)
    file = forms.FileField(required=False, widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}))
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, initial="in_person")
    grouped = forms.ChoiceField(required=False, choices=GROUPED, widget=forms.RadioSelect(attrs={"class": "a b"}))
    many = forms.MultipleChoiceField(required=False, choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    odd = forms.CharField(
        required=False,
        label=mark_safe("Safe <em>label</em>"),
        widget=forms.TextInput(
            attrs={
                "data-true": True,
                "data-false": False,
                "data-none": None,
                "data-zero": 0,
                "data-number": 1234567,
                "data-float": 1.5,
                "data-lazy": gettext_lazy("Given name"),
                "data-safe": mark_safe("<b>&amp;</b>"),
                "data-hostile": HOSTILE,
                "data-tuple": (1, 2),
                "aria-describedby": "x y",
                'data-<name>"': "escaped too",
            }
        ),
    )

    def clean(self):
        raise forms.ValidationError(["A form-wide error <with markup>", mark_safe("A <em>safe</em> one")])


HOSTILE_DATA = {
    "text": HOSTILE * 2,  # too long: an error
    "email": "not an e-mail <x>",
    "url": "javascript:alert(1)",
    "number": "-1",
    "decimal": "12,5",
    "password": HOSTILE,
    "hidden": HOSTILE,
    "check": "on",
    "date": "2026-13-40",
    "time": "25:00",
    "when": "2026-12-08 10:30",
    "radio": "elsewhere",
    "grouped": "mx",
    "many": ["online", "nowhere"],
    "odd": HOSTILE,
}


def _pieces(form) -> list[str]:
    """Every piece a template asks of a form: each field's widget, label tag, legend tag, errors and help text,
    the form's own errors, the form whole."""
    pieces = [str(form.non_field_errors()), str(form)]
    for field in form:
        pieces += [str(field), field.label_tag(), field.legend_tag(), str(field.errors), str(field.help_text)]
        pieces += [field.label_tag(attrs={"class": "x"}, label_suffix=""), field.label_tag(tag="span")]
        pieces += [str(subwidget) for subwidget in field.subwidgets]
    return pieces


@pytest.mark.parametrize("language", ["en", "fr", "ar", "zh-hans", "es", "ru"])
@pytest.mark.parametrize(
    "make",
    [
        lambda renderer: EveryInput(renderer=renderer),
        lambda renderer: EveryInput(renderer=renderer, auto_id=False),
        lambda renderer: EveryInput(renderer=renderer, prefix="head", initial={"text": HOSTILE, "many": ["online"]}),
        lambda renderer: EveryInput(HOSTILE_DATA, {}, renderer=renderer),
        lambda renderer: EveryInput(HOSTILE_DATA, {}, renderer=renderer, auto_id="f-%s", label_suffix=" →"),
        lambda renderer: EveryInput({"radio": "online", "check": ""}, renderer=renderer, use_required_attribute=False),
    ],
    ids=["blank", "no-ids", "initial", "hostile", "own-ids", "bound"],
)
def test_each_field_renders_as_the_templates_render_it(make, language):
    with override(language):
        python, templates = make(PythonWidgetsRenderer()), make(TEMPLATES)
        python.is_valid(), templates.is_valid()
        assert _pieces(python) == _pieces(templates)


def test_the_python_versions_serve_the_fields_the_templates_are_not_asked(monkeypatch):
    """The comparison above compares something: the widgets, labels and errors do not fall back to the templates."""
    asked = []
    monkeypatch.setattr(DjangoTemplates, "render", lambda self, name, context, request=None: asked.append(name) or "")
    form = EveryInput(HOSTILE_DATA, {}, renderer=PythonWidgetsRenderer())
    form.is_valid()
    for field in form:
        str(field), field.label_tag(), str(field.errors)
    str(form.non_field_errors())
    assert asked == []


def test_a_context_it_does_not_expect_is_rendered_by_the_template(monkeypatch):
    """A widget whose option template is not one it knows (a project's own) is left whole to the templates."""

    class Fancy(forms.RadioSelect):
        option_template_name = "django/forms/widgets/input_option.html"

    asked = []
    render = DjangoTemplates.render
    monkeypatch.setattr(
        DjangoTemplates,
        "render",
        lambda self, name, *args, **kwargs: asked.append(name) or render(self, name, *args, **kwargs),
    )
    form = forms.Form(renderer=PythonWidgetsRenderer())
    form.fields["choice"] = forms.ChoiceField(choices=CHOICES, widget=Fancy)
    expected = forms.Form(renderer=TEMPLATES)
    expected.fields["choice"] = forms.ChoiceField(choices=CHOICES, widget=Fancy)
    assert str(form["choice"]) == str(expected["choice"])
    assert asked == ["django/forms/widgets/radio.html"] * 2
