"""Double help: the applicant's and the household members' IINs against other requests'
applicants and members; aid in the last 12 months (365 days yes, 366 no); pending requests;
what staff may see; the public history."""

from datetime import timedelta
from decimal import Decimal

import pytest

from appeals.tests.factories import staff_user
from charity import enums, selectors
from charity.models import Disbursement, RequestEvent
from charity.services import workflow
from charity.tests import support
from charity.tests.factories import (
    CHILD_IIN,
    SPOUSE_IIN,
    VALID_IIN,
    AidItemFactory,
    CommitteeDecisionFactory,
    HouseholdMemberFactory,
)
from pkop_portal import workdays

pytestmark = pytest.mark.django_db
OTHER_IIN = "900101300005"


def aided(*, days_ago: int, **kwargs):
    """An earlier request whose aid was handed over `days_ago` days before today."""
    earlier = support.open_request(status=enums.Status.CLOSED, **kwargs)
    item = AidItemFactory(
        decision=CommitteeDecisionFactory(
            request=earlier,
            meeting__chair=support.member(f"chair{earlier.pk}"),
            recorded_by=support.member(f"rec{earlier.pk}"),
        ),
        status=enums.ItemStatus.DISBURSED,
    )
    Disbursement.objects.create(
        item=item,
        disbursed_on=workdays.local_now().date() - timedelta(days=days_ago),
        method=enums.DisbursementMethod.CASH,
        amount=Decimal("1000"),
        handed_over_by=item.decision.recorded_by,
        recorded_by=item.decision.recorded_by,
        act="charity/act.pdf",
        stored_name="act.pdf",
        original_name="act.pdf",
        content_type="application/pdf",
        size=10,
    )
    return earlier


def test_aid_365_days_ago_counts_366_does_not():
    request = support.open_request(iin=VALID_IIN)
    inside = aided(days_ago=365, iin=VALID_IIN)
    aided(days_ago=366, iin=VALID_IIN)
    overlaps = selectors.request_overlaps(request=request)
    assert overlaps.recent_aid == [inside]
    assert overlaps.open_requests == []
    assert overlaps.flag_recent_aid and not overlaps.flag_open_request


def test_aid_366_days_ago_alone_is_no_flag():
    request = support.open_request(iin=VALID_IIN)
    aided(days_ago=366, iin=VALID_IIN)
    assert selectors.request_overlaps(request=request).recent_aid == []
    workflow.request_check_flags(request_id=request.pk)
    request.refresh_from_db()
    assert (request.flag_recent_aid, request.flag_open_request) == (False, False)
    assert request.flags_checked_at is not None


@pytest.mark.parametrize(
    "case",
    [
        "applicant_was_applicant",
        "applicant_was_member",
        "member_was_applicant",
        "member_was_member",
    ],
)
def test_recent_aid_found_in_every_role(case):
    request = support.open_request(iin=VALID_IIN if case.startswith("applicant") else OTHER_IIN)
    if case.startswith("member"):
        HouseholdMemberFactory(request=request, iin=SPOUSE_IIN)
    person = VALID_IIN if case.startswith("applicant") else SPOUSE_IIN
    if case.endswith("was_applicant"):
        earlier = aided(days_ago=30, iin=person)
    else:
        earlier = aided(days_ago=30, iin="611111300007")
        HouseholdMemberFactory(request=earlier, iin=person)
    workflow.request_check_flags(request_id=request.pk)
    request.refresh_from_db()
    assert request.flag_recent_aid is True
    assert selectors.request_overlaps(request=request).recent_aid == [earlier]


@pytest.mark.parametrize("status", list(enums.Status))
def test_other_pending_request_by_status(status):
    request = support.open_request(iin=OTHER_IIN)
    HouseholdMemberFactory(request=request, iin=CHILD_IIN)
    other = support.open_request(iin=VALID_IIN, status=status)
    HouseholdMemberFactory(request=other, iin=CHILD_IIN)
    overlaps = selectors.request_overlaps(request=request)
    expected = [other] if status in enums.WITHDRAWABLE_STATUSES else []
    assert overlaps.open_requests == expected


def test_no_overlap_with_strangers_or_itself():
    request = support.open_request(iin=VALID_IIN)
    HouseholdMemberFactory(request=request, iin="")  # no IIN given: matches nothing
    support.open_request(iin=OTHER_IIN)
    stranger = support.open_request(iin="611111300007")
    HouseholdMemberFactory(request=stranger, iin="")
    overlaps = selectors.request_overlaps(request=request)
    assert (overlaps.recent_aid, overlaps.open_requests) == ([], [])
    assert overlaps.iins == {VALID_IIN}


def test_overlaps_shown_to_staff_are_scoped_to_what_they_may_see():
    request = support.open_request()
    earlier = support.open_request()
    assert selectors.request_overlaps(request=request, user=support.officer()).open_requests == [
        earlier
    ]
    outsider = staff_user("registrar", "Registrar")
    assert selectors.request_overlaps(request=request, user=outsider).open_requests == []
    # The flags are computed over all requests whoever asks.
    workflow.request_check_flags(request_id=request.pk, by=outsider)
    request.refresh_from_db()
    assert request.flag_open_request is True


def test_request_list_for_staff_by_right():
    request = support.open_request()
    for user in (support.officer(), support.member("m"), support.head()):
        assert list(selectors.request_list_for_staff(user=user)) == [request]
    assert list(selectors.request_list_for_staff(user=staff_user("x", "Registrar"))) == []
    inactive = support.officer("gone")
    inactive.is_active = False
    assert list(selectors.request_list_for_staff(user=inactive)) == []


def test_request_list_for_staff_queries_are_constant(query_count):
    officer = support.officer()
    support.open_request(officer=officer)
    officer.has_perm("charity.view_charityrequest")  # the permission cache, loaded once
    one, _rows = query_count(
        lambda: [(r.officer, r.programme) for r in selectors.request_list_for_staff(user=officer)]
    )
    for _ in range(5):
        support.open_request(officer=officer)
    many, rows = query_count(
        lambda: [(r.officer, r.programme) for r in selectors.request_list_for_staff(user=officer)]
    )
    assert (one, len(rows)) == (many, 6)


def test_overlaps_cost_three_queries(query_count):
    request = support.open_request()
    for days in (10, 20, 30):
        aided(days_ago=days)
    count, overlaps = query_count(lambda: selectors.request_overlaps(request=request))
    assert (count, len(overlaps.recent_aid)) == (3, 3)


def test_public_history_leaves_out_internal_rows():
    request = support.open_request()
    for kind in (
        RequestEvent.Kind.SUBMITTED,
        RequestEvent.Kind.NOTE,
        RequestEvent.Kind.ASSIGNED,
        RequestEvent.Kind.FLAGS_CHECKED,
        RequestEvent.Kind.CONFLICT_DECLARED,
        RequestEvent.Kind.DEFERRED,
        RequestEvent.Kind.DECIDED,
        RequestEvent.Kind.ITEM_CANCELLED,
    ):
        RequestEvent.objects.create(request=request, kind=kind)
    kinds = [e.kind for e in selectors.request_public_history(request=request)]
    # A postponement and a cancelled item (its reason written for the applicant) are shown.
    assert kinds == ["submitted", "deferred", "decided", "item_cancelled"]
