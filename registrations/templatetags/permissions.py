"""The permission vocabulary in templates (see registrations.permissions):

{% load permissions %}
{% if user|is_secretariat %} … {% endif %}
{% if user|is_cofacilitator %} … {% endif %}
{% if user|is_focal_point_of:mission %} … {% endif %}
{% if user|is_focal_point_of_organization:organization %} … {% endif %}
"""

from django import template

from registrations import permissions

register = template.Library()


@register.filter
def is_secretariat(user) -> bool:
    return permissions.is_secretariat(user)


@register.filter
def is_cofacilitator(user) -> bool:
    return permissions.is_cofacilitator(user)


@register.filter
def is_focal_point_of(user, mission) -> bool:
    return permissions.is_focal_point_of_mission(user, mission)


@register.filter
def is_focal_point_of_organization(user, organization) -> bool:
    return permissions.is_focal_point_of_organization(user, organization)
