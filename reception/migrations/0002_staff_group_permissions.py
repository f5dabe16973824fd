"""The Reception secretary runs schedules and bookings; Heads see them."""

from django.db import migrations

from pkop_portal.permissions import grant_group_permissions, revoke_group_permissions

GRANTS = {
    "Reception secretary": [
        "view_manager",
        "add_manager",
        "change_manager",
        "view_schedulerule",
        "add_schedulerule",
        "change_schedulerule",
        "delete_schedulerule",
        "view_absence",
        "add_absence",
        "change_absence",
        "delete_absence",
        "view_slot",
        "change_slot",
        "view_booking",
        "change_booking",
    ],
    "Head": ["view_manager", "view_schedulerule", "view_absence", "view_slot", "view_booking"],
}


def grant(apps, schema_editor):
    grant_group_permissions(apps, "reception", GRANTS)


def revoke(apps, schema_editor):
    revoke_group_permissions(apps, "reception", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("reception", "0001_initial"),
        ("pkop_portal", "0002_seed_lines_groups_calendar"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
