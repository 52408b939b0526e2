from django.apps import AppConfig
from django.db.models.signals import post_migrate


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = "Invitation letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_grant_roles, sender=self)


def _grant_roles(sender, **kwargs):
    from compact_portal import roles

    # The secretariat prepares and previews letters; only co-facilitators send them.
    roles.grant(
        "invitations",
        {
            roles.SECRETARIAT: {
                "letter": roles.FULL,
                "signatory": roles.FULL,
                "dispatch": roles.VIEW,
                "delivery": roles.VIEW,
            },
            roles.CO_FACILITATORS: {
                "letter": roles.FULL,
                "signatory": roles.FULL,
                "dispatch": roles.VIEW,
                "delivery": roles.VIEW,
                "codename:send_letter": (),
            },
        },
    )
