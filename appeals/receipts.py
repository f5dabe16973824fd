"""Where the receipt (public) and the talon (staff) keep the access code between the
submission and the page that shows it: a sealed cookie of that page only, for
APPEALS_RECEIPT_SECONDS (pkop_portal.receipts). The server keeps no copy; a reload in the same
browser shows the code again until the cookie expires.
"""

from dataclasses import dataclass

from django.shortcuts import redirect

from pkop_portal.receipts import ReceiptPage, receipt_cookie_get, receipt_cookie_set

RECEIPT = ReceiptPage("appeals.receipt", "appeals:receipt", "pkop_receipt")
TALON = ReceiptPage("appeals.talon", "admin:appeals_appeal_talon", "pkop_talon")


@dataclass(frozen=True)
class Remembered:
    appeal_id: int
    code: str


def _remember(response, page: ReceiptPage, payload: dict) -> None:
    receipt_cookie_set(response, page=page, payload=payload)


def _recall(request, page: ReceiptPage) -> dict | None:
    return receipt_cookie_get(request, page=page)


def receipt_remember(response, *, appeal_id: int, code: str) -> None:
    """Let the public receipt page of this browser show `code` of the appeal."""
    _remember(response, RECEIPT, {"appeal": appeal_id, "code": code})


def receipt_recall(request) -> Remembered | None:
    """What the public receipt page may show, or None (no cookie, expired, or tampered)."""
    data = _recall(request, RECEIPT)
    if data is None:
        return None
    return Remembered(appeal_id=int(data["appeal"]), code=str(data["code"]))


def talon_remember(response, *, appeal_id: int, code: str, user_id: int) -> None:
    """Let the staff talon page show `code` to the officer who registered the appeal."""
    _remember(response, TALON, {"appeal": appeal_id, "code": code, "user": user_id})


def talon_redirect(request, result):
    """After a staff registration of `result` (appeals.services.SubmittedAppeal), from the
    appeals admin or a reception visit: to the talon page, with its cookie."""
    if result.access_code is None:
        # A resent form whose appeal got a new code since: nothing to show but the appeal.
        return redirect("admin:appeals_appeal_change", result.appeal.pk)
    response = redirect("admin:appeals_appeal_talon")
    talon_remember(
        response, appeal_id=result.appeal.pk, code=result.access_code, user_id=request.user.pk
    )
    return response


def talon_recall(request) -> Remembered | None:
    """What the talon page may show to the signed-in officer, or None (also for another user
    of the same browser)."""
    data = _recall(request, TALON)
    if data is None or data.get("user") != request.user.pk:
        return None
    return Remembered(appeal_id=int(data["appeal"]), code=str(data["code"]))
