"""Builders of the public-report tests: families helped, as the workflow leaves them (a
request, its approved decision, aid items handed over with a disbursement each)."""

from datetime import date
from decimal import Decimal

from appeals.tests.factories import staff_user
from charity import enums
from charity.models import Disbursement
from charity.tests.factories import (
    AidItemFactory,
    BudgetLineFactory,
    CharityRequestFactory,
    CommitteeDecisionFactory,
    CommitteeMeetingFactory,
    ProgrammeFactory,
)


class Helper:
    """Creates helped families on one programme, one meeting and one staff member."""

    def __init__(self):
        self.staff = staff_user("report.officer", "Charity officer")
        self.programme = ProgrammeFactory()
        self.meeting = CommitteeMeetingFactory(chair=self.staff, members=[self.staff])
        self.count = 0

    def family(
        self,
        *,
        category=enums.Category.LARGE_FAMILY,
        district=enums.District.ABAY,
        items=((enums.AidKind.MONEY, "100000", date(2025, 5, 5)),),
        **request_fields,
    ):
        """One helped request; `items` = (aid kind, amount, disbursed on) handed over."""
        self.count += 1
        request = CharityRequestFactory(
            status=enums.Status.DISBURSED,
            category=category,
            district=district,
            programme=self.programme,
            **request_fields,
        )
        decision = CommitteeDecisionFactory(
            meeting=self.meeting,
            request=request,
            recorded_by=self.staff,
            approved_by=self.staff,
        )
        for kind, amount, on in items:
            item = AidItemFactory(
                decision=decision,
                budget_line=BudgetLineFactory(programme=self.programme, aid_kind=kind),
                amount=Decimal(amount),
                status=enums.ItemStatus.DISBURSED,
            )
            Disbursement.objects.create(
                item=item,
                disbursed_on=on,
                method=enums.DisbursementMethod.CASH,
                amount=Decimal(amount),
                handed_over_by=self.staff,
                recorded_by=self.staff,
                act=f"acts/{self.count}-{item.pk}.pdf",
                stored_name=f"{self.count}-{item.pk}.pdf",
                original_name="act.pdf",
                content_type="application/pdf",
                size=100,
            )
        return request

    def families(self, n: int, **kwargs) -> list:
        return [self.family(**kwargs) for _ in range(n)]
