"""Appeal.answer_working_days: Kazakhstan working days from registration to the answer, set
by appeals.workflow.appeal_answer; answered appeals already in the table get it here."""

from django.db import migrations, models

BATCH = 2000


def backfill(apps, schema_editor):
    """Every answered appeal: working days after its registration date up to and including the
    answer's local date (pkop_portal.workdays, with the calendar overrides), memoised per pair
    of dates and written in batches."""
    from pkop_portal import workdays

    Appeal = apps.get_model("appeals", "Appeal")
    rows = (
        Appeal.objects.filter(status="answered", answered_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "registration_date", "answered_at")
    )
    memo: dict = {}
    batch = []
    for pk, registered, answered_at in rows.iterator(chunk_size=BATCH):
        key = (registered, answered_at.astimezone(workdays.LOCAL_TZ).date())
        if key not in memo:
            memo[key] = workdays.working_days_between(*key)
        batch.append(Appeal(pk=pk, answer_working_days=memo[key]))
        if len(batch) >= BATCH:
            Appeal.objects.bulk_update(batch, ["answer_working_days"])
            batch = []
    if batch:
        Appeal.objects.bulk_update(batch, ["answer_working_days"])


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0010_admin_list_search_indexes"),
        # The working-day calendar's overrides (and their seed) are read by the backfill.
        ("pkop_portal", "0002_seed_lines_groups_calendar"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="answer_working_days",
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, verbose_name="working days to answer"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
