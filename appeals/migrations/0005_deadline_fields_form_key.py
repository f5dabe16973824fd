"""The statutory due date, the redirect deadline, the extension time and the one-time form key
of an appeal; existing appeals get their dates computed from the working-day calendar."""

from django.db import migrations, models


def fill_dates(apps, schema_editor):
    from pkop_portal import workdays  # the live calendar: overrides are already migrated

    Appeal = apps.get_model("appeals", "Appeal")
    AppealEvent = apps.get_model("appeals", "AppealEvent")
    for appeal in Appeal.objects.all().iterator():
        appeal.statutory_due_date = workdays.add_working_days(appeal.registration_date, 15)
        appeal.redirect_due_date = workdays.add_working_days(appeal.registration_date, 3)
        last_extension = (
            AppealEvent.objects.filter(appeal=appeal, kind="extended").order_by("-at").first()
        )
        appeal.extended_at = last_extension.at if last_extension else None
        appeal.save(update_fields=["statutory_due_date", "redirect_due_date", "extended_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0004_consent_text_moved"),
        ("pkop_portal", "0002_seed_lines_groups_calendar"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="statutory_due_date",
            field=models.DateField(null=True, verbose_name="statutory answer due"),
        ),
        migrations.AddField(
            model_name="appeal",
            name="redirect_due_date",
            field=models.DateField(
                null=True,
                help_text="An appeal outside the company's competence is redirected by this date.",
                verbose_name="redirect deadline",
            ),
        ),
        migrations.AddField(
            model_name="appeal",
            name="extended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="extended at"),
        ),
        migrations.AddField(
            model_name="appeal",
            name="form_key_hash",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=64,
                null=True,
                unique=True,
                verbose_name="form key (hash)",
            ),
        ),
        migrations.RunPython(fill_dates, migrations.RunPython.noop),
    ]
