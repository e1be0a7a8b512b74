from django.db import migrations


def sync_groups(apps, schema_editor):
    from cooperation.roles import sync_editor_group

    sync_editor_group(apps)


def remove_publishers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Publishers").delete()


class Migration(migrations.Migration):
    """Publishers get the new publish permissions; neither group gets the historical models'."""

    dependencies = [
        ("cooperation", "0006_history"),
    ]

    operations = [migrations.RunPython(sync_groups, remove_publishers_group)]
