"""Appeal numbers move to the shared sequence table (pkop_portal.Sequence, prefix "A"), taken
with one UPDATE … RETURNING like charity and hotline numbers; the year's last number is kept."""

from django.db import migrations


def forward(apps, schema_editor):
    Old = apps.get_model("appeals", "NumberSequence")
    Sequence = apps.get_model("pkop_portal", "Sequence")
    for row in Old.objects.all():
        Sequence.objects.update_or_create(prefix="A", year=row.year, defaults={"last": row.last})


def backward(apps, schema_editor):
    Old = apps.get_model("appeals", "NumberSequence")
    Sequence = apps.get_model("pkop_portal", "Sequence")
    for row in Sequence.objects.filter(prefix="A"):
        Old.objects.update_or_create(year=row.year, defaults={"last": row.last})


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0008_note_permission"),
        ("pkop_portal", "0005_sequence"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="NumberSequence"),
    ]
