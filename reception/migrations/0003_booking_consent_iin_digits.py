"""Bookings keep the consent they were made with (version, time, client IP); IIN digits only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reception", "0002_staff_group_permissions"),
        ("pkop_portal", "0003_consent_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
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
        migrations.AddField(
            model_name="booking",
            name="consent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="consent given at"),
        ),
        migrations.AddField(
            model_name="booking",
            name="consent_ip",
            field=models.GenericIPAddressField(
                blank=True, null=True, verbose_name="consent given from"
            ),
        ),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.CheckConstraint(
                condition=models.Q(("iin__regex", "^[0-9]{12}$")), name="booking_iin_digits"
            ),
        ),
    ]
