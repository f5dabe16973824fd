"""Builders of the staff-workflow tests: staff of each group, requests at a given step, a
committee meeting with declarations, decisions recorded and approved through the services."""

from decimal import Decimal

from appeals.tests.factories import staff_user
from charity import enums
from charity.models import CharityRequest, CommitteeMeeting
from charity.services import committee
from charity.tests.factories import BudgetLineFactory, CharityRequestFactory
from pkop_portal import workdays

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def officer(name: str = "officer"):
    return staff_user(name, "Charity officer")


def member(name: str):
    return staff_user(name, "Charity committee")


def head(name: str = "head"):
    """A Head (the same one when asked again)."""
    from django.contrib.auth.models import User

    existing = User.objects.filter(username=name).first()
    return User.objects.get(pk=existing.pk) if existing else staff_user(name, "Head")


def open_request(**kwargs) -> CharityRequest:
    """A request registered today, answer due in 15 working days."""
    today = workdays.local_now().date()
    defaults = {
        "registration_date": today,
        "due_date": workdays.add_working_days(today, 15),
        "received_at": workdays.local_now(),
    }
    return CharityRequestFactory(**{**defaults, **kwargs})


def meeting(chair, *others, **kwargs) -> CommitteeMeeting:
    """A planned meeting today chaired by `chair` with `others` as members."""
    return committee.meeting_create(
        held_on=kwargs.pop("held_on", workdays.local_now().date()),
        chair=chair,
        members=list(others),
        by=chair,
        **kwargs,
    )


def at_committee(meeting_: CommitteeMeeting, *, assessed_by, **kwargs) -> CharityRequest:
    """An assessed request on the meeting's agenda (status at the committee)."""
    values = {
        "status": enums.Status.AT_COMMITTEE,
        "assessed_by": assessed_by,
        "assessed_at": workdays.local_now(),
        "household_size": 3,
        "income_per_member": Decimal("60000.00"),
        "assessment": "Доход ниже прожиточного минимума.",
    }
    request = open_request(**{**values, **kwargs})
    meeting_.requests.add(request)
    return request


def declare_all(meeting_: CommitteeMeeting, request, conflicted=()) -> None:
    """Every member of the meeting declares on `request`; those in `conflicted` a conflict."""
    for user in meeting_.members.all():
        has_conflict = user in conflicted
        committee.conflict_declare(
            meeting_id=meeting_.pk,
            request_id=request.pk,
            member=user,
            has_conflict=has_conflict,
            note="Родственник заявителя" if has_conflict else "",
        )


def money_item(line, amount: str, description: str = "Материальная помощь"):
    return committee.ItemInput(budget_line=line, description=description, amount=Decimal(amount))


def recorded(meeting_, request, *, by, outcome=enums.Outcome.APPROVED, items=None, reasons=None):
    """A decision recorded by `by` (who must have declared no conflict)."""
    if items is None and outcome != enums.Outcome.REJECTED:
        items = [money_item(BudgetLineFactory(), "100000")]
    return committee.decision_record(
        meeting_id=meeting_.pk,
        request_id=request.pk,
        by=by,
        outcome=outcome,
        reasons=reasons or "Многодетная семья, доход ниже прожиточного минимума.",
        items=items or [],
    )


class Committee:
    """A chair and two members, an officer who assesses, and a planned meeting."""

    def __init__(self):
        self.officer = officer()
        self.chair = member("chair")
        self.alice = member("alice")
        self.bob = member("bob")
        self.meeting = meeting(self.chair, self.alice, self.bob)

    def request(self, **kwargs) -> CharityRequest:
        return at_committee(self.meeting, assessed_by=self.officer, **kwargs)

    def decide(self, request, *, items=None, outcome=enums.Outcome.APPROVED, conflicted=()):
        """Declarations, a decision recorded by Alice, approved by the chair."""
        declare_all(self.meeting, request, conflicted=conflicted)
        decision = recorded(self.meeting, request, by=self.alice, outcome=outcome, items=items)
        return committee.decision_approve(decision_id=decision.pk, by=self.chair)

    def approved(self, line, *amounts: str, **kwargs):
        """A request approved with one money item per amount on `line`; (request, decision)."""
        request = self.request(**kwargs)
        items = [money_item(line, amount, f"Помощь {n}") for n, amount in enumerate(amounts)]
        decision = self.decide(request, items=items)
        request.refresh_from_db()
        return request, decision
