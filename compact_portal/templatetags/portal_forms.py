"""Forms rendered by templates that Django's or allauth's own code builds: required fields marked the portal's way."""

from django import template

register = template.Library()


@register.filter
def marked_label(field) -> str:
    """The field's <label>, with the class `required` (the red asterisk of forms.css) when the field is required."""
    return field.label_tag(attrs={"class": "required"} if field.field.required else None)


@register.filter
def has_required(form) -> bool:
    return any(field.field.required for field in form.visible_fields())
