from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = "Invitation letters"
    default_auto_field = "django.db.models.BigAutoField"
