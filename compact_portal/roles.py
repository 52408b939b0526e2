"""The portal's staff roles, as Django groups, and how each app grants its permissions to them.

Each app declares which of its models each role may view, add, change or delete and hands that to
`grant_after_migrate` in its `ready()`; `grant` then runs after every migrate so a fresh database has working
roles without anyone clicking through the admin.
"""

from django.apps import apps as global_apps
from django.db.models.signals import post_migrate

SECRETARIAT = "Secretariat"
CO_FACILITATORS = "Co-facilitators"

FULL = ("view", "add", "change", "delete")
VIEW = ("view",)


def grant(app_label: str, grants: dict[str, dict[str, tuple[str, ...]]], *, apps=global_apps) -> None:
    """grants: {role: {model_name: actions}}; extra codenames may be given as model_name "codename:<name>"."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, per_model in grants.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = []
        for model_name, actions in per_model.items():
            if model_name.startswith("codename:"):
                codenames.append(model_name.removeprefix("codename:"))
            else:
                codenames += [f"{action}_{model_name}" for action in actions]
        permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        group.permissions.add(*permissions)


def grant_after_migrate(app_config, grants: dict[str, dict[str, tuple[str, ...]]]) -> None:
    """Grant `grants` (as for `grant`) on app_config's models after every migrate of that app."""

    def _grant_roles(sender, **kwargs):
        grant(app_config.label, grants)

    post_migrate.connect(_grant_roles, sender=app_config, weak=False, dispatch_uid=f"roles:{app_config.label}")
