from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = "States, missions and registrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_grant_roles, sender=self)


def _grant_roles(sender, **kwargs):
    from compact_portal import roles

    roles.grant(
        "registrations",
        {
            roles.SECRETARIAT: {
                "regionalgroup": roles.VIEW,
                "state": roles.VIEW,
                "permanentmission": roles.FULL,
                "organization": roles.FULL,
                "profile": roles.FULL,
                "delegationregistration": ("view", "change"),
                "delegationmember": roles.VIEW,
                "registrationevent": roles.VIEW,
                "speakerslist": roles.FULL,
                "inscription": ("view", "change", "delete"),
                "codename:process_delegationregistration": (),
                "organizationevent": roles.VIEW,
                "nonobjectionlist": roles.FULL,
                "nonobjectionentry": roles.VIEW,
                "objection": roles.VIEW,
                "representation": ("view", "change"),
                "dialogue": roles.FULL,
                "slotapplication": ("view", "change"),
                "applicationevent": roles.VIEW,
                "codename:accredit_organization": (),
            },
            roles.CO_FACILITATORS: {
                "regionalgroup": roles.VIEW,
                "state": roles.VIEW,
                "permanentmission": roles.VIEW,
                "organization": roles.VIEW,
                "speakerslist": roles.VIEW,
                "inscription": roles.VIEW,
                "dialogue": roles.VIEW,
                "slotapplication": roles.VIEW,
            },
        },
    )
