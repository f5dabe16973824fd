"""Handing over the aid a decision granted, item by item, with the signed act of receipt; or
cancelling an item with a reason. When every item of a request is handed over or cancelled,
the request moves on: to "aid handed over" if anything was handed over, else it is closed.

Budget bookkeeping, under the line's row lock: approving reserved an item's value; handing it
over adds the amount handed over to `disbursed` and releases the unused part of the
reservation; cancelling releases the whole of it.
"""

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from charity import enums
from charity.models import AidItem, BudgetLine, CharityRequest, Disbursement, RequestEvent
from charity.services.workflow import (
    cancel_item,
    close,
    lock_request,
    notify_applicant,
    record_event,
    require_perm,
    require_status,
    set_status,
)
from pkop_portal import uploads, workdays

DISBURSE = "disburse_charityrequest"
# A signed act is a scan or a photo: no word-processor files.
ACT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
# Kazakhstan IBAN: "KZ", two check digits, 3-character bank code, 13-character account.
KZ_IBAN = re.compile(r"^KZ[0-9]{2}[0-9A-Z]{16}$")
HANDED_OVER_FROM = {enums.Status.APPROVED, enums.Status.PARTLY_APPROVED}


def normalise_iban(value: str) -> str:
    """As typed → as stored: spaces dropped, upper case."""
    return "".join((value or "").split()).upper()


def iban_is_valid(value: str) -> bool:
    """A Kazakhstan IBAN (ISO 13616): "KZ" + 18 characters, whose mod-97 check (the first
    four characters moved to the end, letters as 10..35) leaves 1."""
    iban = normalise_iban(value)
    if not KZ_IBAN.match(iban):
        return False
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def _lock_item(item_id: int) -> tuple[CharityRequest, AidItem]:
    """The item's request, then the item, locked in that order (the order of every service)."""
    request_id = AidItem.objects.values_list("decision__request_id", flat=True).get(pk=item_id)
    request = lock_request(request_id)
    item = AidItem.objects.select_for_update().select_related("decision").get(pk=item_id)
    return request, item


def _require_approved_item(request: CharityRequest, item: AidItem) -> None:
    require_status(request, HANDED_OVER_FROM)
    if not item.decision.is_approved or item.status != enums.ItemStatus.APPROVED:
        raise ValidationError(
            _("Only an approved item that is not yet handed over or cancelled can be changed."),
            code="not_approved",
        )


def _check_act(act: UploadedFile | None) -> None:
    if act is None:
        raise ValidationError(
            _("Attach the act of receipt signed by the applicant."), code="no_act"
        )
    uploads.validate_uploads([act], max_files=1, max_mb=settings.CHARITY_MAX_FILE_MB)
    if uploads.upload_type(act) not in ACT_TYPES:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG or PNG file.") % {"name": act.name},
            code="file_type",
        )


def _finish(request: CharityRequest, by) -> bool:
    """Move the request on once none of its items is waiting: handed over if any was, else
    closed with the cancellation reasons. False (nothing done) while items are waiting."""
    items = list(AidItem.objects.filter(decision__request_id=request.pk))
    if any(item.status == enums.ItemStatus.APPROVED for item in items):
        return False
    handed_over = [item for item in items if item.status == enums.ItemStatus.DISBURSED]
    if not handed_over:
        reasons = "; ".join(dict.fromkeys(item.cancel_reason for item in items))
        close(request, by, reasons)
        return True
    amounts = Disbursement.objects.filter(item__in=handed_over).values_list("amount", flat=True)
    total = sum(amounts, Decimal("0"))
    event = set_status(request, enums.Status.DISBURSED, by, kind=RequestEvent.Kind.DISBURSED)
    notify_applicant(
        request,
        "charity.disbursed",
        {
            "total": f"{total:.2f}",
            "items": [item.description for item in handed_over],
        },
        key=f"{event.pk}",
    )
    return True


def item_disburse(
    *,
    item_id: int,
    by,
    disbursed_on: date,
    method: str,
    amount: Decimal,
    handed_over_by,
    act: UploadedFile | None,
    account: str = "",
    supplier: str = "",
    note: str = "",
) -> Disbursement:
    """Record that an approved item was handed over.

    Inputs: the date (not before the decision was approved, not in the future); the method
    (bank transfer needs a valid Kazakhstan IBAN, stored compact and shown masked; payment to a
    supplier needs the supplier's name); the amount handed over (more than zero, at most the
    item's value); the staff member who handed it over; the act of receipt signed by the
    applicant (required; PDF, JPEG or PNG by its content, stored under a random name).
    Effects: the Disbursement; the item handed over; on its budget line `disbursed` grows by
    the amount and the unused part of the reservation is released; when no item of the
    request is waiting any more, the request goes to "aid handed over". All in one
    transaction: the act's file is removed again if it rolls back.
    Side effects: public DISBURSED row per item; "charity.item_disbursed" (the item and the
    amount) while other items are still waiting, "charity.disbursed" when the request is
    complete. Raises PermissionDenied, ValidationError(code="wrong_status" | "not_approved" |
    "bad_amount" | "amount_too_high" | "bad_method" | "bad_iban" | "no_supplier" | "bad_date"
    | "not_staff" | "no_act" | "file_type" | "file_too_large" | "empty").
    """
    require_perm(by, DISBURSE)
    _check_act(act)
    stored: list[str] = []
    try:
        with transaction.atomic():
            disbursement = _disburse(
                item_id=item_id,
                by=by,
                disbursed_on=disbursed_on,
                method=method,
                amount=Decimal(amount),
                handed_over_by=handed_over_by,
                act=act,
                account=account,
                supplier=supplier,
                note=note,
                stored=stored,
            )
    except Exception:
        uploads.delete_stored(stored)
        raise
    return disbursement


