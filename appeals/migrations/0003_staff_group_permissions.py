"""Least privilege for the appeals app, per staff group (never per user)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Registrar": ["view_appeal", "add_appeal", "view_category", "view_appealattachment"],
    "Executor": [
        "view_appeal",
        "change_appeal",
        "view_category",
        "view_appealattachment",
        "view_appealmessage",
    ],
    "Head": [
        "view_appeal",
        "add_appeal",
        "change_appeal",
        "assign_appeal",
        "extend_appeal",
        "export_appeal",
        "view_category",
        "add_category",
        "change_category",
        "view_consenttext",
        "view_appealattachment",
        "view_appealmessage",
        "view_exportlog",
        "view_statistics",
    ],
    "Analyst": ["view_appeal", "view_category", "view_statistics"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("appeals")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="appeals", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="appeals", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0002_seed_categories_consent"),
        ("pkop_portal", "0002_seed_lines_groups_calendar"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
