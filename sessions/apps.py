from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions already owns the label "sessions".
    label = "consultations"
    verbose_name = "Sessions and agendas"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_grant_roles, sender=self)


def _grant_roles(sender, **kwargs):
    from compact_portal import roles

    models = [
        "process",
        "venue",
        "person",
        "thematicsession",
        "cofacilitator",
        "agendaitem",
        "itemrole",
        "sessiondocument",
    ]
    roles.grant(
        "consultations",
        {
            roles.SECRETARIAT: dict.fromkeys(models, roles.FULL),
            roles.CO_FACILITATORS: dict.fromkeys(models, roles.VIEW),
        },
    )
