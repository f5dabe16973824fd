"""Analysts are read-only: adding internal notes is its own right, given to the groups that work
on appeals (Registrar, Executor, Head), no longer implied by view_appeal."""

from django.db import migrations

from pkop_portal.permissions import grant_group_permissions, revoke_group_permissions

GRANTS = {
    "Registrar": ["add_note_appeal"],
    "Executor": ["add_note_appeal"],
    "Head": ["add_note_appeal"],
}


def grant(apps, schema_editor):
    grant_group_permissions(apps, "appeals", GRANTS)


def revoke(apps, schema_editor):
    revoke_group_permissions(apps, "appeals", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0007_event_kinds_referred_code_reissued"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="appeal",
            options={
                "ordering": ["due_date", "id"],
                "permissions": [
                    ("assign_appeal", "Can assign appeals to executors"),
                    ("extend_appeal", "Can extend the answer deadline"),
                    ("export_appeal", "Can export appeals"),
                    ("view_statistics", "Can see appeal statistics"),
                    ("add_note_appeal", "Can add internal notes to appeals"),
                ],
                "verbose_name": "appeal",
                "verbose_name_plural": "appeals",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
