"""Deadlines required; IIN and BIN of ASCII digits only; the export log lists its appeals."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("appeals", "0005_deadline_fields_form_key")]

    operations = [
        migrations.AlterField(
            model_name="appeal",
            name="statutory_due_date",
            field=models.DateField(verbose_name="statutory answer due"),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="redirect_due_date",
            field=models.DateField(
                help_text="An appeal outside the company's competence is redirected by this date.",
                verbose_name="redirect deadline",
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(("iin", ""), ("iin__regex", "^[0-9]{12}$"), _connector="OR"),
                name="appeal_iin_digits",
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(("bin", ""), ("bin__regex", "^[0-9]{12}$"), _connector="OR"),
                name="appeal_bin_digits",
            ),
        ),
        migrations.AddField(
            model_name="exportlog",
            name="appeals",
            field=models.ManyToManyField(
                blank=True,
                related_name="export_logs",
                to="appeals.appeal",
                verbose_name="appeals exported",
            ),
        ),
    ]
