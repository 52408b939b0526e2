"""A form renderer that writes Django's own widget, label and error-list templates in Python: the same HTML, a tenth
of the CPU. A form page of 26 fields (the delegation registration) spent ~70% of its time in these small templates,
each an include or two with a loop over attributes.

Each function below is the template of the same name, character for character: the same escaping
(`render_value_in_context`, as `{{ }}` does), `stringformat:'s'` keeping what is already safe, `{% if value is not
False %}`, the templates' line breaks, and the renderer's final `strip()`. A template it does not know (or a widget
context it does not expect) is rendered by the templates as before. tests/compact_portal/test_form_renderer.py
renders fields both ways and compares them.
"""

from types import SimpleNamespace

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe

# What `{{ value }}` in the renderer's templates sees: autoescape on, no localization or time zone forced.
_CONTEXT = SimpleNamespace(autoescape=True, use_l10n=None, use_tz=None)


class _NotMine(Exception):
    """The context is not the one the Python version expects: the template renders it."""


def _text(value) -> str:
    """`{{ value }}`"""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}` (the filter is is_safe: a safe value stays unescaped)."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        result = "%s" % value  # noqa: UP031 (the filter's own formatting)
    except (ValueError, TypeError):
        result = ""
    return _text(mark_safe(result) if isinstance(value, SafeData) else result)  # noqa: S308 (safe in, safe out)


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html and django/forms/attrs.html"""
    if not attrs:
        return ""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(" " + _text(name))
            if value is not True:
                parts.append('="' + _formatted(value) + '"')
    return "".join(parts)


def _input(widget) -> str:
    """django/forms/widgets/input.html"""
    value = widget["value"]
    html = '<input type="' + _text(widget["type"]) + '" name="' + _text(widget["name"]) + '"'
    if value is not None:
        html += ' value="' + _formatted(value) + '"'
    return html + _attrs(widget["attrs"]) + ">\n"


def _input_option(option) -> str:
    """django/forms/widgets/input_option.html (radio_option.html and checkbox_option.html include it)"""
    if option["template_name"] not in _OPTIONS:
        raise _NotMine
    if not option["wrap_label"]:
        return _input(option) + "\n"
    option_id = option["attrs"].get("id")
    opening = '<label for="' + _text(option_id) + '">' if option_id else "<label>"
    return opening + _input(option) + " " + _text(option["label"]) + "</label>\n"


def _multiple_input(widget) -> str:
    """django/forms/widgets/multiple_input.html (radio.html includes it)"""
    widget_id = widget["attrs"].get("id")
    widget_class = widget["attrs"].get("class")
    html = "<div"
    if widget_id:
        html += ' id="' + _text(widget_id) + '"'
    if widget_class:
        html += ' class="' + _text(widget_class) + '"'
    html += ">"
    for group, options, _index in widget["optgroups"]:
        if group:
            html += "\n  <div><label>" + _text(group) + "</label>"
        for option in options:
            # The option's template includes input_option.html and ends with a line break of its own.
            html += "<div>\n    " + _input_option(option) + "\n</div>"
        if group:
            html += "\n  </div>"
    return html + "\n</div>\n"


def _label(context) -> str:
    """django/forms/label.html"""
    if not context["use_tag"]:
        return _text(context["label"]) + "\n"
    tag = _text(context["tag"])
    return "<" + tag + _attrs(context["attrs"]) + ">" + _text(context["label"]) + "</" + tag + ">\n"


def _error_list(context) -> str:
    """django/forms/errors/list/ul.html (default.html includes it)"""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    html = '<ul class="' + _text(context["error_class"]) + '"'
    if field_id:
        html += ' id="' + _text(field_id) + '_error"'
    return html + ">" + "".join("<li>" + _text(error) + "</li>" for error in errors) + "</ul>"


_OPTIONS = {"django/forms/widgets/radio_option.html", "django/forms/widgets/checkbox_option.html"}
_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "email", "url", "number", "password", "hidden", "checkbox", "date", "datetime", "time",
        "file", "search", "tel", "color",
    )
}  # fmt: skip

_TEMPLATES = {
    **{name: lambda context: _input(context["widget"]) for name in _INPUTS},
    "django/forms/widgets/radio.html": lambda context: _multiple_input(context["widget"]),
    "django/forms/widgets/checkbox_select.html": lambda context: _multiple_input(context["widget"]),
    "django/forms/widgets/multiple_input.html": lambda context: _multiple_input(context["widget"]),
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _error_list,
    "django/forms/errors/list/ul.html": _error_list,
}


class PythonWidgetsRenderer(DjangoTemplates):
    """Django's template renderer, with its widget, label and error-list templates written in Python. A project that
    overrides one of these templates must drop it from `_TEMPLATES` (the tests compare with the templates found)."""

    def render(self, template_name, context, request=None):
        render = _TEMPLATES.get(template_name)
        if render is not None:
            try:
                return render(context).strip()
            except (_NotMine, KeyError, AttributeError, TypeError):
                pass
        return super().render(template_name, context, request=request)


# One instance, shared: a form given the class would build the renderer's template engine again for each form.
python_widgets_renderer = PythonWidgetsRenderer()
