"""Heads see the outbox and may retry or cancel a message; nobody may edit or delete one."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"Head": ["view_notification", "change_notification"]}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    app_config = apps.get_app_config("notifications")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="notifications", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=group_name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="notifications", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("pkop_portal", "0002_seed_lines_groups_calendar"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
