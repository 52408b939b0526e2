from django.apps import AppConfig

from compact_portal import roles


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Staff read the trail; nobody, in any role, adds, changes or deletes an entry (see audit/admin.py).
        roles.grant_after_migrate(self, {roles.SECRETARIAT: {"auditentry": roles.VIEW}})
