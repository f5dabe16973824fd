"""Programme budget lines: adding one and changing its amount.

`reserved` and `disbursed` belong to the committee's approvals and the hand-overs
(charity.services.committee, .disbursement), which change them under the line's row lock; so
does every step here, and it writes only `amount`: a form loaded before an approval can never
write an old `reserved` back.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from charity import enums
from charity.models import BudgetLine, Programme
from pkop_portal.formats import tenge


def _require(user, permission: str) -> None:
    if user is None or not (user.is_active and user.has_perm(f"charity.{permission}")):
        raise PermissionDenied


def _check_amount(amount) -> Decimal:
    amount = Decimal(amount)
    if amount < 0:
        raise ValidationError(_("The budget cannot be negative."), code="negative")
    return amount


@transaction.atomic
def budget_line_add(*, programme_id: int, aid_kind: str, amount, by) -> BudgetLine:
    """A programme's budget for one kind of aid (nothing reserved or handed over yet).

    Raises PermissionDenied (without charity.add_budgetline), ValidationError(code=
    "bad_aid_kind" | "negative" | "duplicate").
    """
    _require(by, "add_budgetline")
    if aid_kind not in enums.AidKind.values:
        raise ValidationError(_("Choose the kind of aid."), code="bad_aid_kind")
    amount = _check_amount(amount)
    programme = Programme.objects.select_for_update().get(pk=programme_id)
    if BudgetLine.objects.filter(programme=programme, aid_kind=aid_kind).exists():
        raise ValidationError(
            _("The programme already has a budget line for this kind of aid."), code="duplicate"
        )
    return BudgetLine.objects.create(programme=programme, aid_kind=aid_kind, amount=amount)


@transaction.atomic
def budget_line_set_amount(*, line_id: int, amount, by) -> BudgetLine:
    """Change a budget line's amount, never below what is reserved on it now (read under the
    line's row lock, so an approval in between is counted). Only `amount` is written.

    Raises PermissionDenied (without charity.change_budgetline), ValidationError(code=
    "negative" | "below_reserved").
    """
    _require(by, "change_budgetline")
    amount = _check_amount(amount)
    line = BudgetLine.objects.select_for_update().get(pk=line_id)
    if amount < line.reserved:
        raise ValidationError(
            _("At least %(reserved)s tenge is already reserved on this line.")
            % {"reserved": tenge(line.reserved)},
            code="below_reserved",
        )
    if amount != line.amount:
        line.amount = amount
        line.save(update_fields=["amount"])
    return line
