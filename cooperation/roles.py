"""Who may do what in the editors' admin. Groups are created by migrations."""

EDITORS = "Editors"

# Editors record and publish cooperation data: every model of this app, nothing else
# (not users, groups or the site's configuration).
EDITOR_ACTIONS = ("add", "change", "delete", "view")


def sync_editor_group(apps):
    """Create or update the Editors group with exactly the permissions an editor needs.

    Called from migrations. A migration that adds a model must call it again (a RunPython
    of its own) so that editors get the new model's permissions.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("cooperation")
    # Permissions are normally created after all migrations ran; create them now so that
    # the group can be given them on a fresh database.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    models = [m._meta.model_name for m in app_config.get_models()]
    content_types = ContentType.objects.filter(app_label="cooperation", model__in=models)
    codenames = [f"{action}_{model}" for model in models for action in EDITOR_ACTIONS]
    permissions = Permission.objects.filter(content_type__in=content_types, codename__in=codenames)
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.set(permissions)
