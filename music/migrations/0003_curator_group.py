"""The `curator` group: may curate the catalogue and run imports, may not touch users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("music", "track", ("view", "change")),
    ("music", "importjob", ("view", "add")),
    ("music", "playlist", ("view",)),
    ("music", "recommendation", ("view",)),
]


def create_group(apps, schema_editor):
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="curator")
    for app_label, model, actions in PERMISSIONS:
        codenames = [f"{action}_{model}" for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label,
                                                         content_type__model=model, codename__in=codenames))


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="curator").delete()


class Migration(migrations.Migration):
    dependencies = [("music", "0002_search_indexes"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(create_group, delete_group)]
