"""Who may do what in the editors' admin. Groups are created by migrations.

Editors write drafts and submit them for review; publishers also publish and unpublish
(`publish_<model>`, see `Publishable.Meta`). Which record each may change in which state is
decided in the admin (docs/decisions/0003-review-workflow.md).
"""

from django.contrib.auth.management import create_permissions
from simple_history.models import HistoricalChanges

EDITORS = "Editors"
PUBLISHERS = "Publishers"

# Both record cooperation data: every model of this app, nothing else (not users, groups
# or the site's configuration). Deleting is safe to give: a deleted record stays in its
# history and can be restored.
EDITOR_ACTIONS = ("add", "change", "delete", "view")
# Except the addresses of those who subscribe to alerts: no editor needs them.
PRIVATE_MODELS = {"subscription"}
PUBLISHER_ACTIONS = (*EDITOR_ACTIONS, "publish")


def sync_editor_group(apps):
    """Create or update the Editors and Publishers groups with exactly what each needs.

    Called from migrations. A migration that adds a model must call it again (a RunPython
    of its own) so that both groups get the new model's permissions.
    """
    app_config = apps.get_app_config("cooperation")
    # Permissions are normally created after all migrations ran; create them now so that
    # the group can be given them on a fresh database.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Versions are read and restored through the records' own admin pages, so the groups
    # need no permissions on the historical models.
    models = [
        m._meta.model_name
        for m in app_config.get_models()
        if not _is_history(m) and m._meta.model_name not in PRIVATE_MODELS
    ]
    content_types = ContentType.objects.filter(app_label="cooperation", model__in=models)
    for name, actions in ((EDITORS, EDITOR_ACTIONS), (PUBLISHERS, PUBLISHER_ACTIONS)):
        codenames = [f"{action}_{model}" for model in models for action in actions]
        permissions = Permission.objects.filter(
            content_type__in=content_types, codename__in=codenames
        )
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def _is_history(model):
    # Holds for the migrations' model states too: they keep simple-history's base class.
    return issubclass(model, HistoricalChanges)
