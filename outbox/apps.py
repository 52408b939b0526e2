from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Outgoing mail's machinery, at the bottom of the import arrows (it imports only compact_portal): which worker
    processes are alive, so a delivery whose worker died is taken over within seconds, not after a timeout."""

    name = "outbox"
    verbose_name = "Outgoing mail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from compact_portal import roles
        from outbox import workers

        workers.connect_worker_signals()
        # Both staff roles see every outgoing mail and may send a failed one again; nobody edits or deletes one.
        grants = {"outgoingmail": roles.VIEW, "codename:resend_outgoingmail": ()}
        roles.grant_after_migrate(self, {roles.SECRETARIAT: grants, roles.CO_FACILITATORS: grants})
