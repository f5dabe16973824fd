"""Least privilege for the appeals app, per staff group (never per user)."""

from django.db import migrations

from pkop_portal.permissions import grant_group_permissions, revoke_group_permissions

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
    grant_group_permissions(apps, "appeals", GRANTS)


def revoke(apps, schema_editor):
    revoke_group_permissions(apps, "appeals", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0002_seed_categories_consent"),
        ("pkop_portal", "0002_seed_lines_groups_calendar"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
