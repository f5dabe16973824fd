"""The Compliance groups' hotline rights (a new "Compliance head" group), and on PostgreSQL a
trigger that refuses any UPDATE or DELETE of the access log, whoever runs it."""

from django.db import migrations

from pkop_portal.permissions import grant_group_permissions, revoke_group_permissions

GRANTS = {
    "Compliance officer": ["handle_report"],
    "Compliance head": ["handle_report", "manage_report"],
}

TRIGGER = """
CREATE OR REPLACE FUNCTION hotline_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'hotline access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER hotline_accesslog_append_only
    BEFORE UPDATE OR DELETE ON hotline_accesslog
    FOR EACH ROW EXECUTE FUNCTION hotline_accesslog_append_only();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS hotline_accesslog_append_only ON hotline_accesslog;
DROP FUNCTION IF EXISTS hotline_accesslog_append_only();
"""


def grant(apps, schema_editor):
    grant_group_permissions(apps, "hotline", GRANTS)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def revoke(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)
    revoke_group_permissions(apps, "hotline", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0001_initial"),
        ("pkop_portal", "0002_seed_lines_groups_calendar"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
