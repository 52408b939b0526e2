from django.apps import AppConfig

from compact_portal import roles

_MODELS = [
    "process",
    "venue",
    "person",
    "thematicsession",
    "cofacilitator",
    "agendaitem",
    "itemrole",
    "sessiondocument",
]


class SessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions already owns the label "sessions".
    label = "consultations"
    verbose_name = "Sessions and agendas"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        roles.grant_after_migrate(
            self,
            {
                roles.SECRETARIAT: dict.fromkeys(_MODELS, roles.FULL),
                roles.CO_FACILITATORS: dict.fromkeys(_MODELS, roles.VIEW),
            },
        )