def _disburse(
    *,
    item_id,
    by,
    disbursed_on,
    method,
    amount,
    handed_over_by,
    act,
    account,
    supplier,
    note,
    stored,
) -> Disbursement:
    request, item = _lock_item(item_id)
    _require_approved_item(request, item)
    if amount <= 0:
        raise ValidationError(_("The amount handed over must be more than zero."), "bad_amount")
    if amount > item.amount:
        raise ValidationError(
            _("At most the approved value of the item can be handed over (%(amount)s tenge).")
            % {"amount": item.amount},
            code="amount_too_high",
        )
    if method not in enums.DisbursementMethod.values:
        raise ValidationError(_("Choose how the aid was handed over."), code="bad_method")
    account = normalise_iban(account) if method == enums.DisbursementMethod.BANK_TRANSFER else ""
    if method == enums.DisbursementMethod.BANK_TRANSFER and not iban_is_valid(account):
        raise ValidationError(
            _("Give a valid Kazakhstan bank account (IBAN): KZ and 18 letters or digits."),
            code="bad_iban",
        )
    supplier = (supplier or "").strip() if method == enums.DisbursementMethod.SUPPLIER else ""
    if method == enums.DisbursementMethod.SUPPLIER and not supplier:
        raise ValidationError(_("Name the supplier that was paid."), code="no_supplier")
    approved_on = item.decision.approved_at.astimezone(workdays.LOCAL_TZ).date()
    if not approved_on <= disbursed_on <= workdays.local_now().date():
        raise ValidationError(
            _("The date must be between the decision (%(date)s) and today.")
            % {"date": f"{approved_on:%d.%m.%Y}"},
            code="bad_date",
        )
    if handed_over_by is None or not (handed_over_by.is_active and handed_over_by.is_staff):
        raise ValidationError(
            _("The aid is handed over by an active staff member."), code="not_staff"
        )
    line = BudgetLine.objects.select_for_update().get(pk=item.budget_line_id)
    disbursement = Disbursement(
        item=item,
        disbursed_on=disbursed_on,
        method=method,
        amount=amount,
        account=account,
        supplier=supplier,
        handed_over_by=handed_over_by,
        recorded_by=by,
        note=(note or "").strip(),
    )
    stored.append(uploads.store_upload(disbursement, act, field_name="act"))
    disbursement.save()
    line.disbursed += amount
    line.reserved -= item.amount - amount
    line.save(update_fields=["disbursed", "reserved"])
    item.status = enums.ItemStatus.DISBURSED
    item.save(update_fields=["status"])
    event = record_event(
        request,
        RequestEvent.Kind.DISBURSED,
        by,
        field="item",
        old=item.description,
        new=f"{amount:.2f}",
        note=enums.DisbursementMethod(method).label,
    )
    if not _finish(request, by):
        notify_applicant(
            request,
            "charity.item_disbursed",
            {"item": item.description, "amount": f"{amount:.2f}"},
            key=f"{event.pk}",
        )
    return disbursement


@transaction.atomic
def item_cancel(*, item_id: int, by, reason: str) -> AidItem:
    """Cancel an approved item that was not handed over (the applicant refused it, could not
    be reached, the need passed…): the reason is required; its whole value is released on its
    budget line. When no item of the request is waiting any more, the request goes to "aid
    handed over", or is closed if nothing was handed over.

    Side effects: public ITEM_CANCELLED row with the reason (shown to the applicant: write it
    for them); "charity.item_cancelled" (the item and the reason) while other items are still
    waiting, else the notice of the request's next step.
    Raises PermissionDenied, ValidationError(code="wrong_status" | "not_approved" |
    "no_reason").
    """
    require_perm(by, DISBURSE, "decide_charityrequest")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason of the cancellation."), code="no_reason")
    request, item = _lock_item(item_id)
    _require_approved_item(request, item)
    line = BudgetLine.objects.select_for_update().get(pk=item.budget_line_id)
    event = cancel_item(request, item, line, by, reason)
    line.save(update_fields=["reserved"])
    if not _finish(request, by):
        notify_applicant(
            request,
            "charity.item_cancelled",
            {"item": item.description, "reason": reason},
            key=f"{event.pk}",
        )
    return item
