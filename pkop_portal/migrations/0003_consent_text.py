"""Consent texts move to the site-wide app: one text per purpose (appeal, reception, charity,
hotline). The appeal texts are copied over by appeals.0004."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pkop_portal", "0002_seed_lines_groups_calendar")]

    operations = [
        migrations.CreateModel(
            name="ConsentText",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("appeal", "Appeal"),
                            ("reception", "Personal reception"),
                            ("charity", "Charitable and social assistance"),
                            ("hotline", "Hotline report"),
                        ],
                        max_length=16,
                        verbose_name="purpose",
                    ),
                ),
                ("version", models.CharField(max_length=20, verbose_name="version")),
                ("text_kk", models.TextField(verbose_name="text (Kazakh)")),
                ("text_ru", models.TextField(verbose_name="text (Russian)")),
                ("text_en", models.TextField(verbose_name="text (English)")),
                ("text_zh_hans", models.TextField(verbose_name="text (Chinese)")),
                ("valid_from", models.DateTimeField(verbose_name="valid from")),
            ],
            options={
                "verbose_name": "consent text",
                "verbose_name_plural": "consent texts",
                "ordering": ["purpose", "-valid_from"],
                "get_latest_by": "valid_from",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("purpose", "version"), name="consenttext_unique_purpose_version"
                    )
                ],
            },
        ),
    ]
