"""Compliance statistics and the public yearly summary with small-count suppression."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from hotline import enums, stats
from hotline.models import AccessLog
from hotline.tests.factories import ReportFactory
from hotline.tests.test_workflow import staff
from pkop_portal.suppression import suppress

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
S = enums.Status
C = enums.Category


def at(*args):
    return datetime(*args, tzinfo=ALMATY)


def report(received, *, acknowledged=None, concluded=None, **kwargs):
    from hotline import deadlines

    fields = {"received_at": received, "acknowledge_due": deadlines.acknowledge_due_for(received)}
    if acknowledged:
        fields["acknowledged_at"] = acknowledged
        fields["feedback_due"] = deadlines.feedback_due_for(acknowledged)
        fields["status"] = S.ACKNOWLEDGED
    if concluded:
        fields["concluded_at"] = concluded
        fields["status"] = S.CONCLUDED
        fields["conclusion"] = kwargs.pop("conclusion", enums.Conclusion.SUBSTANTIATED)
    return ReportFactory(**fields, **kwargs)


def test_compliance_statistics(clock):
    clock.set(at(2026, 6, 30, 12))
    officer = staff("officer", "Compliance officer")
    report(at(2026, 1, 1, 10), acknowledged=at(2026, 1, 8, 23), concluded=at(2026, 4, 8, 9))
    report(at(2026, 1, 1, 10), acknowledged=at(2026, 1, 9, 1), concluded=at(2026, 4, 10, 9),
           category=C.FRAUD)  # fmt: skip
    report(at(2026, 2, 1, 10), acknowledged=at(2026, 2, 3, 10), category=C.FRAUD)  # feedback late
    report(at(2026, 6, 28, 10))  # acknowledgement not yet due: not counted
    report(at(2026, 3, 1, 10))  # never acknowledged, overdue
    report(at(2025, 12, 31, 23, 59))  # outside the period
    hidden = report(at(2026, 3, 1, 10))
    hidden.excluded_officers.add(officer)

    result = stats.compliance_statistics(by=officer, start=date(2026, 1, 1), end=date(2026, 6, 30))

    assert result.total == 5
    assert result.by_category[C.CORRUPTION] == 3 and result.by_category[C.FRAUD] == 2
    assert result.by_status[S.CONCLUDED] == 2 and result.by_status[S.RECEIVED] == 2
    assert result.days_to_acknowledge == stats.Durations(count=3, average=5.7, median=7)
    assert result.days_to_conclude == stats.Durations(count=2, average=98.0, median=98.0)
    # Acknowledged on day 7, on day 8, on day 2, and one overdue without acknowledgement.
    assert result.acknowledgement_on_time == stats.OnTime(on_time=2, counted=4)
    assert result.acknowledgement_on_time.share == 0.5
    # Feedback: 8.1 → 8.4 on time, 9.1 → 10.4 late, 3.2 → 3.5 overdue and open.
    assert result.feedback_on_time == stats.OnTime(on_time=1, counted=3)
    log = AccessLog.objects.get()
    assert log.action == enums.AccessAction.STATISTICS and log.user == officer


@pytest.mark.parametrize("superuser", [True, False])
def test_statistics_refused_outside_compliance(superuser):
    user = staff("root", "Head", superuser=superuser)
    with pytest.raises(PermissionDenied):
        stats.compliance_statistics(by=user, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert not AccessLog.objects.exists()


def cells(table):
    return {c.key: (None if c.suppressed else c.count) for c in table}


def many(n, category, conclusion="", year=2026):
    for _ in range(n):
        extra = {"status": S.CONCLUDED, "conclusion": conclusion} if conclusion else {}
        ReportFactory(received_at=at(year, 5, 1, 10), category=category, **extra)


def test_public_summary_suppresses_small_cells_and_a_complement():
    many(6, C.CORRUPTION, "substantiated")
    many(5, C.FRAUD, "not_substantiated")
    many(4, C.SAFETY, "not_substantiated")
    many(2, C.OTHER, year=2025)  # another year
    summary = stats.public_summary(2026)
    assert summary.total == 15 and not summary.suppressed
    by_category = cells(summary.by_category)
    # SAFETY (4) is small; FRAUD (5, the smallest shown) is hidden so 4 cannot be derived.
    assert by_category[C.CORRUPTION] == 6
    assert by_category[C.SAFETY] is None and by_category[C.FRAUD] is None
    assert by_category[C.HARASSMENT] == 0
    assert cells(summary.by_conclusion) == {
        "substantiated": 6, "partly_substantiated": 0, "not_substantiated": 9,
        "outside_policy": 0, "not_concluded": 0,
    }  # fmt: skip
    small = {c.key for c in summary.by_category if c.small}
    assert small == {C.SAFETY}


def test_public_summary_boundary_five_is_shown():
    many(5, C.CORRUPTION)
    many(5, C.FRAUD)
    summary = stats.public_summary(2026)
    assert cells(summary.by_category)[C.FRAUD] == 5
    assert cells(summary.by_conclusion)["not_concluded"] == 10


def test_public_summary_year_under_five_shows_nothing():
    many(4, C.CORRUPTION)
    summary = stats.public_summary(2026)
    assert summary.suppressed and summary.total == 4
    assert all(c.suppressed for c in summary.by_category if c.count)
    assert not stats.public_summary(2024).has_data


def test_public_summary_two_queries(django_assert_num_queries):
    many(7, C.CORRUPTION)
    with django_assert_num_queries(2):
        stats.public_summary(2026)


@pytest.mark.parametrize(
    "counts, hidden",
    [
        ([6, 5, 4], {1, 2}),  # one small cell: the smallest shown one too
        ([6, 2, 2], {0, 1, 2}),  # two hidden covering 4 < 5: one more
        ([9, 3, 3, 0], {1, 2}),  # 3 + 3 = 6: enough
        ([5, 5, 0], set()),  # nothing small, empty cells stay shown
        ([4], {0}),
    ],
)
def test_shared_suppression_rule(counts, hidden):
    small, complements = suppress(counts)
    assert small | complements == hidden
