"""Appeal consent texts move to pkop_portal.ConsentText (purpose "appeal"), keeping their ids
so that every appeal still points at the version it agreed to."""

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models


def copy_consents(apps, schema_editor):
    Old = apps.get_model("appeals", "ConsentText")
    New = apps.get_model("pkop_portal", "ConsentText")
    New.objects.bulk_create(
        New(
            pk=old.pk,
            purpose="appeal",
            version=old.version,
            text_kk=old.text_kk,
            text_ru=old.text_ru,
            text_en=old.text_en,
            text_zh_hans=old.text_zh_hans,
            valid_from=old.valid_from,
        )
        for old in Old.objects.all()
    )
    # Explicit ids: the table's sequence must continue after them (PostgreSQL).
    connection = schema_editor.connection
    statements = connection.ops.sequence_reset_sql(no_style(), [New])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def remove_copies(apps, schema_editor):
    apps.get_model("pkop_portal", "ConsentText").objects.filter(purpose="appeal").delete()


def copy_back(apps, schema_editor):
    Old = apps.get_model("appeals", "ConsentText")
    New = apps.get_model("pkop_portal", "ConsentText")
    for new in New.objects.filter(purpose="appeal"):
        Old.objects.update_or_create(
            pk=new.pk,
            defaults={
                "version": new.version,
                "text_kk": new.text_kk,
                "text_ru": new.text_ru,
                "text_en": new.text_en,
                "text_zh_hans": new.text_zh_hans,
                "valid_from": new.valid_from,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0003_staff_group_permissions"),
        ("pkop_portal", "0003_consent_text"),
    ]

    operations = [
        migrations.RunPython(copy_consents, remove_copies),
        migrations.AlterField(
            model_name="appeal",
            name="consent",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="pkop_portal.consenttext",
                verbose_name="consent text",
            ),
        ),
        # Backwards this runs after the old table is back and before the key points at it.
        migrations.RunPython(migrations.RunPython.noop, copy_back),
        migrations.DeleteModel(name="ConsentText"),
    ]
