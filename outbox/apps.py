from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Outgoing mail's machinery, at the bottom of the import arrows (it imports only compact_portal): which worker
    processes are alive, so a delivery whose worker died is taken over within seconds, not after a timeout."""

    name = "outbox"
    verbose_name = "Outgoing mail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from outbox import workers

        workers.connect_worker_signals()
