"""A hotline report's history in words (hotline.history) and on the report's page: names for
usernames, labels for codes, only what the rows held, for Compliance only."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from appeals.tests.factories import staff_user
from hotline import history
from hotline.models import ReportEvent
from hotline.services import retention, workflow
from hotline.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Almaty")
K = ReportEvent.Kind


@pytest.fixture(autouse=True)
def _english(in_english):
    """Every test here compares English labels."""


@pytest.fixture
def officer():
    return staff_user("h5-officer", "Compliance officer", first="Marat", last="Zhunusov")


@pytest.fixture
def head():
    return staff_user("h5-head", "Compliance head", first="Saule", last="Akhmetova")


def received(clock):
    clock.set(datetime(2027, 1, 5, 9, 0, tzinfo=LOCAL))
    report = ReportFactory()
    ReportEvent.objects.create(report=report, kind=K.RECEIVED)
    return report


def rows_of(report):
    return history.report_history(events=report.events.select_related("by"))


def test_the_steps_in_words_with_names_and_labels(officer, head, clock):
    report = received(clock)
    clock.set(datetime(2027, 1, 6, 10, 15, tzinfo=LOCAL))
    workflow.report_acknowledge(report_id=report.pk, by=officer)
    workflow.report_triage(report_id=report.pk, by=officer, severity="high", retaliation_risk="low")
    workflow.report_triage(
        report_id=report.pk, by=officer, severity="critical", retaliation_risk="low"
    )
    workflow.report_assign(report_id=report.pk, by=head, investigator=officer)
    workflow.report_start_investigation(report_id=report.pk, by=officer)
    workflow.report_refer(
        report_id=report.pk, by=officer, referred_on=date(2027, 1, 6), reference="АКС-17"
    )
    workflow.report_set_legal_hold(report_id=report.pk, by=head, on=True, reason="Суд")
    workflow.report_conclude(
        report_id=report.pk, by=officer, conclusion="substantiated", reasons="Факты подтвердились"
    )
    rows = rows_of(report)
    assert [(r.who, r.what, r.changes, r.note) for r in rows] == [
        ("Reporter", "Received", ["Status: none → Received"], ""),
        ("Marat Zhunusov", "Acknowledged", ["Status: Received → Acknowledged"], ""),
        (
            "Marat Zhunusov",
            "Triage changed",
            ["Severity: none → High", "Retaliation risk: none → Low"],
            "",
        ),
        ("Marat Zhunusov", "Triage changed", ["Severity: High → Critical"], ""),
        ("Saule Akhmetova", "Investigator assigned", ["Investigator: none → M. Zhunusov"], ""),
        (
            "Marat Zhunusov",
            "Investigation started",
            ["Status: Acknowledged → Under investigation"],
            "",
        ),
        (
            "Marat Zhunusov",
            "Referred to the Anti-Corruption Service",
            [
                "Referred to the Anti-Corruption Service on: 06.01.2027",
                "Referral reference: АКС-17",
            ],
            "",
        ),
        ("Saule Akhmetova", "Legal hold changed", ["Legal hold: no → yes"], "Суд"),
        (
            "Marat Zhunusov",
            "Concluded",
            ["Status: Under investigation → Concluded"],
            "Факты подтвердились",
        ),
    ]
    assert rows[1].at == "06.01.2027 10:15"


def test_excluding_the_investigator_names_them_and_takes_the_report_off_them(officer, head, clock):
    report = received(clock)
    workflow.report_assign(report_id=report.pk, by=head, investigator=officer)
    workflow.report_exclude_officer(report_id=report.pk, by=head, officer=officer, reason="Родня")
    last = rows_of(report)[-1]
    assert last.what == "Officer excluded (conflict of interest)"
    assert last.changes == [
        "Officers excluded (conflict of interest): M. Zhunusov",
        "Investigator: M. Zhunusov → none",
    ]
    assert last.note == "Родня"


def test_no_username_is_shown_even_for_an_account_without_a_name(head, clock):
    nameless = get_user_model().objects.create_user("h5-nameless", is_staff=True)
    nameless.groups.set(Group.objects.filter(name="Compliance officer"))
    report = received(clock)
    workflow.report_acknowledge(report_id=report.pk, by=nameless)
    workflow.report_assign(report_id=report.pk, by=head, investigator=nameless)
    rows = rows_of(report)
    # Django's admin shows a nameless account by its username: it is all there is to say.
    assert rows[1].who == "h5-nameless"
    assert rows[2].changes == ["Investigator: none → h5-nameless"]


def test_an_anonymised_report_tells_nothing_the_notes_held(officer, head, clock):
    report = received(clock)
    workflow.report_acknowledge(report_id=report.pk, by=officer)
    workflow.report_assign(report_id=report.pk, by=head, investigator=officer)
    workflow.report_exclude_officer(report_id=report.pk, by=head, officer=officer, reason="Родня")
    report.refresh_from_db()
    report.status = "closed"
    report.closed_at = datetime(2020, 1, 1, tzinfo=LOCAL)
    report.save()
    assert retention.report_anonymise(report_id=report.pk)
    rows = rows_of(report)
    assigned = next(r for r in rows if r.kind == K.ASSIGNED)
    excluded = next(r for r in rows if r.kind == K.EXCLUDED)
    assert (assigned.changes, assigned.note) == ([], "")
    assert (excluded.changes, excluded.note) == ([], "")
    assert rows[-1].what == "Anonymised" and rows[-1].who == ""


def test_the_history_costs_one_query_for_the_names_whatever_its_length(
    officer, head, clock, query_count
):
    report = received(clock)
    workflow.report_assign(report_id=report.pk, by=head, investigator=officer)
    events = list(report.events.select_related("by"))
    short, _ = query_count(lambda: history.report_history(events=events))
    other = staff_user("h5-other", "Compliance officer", first="Aruzhan", last="Bekova")
    for _n in range(5):
        workflow.report_assign(report_id=report.pk, by=head, investigator=other)
        workflow.report_assign(report_id=report.pk, by=head, investigator=officer)
    events = list(report.events.select_related("by"))
    long, rows = query_count(lambda: history.report_history(events=events))
    assert (short, long, len(rows)) == (1, 1, 12)
    assert rows[-1].changes == ["Investigator: A. Bekova → M. Zhunusov"]


def test_the_report_page_shows_the_history_in_words_in_shymkent_time(
    client, officer, head, clock, settings
):
    settings.TIME_ZONE = "UTC"
    report = received(clock)
    # 23:10 UTC on 31 December is already 1 January in Shymkent (UTC+5).
    clock.set(datetime(2026, 12, 31, 23, 10, tzinfo=ZoneInfo("UTC")))
    workflow.report_assign(report_id=report.pk, by=head, investigator=officer)
    client.force_login(officer)
    html = client.get(f"/en/admin/hotline/report/{report.pk}/change/").content.decode()
    table = html.split('id="hotline-history"')[1].split("</table>")[0]
    assert '<td class="hotline-history-at">01.01.2027 04:10</td>' in table
    assert '<td class="hotline-history-who">Saule Akhmetova</td>' in table
    assert "<li>Investigator: none → M. Zhunusov</li>" in table
    # The raw rows' usernames are gone (the investigator field above still links the account).
    assert "h5-officer" not in table and "h5-head" not in html


def test_the_history_view_leads_to_the_history_on_the_page(client, officer, clock):
    report = received(clock)
    client.force_login(officer)
    response = client.get(f"/en/admin/hotline/report/{report.pk}/history/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/report/{report.pk}/change/#hotline-history")


def test_outside_compliance_and_excluded_officers_see_no_history(client, officer, head, clock):
    report = received(clock)
    workflow.report_exclude_officer(report_id=report.pk, by=head, officer=officer, reason="Родня")
    root = get_user_model().objects.create_superuser("h5-root", password="x")
    for user in (officer, root):
        client.force_login(user)
        response = client.get(f"/en/admin/hotline/report/{report.pk}/change/")
        assert response.status_code == 404
